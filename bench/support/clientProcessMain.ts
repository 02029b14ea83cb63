/**
 * The child side of clientProcess.ts: real ChatClients driven over IPC. Runs
 * as `node dist/bench/support/clientProcessMain.js` (forked, with an IPC channel).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { ChatClient } from '../../client/core/chatClient.js';
import { PROFILE_DIR_ENV, machineNowMs, type Arrival, type ChildMessage, type ClientReply, type ClientRequest, type SendResult } from './clientProcess.js';

const clients: ChatClient[] = [];
const errors: string[] = [];
/** Texts this process sent and waits for, by text. */
const waiting = new Map<string, (at: number) => void>();
/** Arrivals forwarded before their sender started waiting. */
const early = new Map<string, number>();
/** This process's own arrivals, sent to the parent once per turn of the event loop. */
let outgoing: Arrival[] = [];

function post(message: ChildMessage): void {
  process.send?.(message);
}

function noteArrival(text: string, at: number): void {
  const resolve = waiting.get(text);
  if (resolve) {
    waiting.delete(text);
    resolve(at);
  } else {
    early.set(text, at);
  }
}

function arrivalOf(text: string): Promise<number> {
  const at = early.get(text);
  if (at !== undefined) {
    early.delete(text);
    return Promise.resolve(at);
  }
  return new Promise((resolve) => waiting.set(text, resolve));
}

function listen(client: ChatClient): void {
  client.on((event) => {
    if (event.event === 'error') errors.push(event.message);
    if (event.event !== 'message') return;
    if (outgoing.length === 0) {
      setImmediate(() => {
        post({ kind: 'arrivals', arrivals: outgoing });
        outgoing = [];
      });
    }
    outgoing.push([event.text, machineNowMs()]);
  });
}

async function open(numbers: string[], dataDir: string, server: string, listening: boolean): Promise<void> {
  for (const number of numbers) {
    const client = await ChatClient.open({ number, dataDir: join(dataDir, number), server });
    try {
      await client.register();
    } catch (error) {
      await client.close();
      throw error;
    }
    if (listening) listen(client);
    clients.push(client);
  }
}

/** Set by the parent to a folder: 'profile' requests CPU-profile this process into it. */
const profileDir = process.env[PROFILE_DIR_ENV];
let profiler: Session | undefined;
let profiles = 0;

async function profile(on: boolean): Promise<void> {
  if (profileDir === undefined) return;
  if (!profiler) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
  }
  if (on) {
    await profiler.post('Profiler.start');
    return;
  }
  const { profile: taken } = await profiler.post('Profiler.stop');
  profiles += 1;
  writeFileSync(join(profileDir, `client-${process.pid}-${profiles}.cpuprofile`), JSON.stringify(taken));
}

async function send(to: string, texts: string[], inFlight: number, eachFromOwnClient: boolean): Promise<SendResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  const startedAt = machineNowMs();
  const worker = async (): Promise<void> => {
    while (next < texts.length) {
      const index = next++;
      const text = texts[index]!;
      const from = clients[eachFromOwnClient ? index : 0]!;
      const sentAt = machineNowMs();
      const arrival = arrivalOf(text);
      await from.send(to, text);
      latenciesMs.push((await arrival) - sentAt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, texts.length) }, worker));
  return { elapsedMs: machineNowMs() - startedAt, latenciesMs };
}

function untilDelivered(to: string): Promise<void> {
  const client = clients[0]!;
  const delivered = (): boolean =>
    client.messages(to).some((message) => message.direction === 'outgoing' && (message.status === 'delivered' || message.status === 'read'));
  return new Promise((resolve) => {
    const stop = client.on((event) => {
      if (event.event === 'status' && delivered()) {
        stop();
        resolve();
      }
    });
    if (delivered()) {
      stop();
      resolve();
    }
  });
}

async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  errors.length = 0;
  waiting.clear();
  early.clear();
}

async function handle(request: ClientRequest): Promise<ClientReply | undefined> {
  switch (request.op) {
    case 'open':
      await open(request.numbers, request.dataDir, request.server, request.listen);
      return { numbers: clients.map((client) => client.number), errors };
    case 'connect':
      await Promise.all(clients.map((client) => client.connect()));
      return { errors };
    case 'send':
      return { send: await send(request.to, request.texts, request.inFlight, request.eachFromOwnClient), errors };
    case 'untilDelivered':
      await untilDelivered(request.to);
      return { errors };
    case 'arrivals':
      for (const [text, at] of request.arrivals) noteArrival(text, at);
      return undefined;
    case 'errors':
      return { errors };
    case 'profile':
      await profile(request.on);
      return { errors };
    case 'closeClients':
      await closeClients();
      return { errors };
  }
}

process.on('message', ({ id, request }: { id: number; request: ClientRequest }) => {
  handle(request).then(
    (reply) => {
      if (reply) post({ kind: 'reply', id, reply: { ...reply, errors: [...reply.errors] } });
    },
    (error: unknown) => post({ kind: 'reply', id, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
// The parent went away: close the databases cleanly and go.
process.on('disconnect', () => {
  void closeClients().finally(() => process.exit(0));
});
post({ kind: 'ready' });
