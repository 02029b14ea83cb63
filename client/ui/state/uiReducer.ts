/** The only writer of UiState. Pure: the hooks do the I/O and dispatch what happened. */
import type { ChatMessage, ClientEvent, ConversationSummary, DeliveryStatus } from '../../core/api.js';
import { forStatusBar } from '../errors.js';
import { countLines } from './historyLayout.js';
import { emptyDraft, type Draft } from './lineEditor.js';
import {
  FOCUS_ORDER,
  sortByActivity,
  visibleConversations,
  type Focus,
  type History,
  type Panel,
  type Registration,
  type UiState,
} from './uiState.js';

export type UiAction =
  /** A batch of core events, with the conversation list read once after them. */
  | { type: 'clientEvents'; events: ClientEvent[]; conversations: ConversationSummary[] }
  | { type: 'conversationsLoaded'; conversations: ConversationSummary[] }
  /** `older`: a page from before what is loaded; otherwise the newest page. */
  | { type: 'historyLoaded'; conversation: string; messages: ChatMessage[]; complete: boolean; older: boolean }
  | { type: 'open'; number: string; at: number }
  | { type: 'pickConversation'; delta: number }
  | { type: 'focus'; focus: Focus }
  | { type: 'cycleFocus'; delta: number }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'historyWidth'; width: number }
  | { type: 'draft'; draft: Draft }
  | { type: 'panel'; panel: Panel }
  | { type: 'notice'; text: string }
  | { type: 'error'; message: string; code?: string }
  | { type: 'clearMessages' }
  | { type: 'registration'; registration: Registration }
  | { type: 'sendStarted'; localId: number; conversation: string; text: string; at: number }
  /**
   * A send finished: `stored` is the conversation's newest rows read from the database
   * right after, holding the real message (with its current status) unless the send
   * was refused before storing it, in which case `error` says why.
   */
  | { type: 'sendSettled'; localId: number; conversation: string; stored: ChatMessage[]; error?: string };

const STATUS_RANK: Record<DeliveryStatus, number> = { sending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'clientEvents':
      return withConversations(appendIncoming(action.events.reduce(applyEvent, state), action.events), action.conversations);
    case 'conversationsLoaded':
      return withConversations(state, action.conversations);
    case 'historyLoaded':
      return withHistory(state, action.conversation, (history) => {
        const known = new Set(history.messages.map((m) => m.id));
        const fresh = action.messages.filter((m) => !known.has(m.id));
        return {
          messages: action.older ? [...fresh, ...history.messages] : mergeById(history.messages, fresh),
          complete: action.older || history.messages.length === 0 ? action.complete : history.complete,
        };
      });
    case 'open': {
      const listed = visibleConversations(state).some((c) => c.number === action.number);
      const started = listed
        ? state.started
        : [...state.started, { number: action.number, lastActivity: action.at, unread: 0, identityChanged: false }];
      return readOnScreen({ ...withOpen(state, action.number), started, scroll: 0, panel: { kind: 'none' } });
    }
    case 'pickConversation': {
      const list = visibleConversations(state);
      if (list.length === 0) return state;
      const current = list.findIndex((c) => c.number === state.open);
      const index = clamp(current === -1 ? 0 : current + action.delta, 0, list.length - 1);
      const number = list[index]?.number;
      if (number === state.open && state.panel.kind === 'none') return state;
      return readOnScreen({ ...withOpen(state, number), scroll: 0, panel: { kind: 'none' } });
    }
    case 'focus':
      return { ...state, focus: action.focus };
    case 'cycleFocus': {
      const index = FOCUS_ORDER.indexOf(state.focus) + action.delta;
      const focus = FOCUS_ORDER[(index + FOCUS_ORDER.length) % FOCUS_ORDER.length] ?? 'input';
      return { ...state, focus };
    }
    case 'scroll':
      return { ...state, scroll: clamp(state.scroll + action.delta, 0, Math.max(0, action.max)) };
    case 'historyWidth':
      return { ...state, historyWidth: action.width };
    case 'draft':
      return { ...state, draft: action.draft };
    case 'panel':
      return readOnScreen({ ...state, panel: action.panel });
    // The newest outcome replaces the last one, so an old error never outlives a later success.
    case 'notice':
      return { ...state, notice: action.text, lastError: undefined, lastErrorCode: undefined };
    case 'error':
      return { ...state, notice: undefined, lastError: action.message, lastErrorCode: action.code };
    case 'clearMessages':
      return { ...state, notice: undefined, lastError: undefined, lastErrorCode: undefined };
    case 'registration':
      return { ...state, registration: action.registration };
    case 'sendStarted': {
      const pending: ChatMessage = {
        id: action.localId,
        conversation: action.conversation,
        direction: 'outgoing',
        sender: state.ownNumber,
        text: action.text,
        timestamp: action.at,
        storedAt: action.at,
        status: 'sending',
      };
      return { ...appendMessage(state, pending), scroll: action.conversation === state.open ? 0 : state.scroll };
    }
    case 'sendSettled':
      return withHistory(state, action.conversation, (history) => settleSend(history, action));
  }
}

