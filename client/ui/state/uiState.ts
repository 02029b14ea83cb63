/** Everything the screen shows, as one immutable value written only by uiReducer. */
import type { ChatMessage, ConnectionState, ConversationSummary } from '../../core/api.js';
import { emptyDraft, type Draft } from './lineEditor.js';

export type Focus = 'input' | 'conversations' | 'history';
export const FOCUS_ORDER: readonly Focus[] = ['input', 'conversations', 'history'];

/** What fills the right-hand side instead of the open conversation, if anything. */
export type Panel =
  | { kind: 'none' }
  /** `scroll`: lines scrolled down from the top (PgUp/PgDn). */
  | { kind: 'help'; scroll: number }
  /** `stale`: the contact's key changed while the panel was open, so these digits are no longer theirs. */
  | { kind: 'verify'; number: string; safetyNumber: string; stale?: boolean }
  | { kind: 'search'; text: string; results: ChatMessage[] };

export type Registration = 'unregistered' | 'registering' | 'registered';

/** The loaded tail of one conversation's history. */
export interface History {
  /** Oldest first. Messages still being sent have negative ids until the core stores them. */
  messages: ChatMessage[];
  /** Nothing older left in the client database. */
  complete: boolean;
}

export interface UiState {
  ownNumber: string;
  serverAddress: string;
  registration: Registration;
  connection: ConnectionState;
  /**
   * Set from connecting until the server says the queue is empty; `pending` is the
   * count of queued envelopes when the core knows it, else 0.
   */
  catchingUp?: { pending: number };
  /** Most recent first. */
  conversations: ConversationSummary[];
  /** Conversations opened with /chat that have no message yet. */
  started: ConversationSummary[];
  open?: string;
  histories: Readonly<Record<string, History>>;
  /** Lines scrolled up from the newest message of the open conversation. */
  scroll: number;
  /** Width the history is wrapped at, so arriving lines can keep a scrolled view still. */
  historyWidth: number;
  focus: Focus;
  /** The open conversation's draft: Enter sends it to `open`, the conversation it was typed in. */
  draft: Draft;
  /** The other conversations' unsent drafts ('' while none is open), restored when they open again. */
  drafts: Readonly<Record<string, Draft>>;
  panel: Panel;
  /** The last thing a command reported (a safety number, "registered", ...). */
  notice?: string;
  lastError?: string;
  /** The ClientError code behind lastError, when it had one ('unavailable': the server could not be reached). */
  lastErrorCode?: string;
}

export function initialUiState(init: {
  ownNumber: string;
  serverAddress: string;
  registered: boolean;
  connection: ConnectionState;
  conversations: ConversationSummary[];
}): UiState {
  const conversations = sortByActivity(init.conversations);
  return {
    ownNumber: init.ownNumber,
    serverAddress: init.serverAddress,
    registration: init.registered ? 'registered' : 'unregistered',
    connection: init.connection,
    conversations,
    started: [],
    open: conversations[0]?.number,
    histories: {},
    scroll: 0,
    historyWidth: 80,
    focus: 'input',
    draft: emptyDraft,
    drafts: {},
    panel: { kind: 'none' },
  };
}

export function sortByActivity(list: ConversationSummary[]): ConversationSummary[] {
  return [...list].sort((a, b) => b.lastActivity - a.lastActivity);
}

/** The list as shown: stored conversations plus started ones, most recent first. */
export function visibleConversations(state: UiState): ConversationSummary[] {
  if (state.started.length === 0) return state.conversations;
  return sortByActivity([...state.conversations, ...state.started]);
}

export function openSummary(state: UiState): ConversationSummary | undefined {
  return visibleConversations(state).find((c) => c.number === state.open);
}
