/**
 * The client façade: the one object the CLI and the UI talk to. It wires the
 * parts together (database, server, sender, receiver, live stream) and turns
 * everything that happens into ClientEvents.
 */
import type { ChatClientApi, ChatMessage, ClientEvent, ConnectionState, ConversationSummary, Unsubscribe } from './api.js';
import { isRegistered, loadOrCreateIdentity } from './account.js';
import * as contacts from './contacts.js';
import type { ClientContext } from './context.js';
import { ClientError, describeError } from './errors.js';
import { EventBus } from './events.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './net/backoff.js';
import { MailboxStream } from './net/mailboxStream.js';
import { ServerApi } from './net/serverApi.js';
import type { TransportSecurity } from './net/transport.js';
import { requireValidNumber } from './numbers.js';
import { maintainPreKeys } from './prekeyMaintenance.js';
import { MAX_DECRYPT_ATTEMPTS, Receiver } from './receiver.js';
import { ReceiptSender } from './receipts.js';
import { register, unregister } from './registration.js';
import { Sender } from './sender.js';
import { SerialQueue } from './serialQueue.js';
import { signIn, withSession } from './signIn.js';
import { openClientDatabase, type ClientDatabase } from './storage/database.js';
import { endFlushes } from './storage/durability.js';
import { forgetProcessedBefore } from './storage/envelopeQueries.js';
import { oweReceipt } from './storage/receiptQueries.js';
import { listConversations, listMessages, searchMessages, setLastReadId, unreadIncoming } from './storage/messageQueries.js';

export interface ChatClientOptions {
  /** This account's number (E.164). */
  number: string;
  /** The account's own folder; holds client.db. */
  dataDir: string;
  /** host:port of the server. */
  server: string;
  /** Plaintext by default, which is refused for a non-loopback server unless `insecure`. */
  transport?: TransportSecurity;
  backoff?: BackoffPolicy;
}

const FETCH_PAGE = 100;
/**
 * Envelopes one `receive` takes before it stops: twice a queue's cap (API.md,
 * 10,000), so an honest backlog fits with room for what arrives meanwhile, and
 * a server that keeps answering with new envelopes cannot keep it going forever.
 */
export const MAX_RECEIVE_ENVELOPES = 20_000;
/** Envelopes older than the server's 30-day retention can never be redelivered. */
const PROCESSED_GUID_RETENTION_MS = 31 * 24 * 60 * 60 * 1000;

export class ChatClient implements ChatClientApi {
  private readonly events = new EventBus();
  private readonly ctx: ClientContext;
  private readonly sender: Sender;
  private readonly receiver: Receiver;
  private readonly receipts: ReceiptSender;
  private readonly backoff: BackoffPolicy;
  private readonly background = new Set<Promise<void>>();
  private stream: MailboxStream | undefined;
  private state: ConnectionState = { state: 'offline' };
  private maintaining: Promise<void> | undefined;
  /** Set by the first close(); later calls wait for the same one. */
  private closing: Promise<void> | undefined;

  static async open(options: ChatClientOptions): Promise<ChatClient> {
    requireValidNumber(options.number);
    // First, so that a refused transport leaves no new account folder behind.
    const api = new ServerApi(options.server, options.transport ?? { kind: 'plaintext' });
    let db: ClientDatabase | undefined;
    try {
      db = openClientDatabase(options.dataDir);
      forgetProcessedBefore(db, Date.now() - PROCESSED_GUID_RETENTION_MS);
      return new ChatClient(db, api, options);
    } catch (err) {
      db?.close();
      api.close();
      throw err;
    }
  }

  private constructor(db: ClientDatabase, api: ServerApi, options: ChatClientOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    const local = loadOrCreateIdentity(db, options.number);
    this.ctx = {
      db,
      api,
      local,
      protocolLock: new SerialQueue(),
      emit: (event) => this.events.emit(event),
    };
    this.sender = new Sender(this.ctx);
    this.receipts = new ReceiptSender(this.ctx, this.sender, (err) => this.reportError(err));
    this.receiver = new Receiver(this.ctx, {
      onMessagesStored: () => this.receipts.schedule(),
      onPreKeyMessage: () => this.maintainInBackground(),
    });
  }

  get number(): string {
    return this.ctx.local.number;
  }

  get serverAddress(): string {
    return this.ctx.api.address;
  }

  isRegistered(): boolean {
    return isRegistered(this.ctx.db);
  }

  async register(): Promise<void> {
    await register(this.ctx);
  }

  async unregister(): Promise<void> {
    this.requireRegistered();
    await withSession(this.ctx, () => unregister(this.ctx));
    await this.stream?.stop();
    this.stream = undefined;
  }

