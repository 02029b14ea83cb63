/**
 * The bridge from the client core to React: subscribes to the core's events and
 * writes them into UiState in batches, loads history, connects once registered,
 * and sends read receipts for the conversation on screen.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatClientApi, ClientEvent, ConversationSummary } from '../../core/api.js';
import { describeError } from '../errors.js';
import { initialUiState, type UiState } from '../state/uiState.js';
import { createUiStore, type UiStore } from '../state/uiStore.js';

/** Events arriving within this window reach the screen as one state update (one render). */
const BATCH_MS = 50;
/** Messages read from the database per page (on open, and when scrolling past the top). */
const HISTORY_PAGE = 200;
/** During a burst, read receipts go out at most this often (the last one always goes). */
const READ_RECEIPT_INTERVAL_MS = 1000;
/** A burst of messages rings once, not once per batch. */
const BELL_INTERVAL_MS = 1000;

export interface ChatClientOptions {
  bell: boolean;
  /** Rings the terminal bell. */
  ring: () => void;
}

export function useChatClient(client: ChatClientApi, opts: ChatClientOptions): [UiState, UiStore] {
  const [store] = useState(() => createUiStore(initialStateOf(client)));
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { dispatch } = store;
  const optsRef = useRef(opts);
  optsRef.current = opts;

  useEffect(() => {
    let batch: ClientEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    let lastBell = 0;
    const flush = (): void => {
      timer = undefined;
      const events = batch;
      batch = [];
      const conversations = readConversations(client, dispatch) ?? store.getState().conversations;
      dispatch({ type: 'clientEvents', events, conversations });
      const { bell, ring } = optsRef.current;
      const current = store.getState();
      const onScreen = current.panel.kind === 'none' ? current.open : undefined;
      const elsewhere = events.some((e) => e.event === 'message' && e.from !== onScreen);
      if (bell && elsewhere && Date.now() - lastBell >= BELL_INTERVAL_MS) {
        lastBell = Date.now();
        ring();
      }
    };
    const unsubscribe = client.on((event) => {
      batch.push(event);
      timer ??= setTimeout(flush, BATCH_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [client, store]);

  // Connect as soon as the account is registered (at start, or after /register, also
  // after an /unregister).
  const connectStarted = useRef(false);
  useEffect(() => {
    if (state.registration === 'unregistered') connectStarted.current = false;
    if (state.registration !== 'registered' || connectStarted.current) return;
    connectStarted.current = true;
    client.connect().catch((err: unknown) => dispatch({ type: 'error', message: describeError(err) }));
  }, [client, dispatch, state.registration]);

  const open = state.open;
  const loaded = open !== undefined && state.histories[open] !== undefined;
  useEffect(() => {
    if (open !== undefined && !loaded) loadHistory(client, dispatch, open);
  }, [client, dispatch, open, loaded]);

  // Read receipts when a message arrives in, or we switch to, the conversation on screen;
  // throttled, since each one is an encryption and a database commit.
  const onScreen = state.panel.kind === 'none' && state.registration === 'registered' ? open : undefined;
  const newestIncoming = onScreen ? state.histories[onScreen]?.messages.findLast((m) => m.direction === 'incoming')?.id : undefined;
  const lastMarkRead = useRef(0);
  useEffect(() => {
    if (onScreen === undefined || newestIncoming === undefined) return;
    const timer = setTimeout(
      () => {
        lastMarkRead.current = Date.now();
        client.markRead(onScreen).catch((err: unknown) => dispatch({ type: 'error', message: describeError(err) }));
      },
      Math.max(0, lastMarkRead.current + READ_RECEIPT_INTERVAL_MS - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [client, dispatch, onScreen, newestIncoming]);

  return [state, store];
}

/** Loads the newest page, or with `beforeId` the page before it. */
export function loadHistory(
  client: ChatClientApi,
  dispatch: UiStore['dispatch'],
  conversation: string,
  beforeId?: number,
): void {
  try {
    const messages = client.messages(conversation, { limit: HISTORY_PAGE, beforeId });
    const complete = messages.length < HISTORY_PAGE;
    dispatch({ type: 'historyLoaded', conversation, messages, complete, older: beforeId !== undefined });
  } catch (err) {
    dispatch({ type: 'error', message: describeError(err) });
  }
}

/** The core's conversation list, or undefined (and the error shown) when it cannot be read. */
export function readConversations(
  client: ChatClientApi,
  dispatch: UiStore['dispatch'],
): ConversationSummary[] | undefined {
  try {
    return client.conversations();
  } catch (err) {
    dispatch({ type: 'error', message: describeError(err) });
    return undefined;
  }
}

function initialStateOf(client: ChatClientApi): UiState {
  let conversations: ConversationSummary[] = [];
  let lastError: string | undefined;
  try {
    conversations = client.conversations();
  } catch (err) {
    lastError = describeError(err);
  }
  const state = initialUiState({
    ownNumber: client.number,
    serverAddress: client.serverAddress,
    registered: client.isRegistered(),
    connection: client.connectionState(),
    conversations,
  });
  return { ...state, lastError };
}
