/**
 * The server's three services behind typed promise calls. Every unary call has a
 * deadline; the session token lives here, in memory only, and rides on each call
 * as `authorization: Bearer <token>`.
 */
import * as grpc from '@grpc/grpc-js';
import { loadContract } from '../../../proto/loader.js';
import type { AccountsClient } from '../../../proto/generated/e2ee/v1/Accounts.js';
import type { AuthenticateRequest } from '../../../proto/generated/e2ee/v1/AuthenticateRequest.js';
import type { Challenge__Output } from '../../../proto/generated/e2ee/v1/Challenge.js';
import type { FetchResponse__Output } from '../../../proto/generated/e2ee/v1/FetchResponse.js';
import type { KeysClient } from '../../../proto/generated/e2ee/v1/Keys.js';
import type { MailboxClient } from '../../../proto/generated/e2ee/v1/Mailbox.js';
import type { MailboxEvent__Output } from '../../../proto/generated/e2ee/v1/MailboxEvent.js';
import type { PreKeyBundle__Output } from '../../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { PreKeyCount__Output } from '../../../proto/generated/e2ee/v1/PreKeyCount.js';
import type { RegisterRequest } from '../../../proto/generated/e2ee/v1/RegisterRequest.js';
import type { SendRequest } from '../../../proto/generated/e2ee/v1/SendRequest.js';
import type { SendResponse__Output } from '../../../proto/generated/e2ee/v1/SendResponse.js';
import type { Session__Output } from '../../../proto/generated/e2ee/v1/Session.js';
import type { UploadPreKeysRequest } from '../../../proto/generated/e2ee/v1/UploadPreKeysRequest.js';
import { ClientError } from '../errors.js';
import { toClientError } from './rpcErrors.js';
import { channelCredentials, type TransportSecurity } from './transport.js';
import { useLeanAsyncResourceBind } from './leanAsyncBind.js';

/** How long a call waits for its answer unless the caller says otherwise. */
export const DEFAULT_DEADLINE_MS = 15_000;

type UnaryInvoker<Res> = (metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<Res>) => unknown;

export class ServerApi {
  private readonly accounts: AccountsClient;
  private readonly keys: KeysClient;
  private readonly mailbox: MailboxClient;
  private token: string | undefined;
  private closed = false;

  constructor(
    readonly address: string,
    security: TransportSecurity,
    private readonly deadlineMs = DEFAULT_DEADLINE_MS,
  ) {
    useLeanAsyncResourceBind();
    const { e2ee } = loadContract().grpcObject;
    const credentials = channelCredentials(address, security);
    // One channel shared by the three services.
    this.accounts = new e2ee.v1.Accounts(address, credentials);
    const channelOverride = this.accounts.getChannel();
    this.keys = new e2ee.v1.Keys(address, credentials, { channelOverride });
    this.mailbox = new e2ee.v1.Mailbox(address, credentials, { channelOverride });
  }

  hasSession(): boolean {
    return this.token !== undefined;
  }

  setSessionToken(token: string | undefined): void {
    this.token = token;
  }

  close(): void {
    this.closed = true;
    this.accounts.close();
  }

  private authMetadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.token === undefined) throw new ClientError('unauthenticated', 'not signed in to the server');
    metadata.set('authorization', `Bearer ${this.token}`);
    return metadata;
  }

  private unary<Res>(doing: string, metadata: grpc.Metadata, invoke: UnaryInvoker<Res>): Promise<Res> {
    // grpc-js would throw a plain "Channel has been shut down", which reads as a failure for good:
    // a message whose Send it refused would be marked failed instead of staying queued.
    if (this.closed) return Promise.reject(new ClientError('unavailable', `${doing}: the client is closing`));
    return new Promise((resolve, reject) => {
      invoke(metadata, { deadline: Date.now() + this.deadlineMs }, (err, response) => {
        if (err) reject(toClientError(err, doing, this.address));
        else if (response === undefined) reject(new ClientError('server', `${doing}: empty response`));
        else resolve(response);
      });
    });
  }

  /** `doing` names the step the challenge is for, as the user knows it (not "getting a challenge"). */
  getChallenge(number: string, doing: 'signing in' | 'registering'): Promise<Challenge__Output> {
    return this.unary(doing, new grpc.Metadata(), (md, o, cb) => this.accounts.GetChallenge({ number }, md, o, cb));
  }

  authenticate(request: AuthenticateRequest): Promise<Session__Output> {
    return this.unary('signing in', new grpc.Metadata(), (md, o, cb) => this.accounts.Authenticate(request, md, o, cb));
  }

  register(request: RegisterRequest): Promise<Session__Output> {
    return this.unary('registering', new grpc.Metadata(), (md, o, cb) => this.accounts.Register(request, md, o, cb));
  }

  async deregister(): Promise<void> {
    await this.unary('unregistering', this.authMetadata(), (md, o, cb) => this.accounts.Deregister({}, md, o, cb));
  }

  uploadPreKeys(request: UploadPreKeysRequest): Promise<PreKeyCount__Output> {
    return this.unary('uploading prekeys', this.authMetadata(), (md, o, cb) => this.keys.UploadPreKeys(request, md, o, cb));
  }

  getPreKeyCount(): Promise<PreKeyCount__Output> {
    return this.unary('counting prekeys', this.authMetadata(), (md, o, cb) => this.keys.GetPreKeyCount({}, md, o, cb));
  }

  getPreKeyBundle(number: string): Promise<PreKeyBundle__Output> {
    return this.unary(`fetching the keys of ${number}`, this.authMetadata(), (md, o, cb) =>
      this.keys.GetPreKeyBundle({ number }, md, o, cb),
    );
  }

  send(request: SendRequest): Promise<SendResponse__Output> {
    return this.unary(`sending to ${request.destination}`, this.authMetadata(), (md, o, cb) => this.mailbox.Send(request, md, o, cb));
  }

  /** At most `limit` envelopes, whatever the server answers (one page must fit in one Ack). */
  async fetch(limit: number): Promise<FetchResponse__Output> {
    const page = await this.unary<FetchResponse__Output>('fetching messages', this.authMetadata(), (md, o, cb) => this.mailbox.Fetch({ limit }, md, o, cb));
    if (page.envelopes.length <= limit) return page;
    return { envelopes: page.envelopes.slice(0, limit), more: true };
  }

  async ack(guids: string[]): Promise<void> {
    await this.unary('acknowledging messages', this.authMetadata(), (md, o, cb) => this.mailbox.Ack({ guids }, md, o, cb));
  }

  /** The live delivery stream; it has no deadline. */
  subscribe(): grpc.ClientReadableStream<MailboxEvent__Output> {
    return this.mailbox.Subscribe({}, this.authMetadata());
  }
}
