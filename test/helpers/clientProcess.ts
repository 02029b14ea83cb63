/** The built client (dist/client/main.js) as a child process, for crash and CLI tests. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../proto/loader.js';

export interface ClientRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed line by line (with --json). */
  events: Record<string, unknown>[];
}

function entry(): string {
  return join(projectRoot(), 'dist/client/main.js');
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Runs the client to completion (sending `interrupt.signal` once `interrupt.when` resolves); kills it and rejects after `timeoutMs`. */
export function runClient(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; timeoutMs?: number; interrupt?: { signal: NodeJS.Signals; when: Promise<unknown> } } = {},
): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry(), ...args], { env: { ...process.env, NODE_ENV: 'production', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`client ${args.join(' ')} did not finish in time; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    void opts.interrupt?.when.then(() => child.kill(opts.interrupt!.signal));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const json = args.includes('--json');
      resolve({ code, signal, stdout, stderr, events: json && signal === null ? parseJsonLines(stdout) : [] });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A long-running client (the REPL) whose output lines can be awaited. */
export interface LiveClient {
  child: ChildProcessWithoutNullStreams;
  events: Record<string, unknown>[];
  send(line: string): void;
  waitFor(predicate: (event: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Ends stdin and waits for the exit code. */
  finish(timeoutMs?: number): Promise<number | null>;
  kill(): void;
}

export function startRepl(args: string[]): LiveClient {
  const child = spawn(process.execPath, [entry(), ...args], { env: { ...process.env, NODE_ENV: 'production' } });
  const events: Record<string, unknown>[] = [];
  let buffered = '';
  let stderr = '';
  let waiters: { predicate: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim().length === 0) continue;
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      waiters = waiters.filter((w) => (w.predicate(event) ? (w.resolve(event), false) : true));
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    events,
    send: (line) => child.stdin.write(line + '\n'),
    waitFor(predicate, timeoutMs = 20_000) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`REPL: timed out; events so far: ${JSON.stringify(events)}; stderr: ${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    async finish(timeoutMs = 20_000) {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: () => child.kill('SIGKILL'),
  };
}