function applyEvent(state: UiState, event: ClientEvent): UiState {
  switch (event.event) {
    case 'status':
      return updateStatus(state, event.conversation, event.timestamp, event.status, event.error);
    case 'connection': {
      // Every (re)connection starts by draining what queued up meanwhile.
      const connected = event.connection.state === 'connected';
      const catchingUp = connected ? { pending: 0 } : undefined;
      // "Server unreachable" is over once it is reached again (what it held back goes out now).
      const unreachableOver = connected && state.lastErrorCode === 'unavailable';
      const error = unreachableOver ? { lastError: undefined, lastErrorCode: undefined } : {};
      return { ...state, connection: event.connection, catchingUp, ...error };
    }
    case 'queue':
      return { ...state, catchingUp: event.empty ? undefined : { pending: event.pending } };
    case 'registered':
      return { ...state, registration: 'registered' };
    case 'unregistered':
      return { ...state, registration: 'unregistered' };
    case 'error':
      return { ...state, notice: undefined, lastError: forStatusBar(event.message), lastErrorCode: event.code };
    case 'identity_changed': {
      // A user comparing these digits with the contact must not go on comparing old ones.
      const { panel } = state;
      if (panel.kind !== 'verify' || panel.number !== event.number) return state;
      return { ...state, panel: { ...panel, stale: true } };
    }
    default:
      // message: appendIncoming, once per batch. keys, sent, receipt,
      // trusted: the conversation list read with the batch shows them.
      return state;
  }
}

/** Takes the core's list. */
function withConversations(state: UiState, conversations: ConversationSummary[]): UiState {
  // The first conversation to arrive opens by itself, and is then on screen too; not under
  // text typed before it, which would then go to someone the user never picked.
  const open = state.open ?? (state.draft.text === '' ? sortByActivity(conversations)[0]?.number : undefined);
  const listed = new Set(conversations.map((c) => c.number));
  return readOnScreen({
    ...withOpen(state, open),
    conversations: sortByActivity(conversations),
    started: state.started.filter((c) => !listed.has(c.number)),
  });
}

/** The conversation on screen has nothing unread (its read receipts are on their way). */
function readOnScreen(state: UiState): UiState {
  const onScreen = state.panel.kind === 'none' ? state.open : undefined;
  if (!state.conversations.some((c) => c.number === onScreen && c.unread > 0)) return state;
  return { ...state, conversations: state.conversations.map((c) => (c.number === onScreen ? { ...c, unread: 0 } : c)) };
}

/** Switches the open conversation, and the draft with it: a draft is only ever sent where it was typed. */
function withOpen(state: UiState, open: string | undefined): UiState {
  if (open === state.open) return state;
  const { [open ?? '']: restored = emptyDraft, ...others } = state.drafts;
  const drafts = state.draft.text === '' ? others : { ...others, [state.open ?? '']: state.draft };
  return { ...state, open, draft: restored, drafts };
}