  async connect(): Promise<void> {
    this.requireRegistered();
    if (this.stream?.isRunning()) return;
    // A stream that went offline for good (replaced, refused) starts over on request.
    await this.stream?.stop();
    this.stream = new MailboxStream(
      this.ctx.api,
      {
        authenticate: () => signIn(this.ctx),
        onConnected: () => {
          this.runInBackground(this.sender.flushOutbox());
          this.receipts.schedule();
          this.maintainInBackground();
        },
        onEnvelopes: async (envelopes) => {
          // The next batch is decrypted while this one is flushed and acked; close() waits for both.
          const { done } = await this.receiver.storeBatch(envelopes);
          this.runInBackground(done.then(() => undefined));
        },
        onQueueEmpty: () => this.ctx.emit({ event: 'queue', pending: 0, empty: true }),
        onState: (state) => {
          this.state = state;
          this.ctx.emit({ event: 'connection', connection: state });
        },
        onError: (err) => this.reportError(err),
      },
      this.backoff,
    );
    await this.stream.start();
  }

  close(): Promise<void> {
    // A second caller (a signal handler and the command it cut short, say) must not go on while the first still closes.
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    await this.stream?.stop();
    this.receipts.cancel();
    await Promise.allSettled([...this.background]);
    await this.ctx.protocolLock.idle();
    this.ctx.api.close();
    // Sends still under way now fail as unavailable and leave their rows queued; they must not touch a closed database.
    await Promise.all([this.receipts.idle(), this.sender.idle()]);
    await endFlushes(this.ctx.db);
    this.ctx.db.close();
  }

  async fetchKeys(number: string): Promise<string> {
    this.requireRegistered();
    return withSession(this.ctx, () => contacts.fetchKeys(this.ctx, number));
  }

  async send(to: string, text: string): Promise<ChatMessage> {
    this.requireRegistered();
    // No sign-in first: a message to a known contact is encrypted and queued even while the
    // server is out of reach; the outbox signs in when it sends (and a bundle fetch when it needs one).
    return this.sender.sendText(to, text);
  }

  async receive(): Promise<number> {
    this.requireRegistered();
    const processed = await withSession(this.ctx, () => this.drainWithFetch());
    await this.receipts.flush();
    // Whatever a crash or an outage left in the outbox goes now too.
    await this.sender.flushOutbox();
    await this.maintaining;
    this.ctx.emit({ event: 'queue', pending: 0, empty: true });
    return processed;
  }

  async safetyNumber(number: string): Promise<string> {
    return contacts.safetyNumberWith(this.ctx, number);
  }

  async trust(number: string, comparedSafetyNumber?: string): Promise<string> {
    return contacts.trust(this.ctx, number, comparedSafetyNumber);
  }

  async markRead(conversation: string): Promise<void> {
    const unread = unreadIncoming(this.ctx.db, conversation);
    if (unread.timestamps.length === 0) return;
    this.ctx.db.transaction(() => {
      setLastReadId(this.ctx.db, conversation, unread.newestId);
      for (const timestamp of unread.timestamps) oweReceipt(this.ctx.db, conversation, 'read', timestamp);
    })();
    if (this.isRegistered()) this.runInBackground(this.receipts.flush());
  }

  conversations(): ConversationSummary[] {
    return listConversations(this.ctx.db);
  }

  messages(conversation: string, opts?: { limit?: number; beforeId?: number }): ChatMessage[] {
    return listMessages(this.ctx.db, conversation, opts);
  }

  search(text: string, limit = 50): ChatMessage[] {
    return searchMessages(this.ctx.db, text, limit);
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  on(listener: (event: ClientEvent) => void): Unsubscribe {
    return this.events.on(listener);
  }

  /** Fetch pages until the queue is empty (Fetch does not remove; our acks do). */
  private async drainWithFetch(): Promise<number> {
    let processed = 0;
    const deliveries = new Map<string, number>();
    for (;;) {
      const page = await this.ctx.api.fetch(FETCH_PAGE);
      // An envelope that keeps coming back (its ack keeps failing) must not spin forever.
      const fresh = page.envelopes.filter((envelope) => (deliveries.get(envelope.guid) ?? 0) <= MAX_DECRYPT_ATTEMPTS);
      if (fresh.length === 0) return processed;
      if (processed >= MAX_RECEIVE_ENVELOPES) {
        throw new ClientError('server', `stopped after ${processed} messages: the server keeps sending more; run "receive" again for the rest`);
      }
      this.ctx.emit({ event: 'queue', pending: page.envelopes.length, empty: false });
      for (const envelope of fresh) deliveries.set(envelope.guid, (deliveries.get(envelope.guid) ?? 0) + 1);
      await this.receiver.handleBatch(fresh);
      processed += fresh.length;
    }
  }

  private requireRegistered(): void {
    if (!this.isRegistered()) throw new ClientError('not_registered', `${this.number} is not registered on this server; run "register"`);
  }

  private maintainInBackground(): void {
    if (this.maintaining) return;
    this.maintaining = withSession(this.ctx, () => maintainPreKeys(this.ctx))
      .catch((err: unknown) => this.reportError(err))
      .finally(() => {
        this.maintaining = undefined;
      });
    this.runInBackground(this.maintaining);
  }

  private runInBackground(task: Promise<void>): void {
    const tracked = task.catch((err: unknown) => this.reportError(err));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private reportError(err: unknown): void {
    const code = ClientError.is(err) ? err.code : undefined;
    this.ctx.emit(code ? { event: 'error', message: describeError(err), code } : { event: 'error', message: describeError(err) });
  }
}
