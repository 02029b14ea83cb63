/**
 * The client core's public face: the types that the CLI and the UI see.
 * Nothing here names gRPC, libsignal or SQLite. The UI and the CLI depend on
 * this file only (plus the ChatClient class that implements ChatClientApi).
 */

/** Connection to the server, as the status bar shows it. */
export type ConnectionState =
  | { state: 'offline'; reason?: string }
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'reconnecting'; retryAt: number; attempt: number; reason?: string };

/** Lifecycle of a message we sent: sending -> sent -> delivered -> read, or failed. */
export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface ChatMessage {
  /** Local row id; stable, increasing in the order messages were stored. */
  id: number;
  /** The contact's number: the conversation this message belongs to. */
  conversation: string;
  direction: 'incoming' | 'outgoing';
  /** Sender's number (own number for outgoing). */
  sender: string;
  text: string;
  /** DataMessage.timestamp: the message's id within the conversation (ms). */
  timestamp: number;
  /** When it was stored locally (ms). */
  storedAt: number;
  /** Outgoing only. */
  status?: DeliveryStatus;
  /** Outgoing only, when status is 'failed': why. */
  error?: string;
}

export interface ConversationSummary {
  number: string;
  /** ms of the newest message, or of creation for an empty conversation. */
  lastActivity: number;
  lastText?: string;
  unread: number;
  /** The contact's identity key changed and has not been trusted yet: sending is refused. */
  identityChanged: boolean;
}

/**
 * Events, one JSON object each in `--json` mode. Field names follow DESIGN.md
 * (snake_case where it names them).
 */
export type ClientEvent =
  | { event: 'registered'; number: string }
  | { event: 'unregistered'; number: string }
  | { event: 'keys'; number: string; safety_number: string }
  | { event: 'sent'; to: string; timestamp: number }
  | { event: 'message'; from: string; text: string; timestamp: number; id: number }
  | { event: 'receipt'; from: string; type: 'delivery' | 'read'; timestamps: number[] }
  | { event: 'status'; conversation: string; timestamp: number; status: DeliveryStatus; error?: string }
  | { event: 'identity_changed'; number: string }
  | { event: 'trusted'; number: string; safety_number: string }
  | { event: 'connection'; connection: ConnectionState }
  /** Catching up: `pending` envelopes known to be queued, 0 once the queue is empty. */
  | { event: 'queue'; pending: number; empty: boolean }
  | { event: 'error'; message: string; code?: string };

export type Unsubscribe = () => void;

/** What the UI and CLI may call. Every method reports failures as ClientError. */
export interface ChatClientApi {
  readonly number: string;
  readonly serverAddress: string;
  isRegistered(): boolean;
  /** Register (or safely re-register) this number with fresh prekeys. */
  register(): Promise<void>;
  /** Delete the account on the server; local history is kept. */
  unregister(): Promise<void>;
  /** Authenticate and keep a live Subscribe stream, reconnecting with backoff. */
  connect(): Promise<void>;
  /** Close the stream and the database. */
  close(): Promise<void>;
  /** Fetch the contact's bundle, start a session, return the safety number. */
  fetchKeys(number: string): Promise<string>;
  /** Encrypt and send; fetches keys first when there is no session. */
  send(to: string, text: string): Promise<ChatMessage>;
  /** Drain the queue with Fetch until empty; returns how many envelopes were processed. */
  receive(): Promise<number>;
  /** Safety number with the contact (60 digits, grouped in 12 blocks of 5). */
  safetyNumber(number: string): Promise<string>;
  /** Accept the contact's current identity key; with the safety number the user compared, only if it is still that one. */
  trust(number: string, comparedSafetyNumber?: string): Promise<string>;
  /** The conversation is on screen: send read receipts, clear its unread count. */
  markRead(conversation: string): Promise<void>;
  conversations(): ConversationSummary[];
  /** Newest `limit` messages before `beforeId` (all when omitted), oldest first. */
  messages(conversation: string, opts?: { limit?: number; beforeId?: number }): ChatMessage[];
  search(text: string, limit?: number): ChatMessage[];
  connectionState(): ConnectionState;
  on(listener: (e: ClientEvent) => void): Unsubscribe;
}
