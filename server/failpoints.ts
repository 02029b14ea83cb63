/**
 * Crash-test hooks for the server. `E2EE_FAILPOINTS=name` SIGKILLs the process
 * the first time it reaches a named point; `name@N` on the Nth time. Only the
 * fault-injection tests set the variable; unset, `failpoint()` is a lookup in
 * an empty map.
 */
export type ServerFailpoint =
  | 'server.send.after-commit'
  | 'server.bundle.before-commit'
  | 'server.bundle.after-commit'
  | 'server.delivery.after-envelope';

/** name -> how many more hits before the kill. */
const armed = new Map<string, number>(
  (process.env.E2EE_FAILPOINTS ?? '')
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec.startsWith('server.'))
    .map((spec) => {
      const [name, nth] = spec.split('@');
      return [name!, Math.max(1, Number(nth ?? 1) || 1)] as const;
    }),
);

export function failpoint(name: ServerFailpoint): void {
  const left = armed.get(name);
  if (left === undefined) return;
  if (left > 1) armed.set(name, left - 1);
  else process.kill(process.pid, 'SIGKILL');
}
