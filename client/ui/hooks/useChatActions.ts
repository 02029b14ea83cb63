/**
 * What the user can do, as one stable object: runs commands against the client
 * core and reports every outcome, success or failure, through the reducer.
 */
import { useApp } from 'ink';
import { useMemo, useRef } from 'react';
import type { ChatClientApi, ChatMessage } from '../../core/api.js';
import { ClientError } from '../../core/errors.js';
import { describeError } from '../errors.js';
import { historyViewport, type ScreenLayout } from '../layout.js';
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
    const fail = (err: unknown): void => dispatch({ type: 'error', message: describeError(err), code: ClientError.is(err) ? err.code : undefined });
    const notice = (text: string): void => dispatch({ type: 'notice', text });

    const send = (to: string, text: string): void => {
      const localId = nextLocalId--;
      dispatch({ type: 'sendStarted', localId, conversation: to, text, at: Date.now() });
      // The database knows how it went (stored? queued for reconnect? failed?): read it back.
      const settle = (error?: string): void =>
        dispatch({ type: 'sendSettled', localId, conversation: to, stored: recentMessages(to), error });
      client.send(to, text).then(
        () => {
          settle();
          // /send to a conversation not on screen: say it went.
          if (to !== store.getState().open) notice(`sent to ${to}`);
        },
        (err: unknown) => {
          settle(describeError(err));
          fail(err);
        },
      );
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

    const sendToOpenConversation = (text: string): void => {
      const current = store.getState();
      if (text.trim() === '') return;
      if (current.open === undefined) {
        dispatch({ type: 'error', message: 'no conversation open: start one with /chat <number>' });
        return;
      }
      if (openSummary(current)?.identityChanged) {
        dispatch({
          type: 'error',
          message: `${current.open}'s safety number changed: compare it (/verify ${current.open}), then /trust ${current.open}`,
        });
        return;
      }
      send(current.open, text);
    };

    const run = (command: Command): void => {
      switch (command.kind) {
        case 'text':
          return sendToOpenConversation(command.text);
        case 'register':
          return register();
        case 'registerOrReceive':
          return client.isRegistered() ? receive() : register();
        case 'unregister':
          client.unregister().then(() => notice(`${client.number} is no longer registered`), fail);
          return;
        case 'fetchKeys':
          client.fetchKeys(command.number).then((safetyNumber) => {
            dispatch({ type: 'panel', panel: { kind: 'verify', number: command.number, safetyNumber } });
            refreshConversations();
          }, fail);
          return;
        case 'send':
          return send(command.number, command.text);
        case 'receive':
          return receive();
        case 'chat':
          if (command.number === client.number) {
            dispatch({ type: 'error', message: 'cannot chat with your own number' });
            return;
          }
          dispatch({ type: 'open', number: command.number, at: Date.now() });
          return;
        case 'verify':
          client.safetyNumber(command.number).then(
            (safetyNumber) => dispatch({ type: 'panel', panel: { kind: 'verify', number: command.number, safetyNumber } }),
            fail,
          );
          return;
        case 'trust':
          client.trust(command.number).then(() => {
            notice(`trusted ${command.number}'s new identity`);
            refreshConversations();
          }, fail);
          return;
        case 'search':
          try {
            const results = client.search(command.text, SEARCH_LIMIT);
            dispatch({ type: 'panel', panel: { kind: 'search', text: command.text, results } });
          } catch (err) {
            fail(err);
          }
          return;
        case 'help':
          dispatch({ type: 'panel', panel: { kind: 'help' } });
          return;
        case 'quit':
          exit();
          return;
        case 'invalid':
          dispatch({ type: 'error', message: command.message });
          return;
      }
    };

    const actions: UiActions = {
      editDraft: (edit) => dispatch({ type: 'draft', draft: edit(store.getState().draft) }),
      submit: () => {
        const current = store.getState();
        const text = current.draft.text;
        dispatch({ type: 'draft', draft: emptyDraft });
        // The first-run offer: Enter on an empty line registers.
        if (text.trim() === '' && current.registration === 'unregistered' && !client.isRegistered()) return register();
        run(parseCommand(text));
      },
      pickConversation: (delta) => dispatch({ type: 'pickConversation', delta }),
      upDownInInput: (delta) => {
        const draft = store.getState().draft;
        if (draft.text === '') return dispatch({ type: 'pickConversation', delta });
        const moved = delta < 0 ? moveLineUp(draft) : moveLineDown(draft);
        if (moved) dispatch({ type: 'draft', draft: moved });
      },
      setFocus: (focus) => dispatch({ type: 'focus', focus }),
      cycleFocus: (delta) => dispatch({ type: 'cycleFocus', delta }),
      scrollHistory: (delta) => {
        const current = store.getState();
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
