/**
 * Node child processes that announce themselves with a first stdout line
 * "listening on HOST:PORT ...". Every child started here is recorded so
 * that an error or Ctrl+C in the bench stops it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const STDERR_KEPT = 4_000;

const running = new Set<ChildProcess>();

export interface StartedChild {
  pid: number;
  /** The first stdout line. */
  readyLine: string;
  /** HOST:PORT from the first line. */
  address: string;
  /** From spawn to the first stdout line. */
  startupMs: number;
  /** Resident memory now, from /proc/<pid>/status. */
  residentKiB(): number;
  /** Peak resident memory so far. */
  peakResidentKiB(): number;
  /** CPU time used so far (user + system), in seconds. */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  stop(): Promise<void>;
}

export async function startNodeChild(nodeArgs: string[], label: string): Promise<StartedChild> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderrTail = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_KEPT);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const lines = createInterface({ input: child.stdout });
  try {
    const readyLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} printed nothing in ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${signal ?? code}) before it was ready: ${stderrTail.trim()}`));
      });
      child.once('error', reject);
    });
    const startupMs = performance.now() - startedAt;
    const address = /^listening on (\S+)/.exec(readyLine)?.[1];
    if (address === undefined) throw new Error(`${label} said "${readyLine}" instead of "listening on HOST:PORT"`);
    // Later lines (the server's log) are read and dropped so a full pipe never stalls the child.
    lines.on('line', () => {});
    const pid = child.pid as number;
    return {
      pid,
      readyLine,
      address,
      startupMs,
      residentKiB: () => procStatusKiB(pid, 'VmRSS'),
      peakResidentKiB: () => procStatusKiB(pid, 'VmHWM'),
      cpuSeconds: () => procCpuSeconds(pid),
      stop: () => stopChild(child, exited),
    };
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(killTimer);
}

function procStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in hundredths of a second. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far. */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Records a child started elsewhere (a forked client process) so that killAllChildren stops it too. */
export function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** Last resort on Ctrl+C or a crash: kill whatever is still running, synchronously. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