/** A burst of messages costs one merge per conversation, not one per message. */
function appendIncoming(state: UiState, events: ClientEvent[]): UiState {
  const byConversation = new Map<string, ChatMessage[]>();
  for (const event of events) {
    if (event.event !== 'message' || !state.histories[event.from]) continue;
    const list = byConversation.get(event.from) ?? [];
    list.push({
      id: event.id,
      conversation: event.from,
      direction: 'incoming',
      sender: event.from,
      text: event.text,
      timestamp: event.timestamp,
      storedAt: event.timestamp,
    });
    byConversation.set(event.from, list);
  }
  let next = state;
  for (const [conversation, messages] of byConversation) {
    // Someone reading older messages keeps their place while new ones arrive below.
    if (conversation === next.open && next.scroll > 0) {
      const known = new Set(next.histories[conversation]?.messages.map((m) => m.id));
      const added = messages.filter((m) => !known.has(m.id));
      next = { ...next, scroll: next.scroll + countLines(added, next.historyWidth) };
    }
    next = withHistory(next, conversation, (history) => ({ ...history, messages: mergeById(history.messages, messages) }));
  }
  return next;
}

/** Only loaded histories are kept in memory; others load from the database when opened. */
function appendMessage(state: UiState, message: ChatMessage): UiState {
  if (!state.histories[message.conversation]) return state;
  return withHistory(state, message.conversation, (history) => ({
    ...history,
    messages: mergeById(history.messages, [message]),
  }));
}

function updateStatus(
  state: UiState,
  conversation: string,
  timestamp: number,
  status: DeliveryStatus,
  error: string | undefined,
): UiState {
  const history = state.histories[conversation];
  const index = history?.messages.findLastIndex((m) => m.direction === 'outgoing' && m.timestamp === timestamp) ?? -1;
  const current = history?.messages[index];
  if (!current) return state;
  // Receipts can arrive out of order: never move a message back from read to delivered.
  if (status !== 'failed' && STATUS_RANK[status] <= STATUS_RANK[current.status ?? 'sending']) return state;
  return withHistory(state, conversation, (h) => ({
    ...h,
    messages: h.messages.map((m, i) => (i === index ? { ...m, status, error } : m)),
  }));
}

function settleSend(history: History, settled: Extract<UiAction, { type: 'sendSettled' }>): History {
  const stored = new Map(settled.stored.map((m) => [m.id, m]));
  const known = new Set(history.messages.map((m) => m.id));
  const fresh = settled.stored.filter((m) => !known.has(m.id));
  const messages = history.messages.flatMap((m): ChatMessage[] => {
    if (m.id !== settled.localId) return [stored.get(m.id) ?? m];
    // The core stamps a stored message no earlier than our placeholder.
    const wasStored = settled.stored.some(
      (s) => s.direction === 'outgoing' && s.text === m.text && s.timestamp >= m.timestamp,
    );
    if (wasStored || settled.error === undefined) return [];
    return [{ ...m, status: 'failed', error: settled.error }];
  });
  return { ...history, messages: inTimeOrder([...messages, ...fresh]) };
}

/**
 * Stored rows in id order; a local placeholder (being sent, or failed: negative id) where its
 * time puts it, before what was stored after it, so a failed message is not pinned below newer ones.
 */
function inTimeOrder(messages: ChatMessage[]): ChatMessage[] {
  const ordered = messages.filter((m) => m.id > 0).sort((a, b) => a.id - b.id);
  const local = messages.filter((m) => m.id < 0).sort((a, b) => a.storedAt - b.storedAt || b.id - a.id);
  for (const placeholder of local) {
    const after = ordered.findIndex((m) => m.id > 0 && m.storedAt > placeholder.storedAt);
    ordered.splice(after === -1 ? ordered.length : after, 0, placeholder);
  }
  return ordered;
}

function withHistory(state: UiState, conversation: string, update: (history: History) => History): UiState {
  const history = state.histories[conversation] ?? { messages: [], complete: false };
  return { ...state, histories: { ...state.histories, [conversation]: update(history) } };
}

/** Appends messages not already present (a live event can race the initial history read). */
function mergeById(messages: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const known = new Set(messages.map((m) => m.id));
  const fresh = incoming.filter((m) => !known.has(m.id));
  return fresh.length === 0 ? messages : [...messages, ...fresh];
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
