/**
 * Crash-test hooks. `E2EE_FAILPOINTS=name1,name2` makes the process SIGKILL
 * itself when it reaches a named point, so tests can prove that a crash between
 * two steps loses nothing. With the variable unset, `failpoint()` is a lookup
 * in an empty set.
 */
export type FailpointName =
  | 'client.after-decrypt-before-commit'
  | 'client.after-commit-before-ack'
  | 'client.after-encrypt-before-send';

const armed: ReadonlySet<string> = new Set(
  (process.env.E2EE_FAILPOINTS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0),
);

export function failpoint(name: FailpointName): void {
  if (armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
