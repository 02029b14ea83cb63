/**
 * Connection admission. The server accepts sockets itself and hands them to
 * grpc-js, so it can cap how many are open at once and close connections that
 * never authenticate (a socket that makes no successful Register,
 * Authenticate or token-bearing call within the allowance is dropped).
 */
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';

interface Tracked {
  socket: Socket;
  timer?: NodeJS.Timeout;
}

/** "host:port" as grpc-js's call.getPeer() writes it ("[::1]:port" for IPv6). */
function peerOf(address: string | undefined, port: number | undefined): string {
  const host = address?.startsWith('::ffff:') ? address.slice(7) : address;
  return host?.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class ConnectionGuard {
  private readonly open = new Map<string, Tracked>();

  constructor(
    private readonly unauthenticatedTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  /** Starts the clock on a new socket. */
  accept(socket: Socket): void {
    const peer = peerOf(socket.remoteAddress, socket.remotePort);
    const tracked: Tracked = { socket };
    tracked.timer = setTimeout(() => {
      this.log.info('closing a connection that never authenticated');
      socket.destroy();
    }, this.unauthenticatedTimeoutMs);
    tracked.timer.unref();
    this.open.set(peer, tracked);
    socket.once('close', () => {
      clearTimeout(tracked.timer);
      if (this.open.get(peer) === tracked) this.open.delete(peer);
    });
  }

  /** The connection behind `peer` proved an identity: it may stay. */
  authenticated(peer: string): void {
    const tracked = this.open.get(peer);
    if (tracked?.timer) {
      clearTimeout(tracked.timer);
      tracked.timer = undefined;
    }
  }

  get count(): number {
    return this.open.size;
  }

  destroyAll(): void {
    for (const { socket } of this.open.values()) socket.destroy();
  }
}
