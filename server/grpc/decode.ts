/**
 * grpc-js answers a request it cannot deserialize with INTERNAL. API.md says
 * INVALID_ARGUMENT, so each request deserializer is wrapped: a decode failure
 * yields a marker object that the handler wrapper turns into that status.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';

const UNDECODABLE = Object.freeze({ __undecodable: true });

export function isUndecodable(request: unknown): boolean {
  return request === UNDECODABLE;
}

interface MethodLike {
  requestDeserialize: (bytes: Buffer) => unknown;
}

export function guardDeserializers(service: ServiceDefinition): ServiceDefinition {
  const guarded: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(service as unknown as Record<string, MethodLike>)) {
    guarded[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch {
          return UNDECODABLE;
        }
      },
    };
  }
  return guarded as ServiceDefinition;
}
