/**
 * What the user can do, as one stable object: runs commands against the client
 * core and reports every outcome, success or failure, through the reducer.
 */
import { useApp } from 'ink';
import { useMemo, useRef } from 'react';
import type { ChatClientApi, ChatMessage } from '../../core/api.js';
import { ClientError } from '../../core/errors.js';
import { MAX_TEXT_BYTES } from '../../core/sender.js';
import { describeError } from '../errors.js';
import { maxHelpScroll } from '../components/HelpView.js';
import { helpViewport, historyViewport, type ScreenLayout } from '../layout.js';
import { parseCommand, type Command } from '../state/commands.js';
import type { UiActions } from '../state/contexts.js';
import { countLines } from '../state/historyLayout.js';
import { emptyDraft, moveLineDown, moveLineUp } from '../state/lineEditor.js';
import { openSummary } from '../state/uiState.js';
import type { UiStore } from '../state/uiStore.js';
import { loadHistory, readConversations } from './useChatClient.js';

const SEARCH_LIMIT = 50;
/** Rows read back after a send: ours plus whatever arrived meanwhile. */
const SETTLE_PAGE = 20;
/** A second /unregister within this time confirms the first. */
const UNREGISTER_CONFIRM_MS = 10_000;

export function useChatActions(
  client: ChatClientApi,
  store: UiStore,
  layout: ScreenLayout,
): UiActions {
  const { exit } = useApp();
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  return useMemo(() => {
    const { dispatch } = store;
    let nextLocalId = -1;
    let unregisterAskedAt = 0;
    /** The safety number last shown for each contact (/verify, /fetch_keys): what /trust accepts. */
    const shownSafetyNumbers = new Map<string, string>();
    const showSafetyNumber = (number: string, safetyNumber: string): void => {
      shownSafetyNumbers.set(number, safetyNumber);
      dispatch({ type: 'panel', panel: { kind: 'verify', number, safetyNumber } });
    };
    const fail = (err: unknown): void => dispatch({ type: 'error', message: describeError(err), code: ClientError.is(err) ? err.code : undefined });
    const notice = (text: string): void => dispatch({ type: 'notice', text });

    /** False when refused at once (too long): the caller keeps the draft. */
    const send = (to: string, text: string): boolean => {
      if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
        dispatch({ type: 'error', message: `message too long (at most ${MAX_TEXT_BYTES} bytes)` });
        return false;
      }
      const localId = nextLocalId--;
      // Decided now: the first conversation opens by itself when it is listed, which may happen before the send returns.
      const offScreen = to !== store.getState().open;
      dispatch({ type: 'sendStarted', localId, conversation: to, text, at: Date.now() });
      // The database knows how it went (stored? queued for reconnect? failed?): read it back.
      const settle = (error?: string): void =>
        dispatch({ type: 'sendSettled', localId, conversation: to, stored: recentMessages(to), error });
      client.send(to, text).then(
        () => {
          settle();
          // /send to a conversation not on screen: say it went.
          if (offScreen) notice(`sent to ${to}`);
        },
        (err: unknown) => {
          settle(describeError(err));
          fail(err);
        },
      );
      return true;
    };

    const recentMessages = (conversation: string): ChatMessage[] => {
      try {
        return client.messages(conversation, { limit: SETTLE_PAGE });
      } catch {
        return [];
      }
    };

    const register = (): void => {
      dispatch({ type: 'registration', registration: 'registering' });
      client.register().then(
        () => {
          dispatch({ type: 'registration', registration: 'registered' });
          notice(`registered ${client.number}`);
        },
        (err: unknown) => {
          dispatch({ type: 'registration', registration: client.isRegistered() ? 'registered' : 'unregistered' });
          fail(err);
        },
      );
    };

    const receive = (): void => {
      client.receive().then((count) => notice(`received ${count} queued ${count === 1 ? 'envelope' : 'envelopes'}`), fail);
    };

    const refreshConversations = (): void => {
      const conversations = readConversations(client, dispatch);
      if (conversations) dispatch({ type: 'conversationsLoaded', conversations });
    };

    const refuse = (message: string): false => {
      dispatch({ type: 'error', message });
      return false;
    };

    const sendToOpenConversation = (text: string): boolean => {
      const current = store.getState();
      if (text.trim() === '') return true;
      if (current.open === undefined) return refuse('no conversation open: start one with /chat <number>');
      if (openSummary(current)?.identityChanged) {
        return refuse(`${current.open}'s safety number changed: compare it (/verify ${current.open}), then /trust ${current.open}`);
      }
      return send(current.open, text);
    };

    /** Runs a command; false when it was refused at once, so that the draft is kept for fixing. */
    const run = (command: Command): boolean => {
      // Only a /unregister right after the first one confirms it.
      if (command.kind !== 'unregister') unregisterAskedAt = 0;
      switch (command.kind) {
        case 'text':
          return sendToOpenConversation(command.text);
        case 'register':
          register();
          return true;
        case 'registerOrReceive':
          if (client.isRegistered()) receive();
          else register();
          return true;
        case 'unregister':
          // Deletes the account on the server: only when asked for twice in a row.
          if (Date.now() - unregisterAskedAt > UNREGISTER_CONFIRM_MS) {
            unregisterAskedAt = Date.now();
            notice('/unregister again to confirm (10 s)');
            return true;
          }
          unregisterAskedAt = 0;
          client.unregister().then(() => notice(`${client.number} is no longer registered`), fail);
          return true;
        case 'fetchKeys':
          client.fetchKeys(command.number).then((safetyNumber) => {
            showSafetyNumber(command.number, safetyNumber);
            refreshConversations();
          }, fail);
          return true;
        case 'send':
          return send(command.number, command.text);
        case 'receive':
          receive();
          return true;
        case 'chat':
          if (command.number === client.number) return refuse('cannot chat with your own number');
          dispatch({ type: 'open', number: command.number, at: Date.now() });
          return true;
        case 'verify':
          client.safetyNumber(command.number).then(
            (safetyNumber) => showSafetyNumber(command.number, safetyNumber),
            fail,
          );
          return true;
        case 'trust':
          // Only the key whose safety number the user was shown, if /verify showed one: the server may have swapped it since.
          client.trust(command.number, shownSafetyNumbers.get(command.number)).then(() => {
            notice(`trusted ${command.number}'s new identity`);
            refreshConversations();
          }, fail);
          return true;
        case 'search':
          try {
            const results = client.search(command.text, SEARCH_LIMIT);
            dispatch({ type: 'panel', panel: { kind: 'search', text: command.text, results } });
          } catch (err) {
            fail(err);
          }
          return true;
        case 'help':
          dispatch({ type: 'panel', panel: { kind: 'help', scroll: 0 } });
          return true;
        case 'quit':
          exit();
          return true;
        case 'invalid':
          return refuse(command.message);
      }
    };

    const actions: UiActions = {
      editDraft: (edit) => dispatch({ type: 'draft', draft: edit(store.getState().draft) }),
      submit: () => {
        const current = store.getState();
        const { draft } = current;
        // Cleared first: /chat switches conversations, and would keep the command as the old one's draft.
        dispatch({ type: 'draft', draft: emptyDraft });
        // The first-run offer: Enter on an empty line registers.
        if (draft.text.trim() === '' && current.registration === 'unregistered' && !client.isRegistered()) return register();
        // Refused (a typo in a number, an unknown command, too long): the text is kept to fix.
        if (!run(parseCommand(draft.text))) dispatch({ type: 'draft', draft });
      },
      upDown: (delta) => {
        // The store's focus, not the last render's: Tab and Down can arrive in one burst.
        const { draft, focus } = store.getState();
        if (focus !== 'input' || draft.text === '') return dispatch({ type: 'pickConversation', delta });
        const moved = delta < 0 ? moveLineUp(draft) : moveLineDown(draft);
        if (moved) dispatch({ type: 'draft', draft: moved });
      },
      setFocus: (focus) => dispatch({ type: 'focus', focus }),
      cycleFocus: (delta) => dispatch({ type: 'cycleFocus', delta }),
      scrollHistory: (delta) => {
        const current = store.getState();
        if (current.panel.kind === 'help') {
          // Help scrolls down from its top, the history up from its end.
          const { width, height } = helpViewport(layoutRef.current);
          const scroll = Math.min(Math.max(0, current.panel.scroll - delta), maxHelpScroll(width, height));
          return dispatch({ type: 'panel', panel: { kind: 'help', scroll } });
        }
        const open = current.open;
        const history = open === undefined ? undefined : current.histories[open];
        if (open === undefined || !history) return;
        const viewport = historyViewport(layoutRef.current, openSummary(current)?.identityChanged ?? false);
        const max = countLines(history.messages, viewport.width) - viewport.height;
        // Scrolling into the top of what is loaded: load the page before it first.
        const wanted = current.scroll + delta;
        if (delta > 0 && !history.complete && wanted > max) {
          const oldestStored = history.messages.find((m) => m.id > 0)?.id;
          if (oldestStored !== undefined) loadHistory(client, dispatch, open, oldestStored);
        }
        dispatch({ type: 'scroll', delta, max: history.complete ? max : Number.MAX_SAFE_INTEGER });
      },
      dismiss: () => {
        dispatch({ type: 'panel', panel: { kind: 'none' } });
        dispatch({ type: 'clearMessages' });
      },
      quit: () => exit(),
    };
    return actions;
  }, [client, store, exit]);
}
