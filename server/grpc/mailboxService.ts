/** e2ee.v1.Mailbox: Send, Subscribe (flow-controlled stream), Fetch, Ack. */
import * as grpc from '@grpc/grpc-js';
import type { Envelope as WireEnvelope } from '../../proto/generated/e2ee/v1/Envelope.js';
import type { MailboxHandlers } from '../../proto/generated/e2ee/v1/Mailbox.js';
import type { MailboxEvent } from '../../proto/generated/e2ee/v1/MailboxEvent.js';
import type { StreamEnd } from '../domain/delivery.js';
import type { MailboxService } from '../domain/mailbox.js';
import type { Envelope, OutgoingMessage } from '../domain/types.js';
import type { ServerConfig } from '../config.js';
import type { Gatekeeper } from './auth.js';
import { failureToRpcError, invalidArgument } from './errors.js';
import type { HandlerKit } from './handlers.js';
import * as validate from './validate.js';

export interface MailboxDeps {
  mailbox: MailboxService;
  gate: Gatekeeper;
  kit: HandlerKit;
  config: Pick<ServerConfig, 'maxMessagesPerSend' | 'maxContentBytes' | 'maxAckGuids'>;
}

const CIPHERTEXT_TYPES = new Set([2, 3]);

// Timestamps go out as numbers (all below 2^53): a string would be parsed back
// into a Long for every envelope on the way to the wire.
const envelopeToWire = (e: Envelope): WireEnvelope => ({
  guid: e.guid,
  source: e.source,
  source_device: e.sourceDevice,
  destination: e.destination,
  type: e.type,
  content: e.content,
  client_timestamp: e.clientTimestamp,
  server_timestamp: e.serverTimestamp,
});

const END_STATUS: Record<StreamEnd, { code: grpc.status; details: string }> = {
  replaced: { code: grpc.status.ABORTED, details: 'replaced by a newer Subscribe of this account' },
  sessions_ended: { code: grpc.status.UNAUTHENTICATED, details: 'session ended' },
  shutdown: { code: grpc.status.UNAVAILABLE, details: 'server shutting down' },
};

export class MailboxGrpcService {
  constructor(private readonly deps: MailboxDeps) {}

  addToServer(server: grpc.Server, definition: grpc.ServiceDefinition): void {
    const { mailbox, gate, kit, config } = this.deps;
    const handlers: MailboxHandlers = {
      Send: kit.unary('Send', async (req, call) => {
        const caller = gate.callerOf(call);
        const destination = validate.number(req.destination, 'destination');
        validate.count(req.messages, 1, config.maxMessagesPerSend, 'messages');
        const seen = new Set<string>();
        const messages: OutgoingMessage[] = req.messages.map((m, i) => {
          const guid = m.guid === '' ? '' : validate.uuid(m.guid, `messages[${i}].guid`);
          if (guid !== '' && seen.has(guid)) throw invalidArgument(`messages[${i}].guid repeats an earlier guid in this call`);
          seen.add(guid);
          if (!CIPHERTEXT_TYPES.has(m.type)) throw invalidArgument(`messages[${i}].type must be 2 (Whisper) or 3 (PreKey)`);
          return {
            guid,
            type: m.type,
            content: validate.bytesWithin(m.content, 1, config.maxContentBytes, `messages[${i}].content`),
            clientTimestamp: validate.timestamp(m.client_timestamp, `messages[${i}].client_timestamp`),
          };
        });
        const outcome = await mailbox.send(caller, destination, messages);
        if (!outcome.ok) throw failureToRpcError(outcome.failure);
        return { guids: outcome.value.guids, server_timestamp: outcome.value.serverTimestamp };
      }),

      Subscribe: kit.serverStream('Subscribe', (_req, call) => {
        const caller = gate.callerOf(call);
        const write = (event: MailboxEvent) => call.write(event);
        const { detach } = mailbox.subscribe(
          caller,
          {
            sendEnvelope: (e) => write({ envelope: envelopeToWire(e) }),
            sendQueueEmpty: () => write({ queue_empty: {} }),
            onDrain: (resume) => call.once('drain', resume),
          },
          (why) => {
            detach();
            call.emit('error', { ...END_STATUS[why], metadata: new grpc.Metadata() });
          },
        );
        call.on('cancelled', detach);
        call.on('close', detach);
      }),

      Fetch: kit.unary('Fetch', (req, call) => {
        const caller = gate.callerOf(call);
        const page = mailbox.fetch(caller, req.limit);
        return { envelopes: page.envelopes.map(envelopeToWire), more: page.more };
      }),

      Ack: kit.unary('Ack', async (req, call) => {
        const caller = gate.callerOf(call);
        validate.count(req.guids, 0, config.maxAckGuids, 'guids');
        const guids = req.guids.map((g, i) => validate.uuid(g, `guids[${i}]`));
        return { removed: await mailbox.ack(caller, guids) };
      }),
    };
    server.addService(definition, handlers);
  }
}
