/** Addresses for the failure cases: a port nobody listens on, and a server that never answers. Always 127.0.0.1. */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A port nobody listens on: taken, then let go. */
export async function unusedAddress(): Promise<string> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = `127.0.0.1:${(probe.address() as AddressInfo).port}`;
  probe.close();
  await once(probe, 'close');
  return address;
}

export interface SilentServer {
  address: string;
  /** Resolves when the first connection arrives. */
  connected: Promise<unknown>;
  close(): void;
}

/** Accepts connections and never answers, as a hung server does. */
export async function silentServer(): Promise<SilentServer> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    connected: once(server, 'connection'),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}
