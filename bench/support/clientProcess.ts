/**
 * Real client cores (ChatClient, each on its own SQLite file) in a child
 * process of their own, driven by the bench over Node's IPC channel, so that
 * the end-to-end step spreads the sender's and the receiver's work over the
 * machine's cores as two real devices would.
 *
 * The parent asks (`request`); the child answers each request once. A child
 * that receives also reports, in batches, when each text arrived (its 'message'
 * event: decrypted and committed), on the machine-wide monotonic clock
 * (process.hrtime), so that another process can time it against its own sends.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { procCpuSeconds, trackChild } from './childProcess.js';

export type ClientRequest =
  /**
   * Opens and registers one client per number (untimed), each under dataDir/<number>.
   * `listen`: report their arrivals and errors. Without it the clients have no
   * listener, and skip events that cost to build (a new contact's safety number).
   */
  | { op: 'open'; numbers: string[]; dataDir: string; server: string; listen: boolean }
  /** Connects every open client's live stream. */
  | { op: 'connect' }
  /**
   * Sends texts[i] to `to` (from client 0, or from client i when `eachFromOwnClient`),
   * at most `inFlight` at a time, each counted done once `to` stored it (the
   * parent forwards the receiver's arrivals). Answers with each text's latency.
   */
  | { op: 'send'; to: string; texts: string[]; inFlight: number; eachFromOwnClient: boolean }
  /**
   * Resolves once client 0 has heard a delivery receipt from `to`: it has then
   * decrypted a message from `to`, so it sends plain ratchet messages from now on
   * instead of PreKey messages (each carrying the whole PQXDH header).
   */
  | { op: 'untilDelivered'; to: string }
  /** The arrivals of texts this child sent, forwarded by the parent. */
  | { op: 'arrivals'; arrivals: Arrival[] }
  /** Just the errors so far. */
  | { op: 'errors' }
  /** Starts or stops CPU-profiling this process (when it was started with a profile folder). */
  | { op: 'profile'; on: boolean }
  /** Closes every open client. */
  | { op: 'closeClients' };

export interface SendResult {
  /** From the first send() call to the last arrival. */
  elapsedMs: number;
  /** Per text: from its send() call to its arrival at the receiver. */
  latenciesMs: number[];
}

export interface ClientReply {
  numbers?: string[];
  send?: SendResult;
  /** 'error' events of the child's clients so far. */
  errors: string[];
}

/** [text, when it was stored, in ms on the machine's monotonic clock] */
export type Arrival = [string, number];

export type ChildMessage =
  | { kind: 'reply'; id: number; reply?: ClientReply; error?: string }
  | { kind: 'arrivals'; arrivals: Arrival[] }
  | { kind: 'ready' };

/** The child's environment variable naming the folder for its CPU profiles. */
export const PROFILE_DIR_ENV = 'BENCH_CLIENT_PROFILE_DIR';

/** Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares. */
export function machineNowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export class ClientProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(reply: ClientReply): void; reject(err: Error): void }>();
  private arrivalListener: ((arrivals: Arrival[]) => void) | undefined;
  private readonly exited: Promise<void>;
  private exitReason: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    let stderrTail = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4_000);
    });
    child.on('message', (message: ChildMessage) => this.receive(message));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitReason = `${label} exited (${signal ?? code}): ${stderrTail.trim()}`;
        for (const waiting of this.pending.values()) waiting.reject(new Error(this.exitReason));
        this.pending.clear();
        resolve();
      }),
    );
  }

  /** CPU seconds the process has used so far. */
  cpuSeconds(): number {
    return this.child.pid === undefined ? 0 : procCpuSeconds(this.child.pid);
  }

  /** Starts a child; with `profileDir`, 'profile' requests write V8 CPU profiles there. */
  static async start(label: string, profileDir?: string): Promise<ClientProcess> {
    const script = fileURLToPath(new URL('./clientProcessMain.js', import.meta.url));
    const env = profileDir === undefined ? process.env : { ...process.env, [PROFILE_DIR_ENV]: profileDir };
    const child = fork(script, [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    trackChild(child);
    const client = new ClientProcess(child, label);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', () => reject(new Error(client.exitReason ?? `${label} exited before it was ready`)));
      child.once('error', reject);
    });
    return client;
  }

  request(request: ClientRequest): Promise<ClientReply> {
    if (this.exitReason) return Promise.reject(new Error(this.exitReason));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, request });
    });
  }

  /** Tells the child about arrivals (no answer). */
  forward(arrivals: Arrival[]): void {
    if (!this.exitReason) this.child.send({ id: 0, request: { op: 'arrivals', arrivals } satisfies ClientRequest });
  }

  onArrivals(listener: (arrivals: Arrival[]) => void): void {
    this.arrivalListener = listener;
  }

  /** Closes the clients and ends the child (SIGKILL if it does not go in time). */
  async stop(): Promise<void> {
    if (this.exitReason) return;
    await this.request({ op: 'closeClients' }).catch(() => undefined);
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  private receive(message: ChildMessage): void {
    if (message.kind === 'arrivals') {
      this.arrivalListener?.(message.arrivals);
      return;
    }
    if (message.kind !== 'reply') return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new Error(`${this.label}: ${message.error}`));
    else waiting.resolve(message.reply as ClientReply);
  }
}
