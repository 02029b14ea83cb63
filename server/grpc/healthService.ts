/**
 * grpc.health.v1: SERVING once the database is open, NOT_SERVING while the
 * server shuts down. "" names the server as a whole; each e2ee.v1 service
 * answers with the same status.
 */
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import type { HealthHandlers } from '../../proto/generated/grpc/health/v1/Health.js';
import type { HealthCheckResponse } from '../../proto/generated/grpc/health/v1/HealthCheckResponse.js';
import { RpcError } from './errors.js';
import type { HandlerKit } from './handlers.js';

type ServingStatus = 'SERVING' | 'NOT_SERVING';

export class HealthService {
  private current: ServingStatus = 'SERVING';
  private readonly watchers = new Map<(s: ServingStatus) => void, () => void>();

  constructor(
    private readonly services: readonly string[],
    private readonly kit: HandlerKit,
  ) {}

  setStatus(next: ServingStatus): void {
    this.current = next;
    for (const notify of this.watchers.keys()) notify(next);
  }

  addToServer(server: grpc.Server, definition: grpc.ServiceDefinition): void {
    const known = (service: string) => service === '' || this.services.includes(service);
    const handlers: HealthHandlers = {
      Check: this.kit.unary('Health.Check', (req): HealthCheckResponse => {
        if (!known(req.service)) throw new RpcError(status.NOT_FOUND, 'unknown service');
        return { status: this.current };
      }),
      Watch: this.kit.serverStream('Health.Watch', (req, call) => {
        if (!known(req.service)) {
          call.write({ status: 'SERVICE_UNKNOWN' });
          return;
        }
        const notify = (s: ServingStatus) => call.write({ status: s });
        notify(this.current);
        this.watchers.set(notify, () => call.end());
        const stop = () => this.watchers.delete(notify);
        call.on('cancelled', stop);
        call.on('close', stop);
      }),
    };
    server.addService(definition, handlers);
  }

  /** Ends open Watch calls (at shutdown, after NOT_SERVING went out). */
  endWatches(): void {
    for (const end of this.watchers.values()) end();
    this.watchers.clear();
  }
}
