import { describe, expect, it } from '@jest/globals';
import type { ChatMessage, ConversationSummary } from '../../client/core/api.js';
import { ClientError } from '../../client/core/errors.js';
import { QUEUED_FOR_RECONNECT } from '../../client/core/sender.js';
import { describeError } from '../../client/ui/errors.js';
import { parseCommand } from '../../client/ui/state/commands.js';
import { countLines, visibleLines, wrapText } from '../../client/ui/state/historyLayout.js';
import {
  deleteBackward,
  deleteForward,
  deleteWordBackward,
  emptyDraft,
  insertText,
  moveLeft,
  moveLineDown,
  moveLineStart,
  moveLineUp,
} from '../../client/ui/state/lineEditor.js';
import { uiReducer, type UiAction } from '../../client/ui/state/uiReducer.js';
import { initialUiState, visibleConversations, type UiState } from '../../client/ui/state/uiState.js';

const ME = '+111111111';
const BOB = '+222222222';
const CAROL = '+333333333';

function summary(number: string, lastActivity: number, unread = 0): ConversationSummary {
  return { number, lastActivity, unread, identityChanged: false };
}

function outgoing(id: number, timestamp: number, text = `m${id}`): ChatMessage {
  return { id, conversation: BOB, direction: 'outgoing', sender: ME, text, timestamp, storedAt: timestamp, status: 'sent' };
}

function stateWith(...actions: UiAction[]): UiState {
  const initial = initialUiState({
    ownNumber: ME,
    serverAddress: '127.0.0.1:1',
    registered: true,
    connection: { state: 'offline' },
    conversations: [summary(BOB, 10), summary(CAROL, 20)],
  });
  return actions.reduce(uiReducer, initial);
}

describe('commands', () => {
  it('parses the seed commands and their aliases', () => {
    expect(parseCommand('/s +222222222 hello   there')).toEqual({ kind: 'send', number: BOB, text: 'hello   there' });
    expect(parseCommand('/send +222222222 hi')).toEqual({ kind: 'send', number: BOB, text: 'hi' });
    expect(parseCommand('/f +222222222')).toEqual({ kind: 'fetchKeys', number: BOB });
    expect(parseCommand('/fetch_keys +222222222')).toEqual({ kind: 'fetchKeys', number: BOB });
    expect(parseCommand('/r')).toEqual({ kind: 'registerOrReceive' });
    expect(parseCommand('/register')).toEqual({ kind: 'register' });
    expect(parseCommand('/recv')).toEqual({ kind: 'receive' });
    for (const quit of ['/quit', '/q', '/exit', '/e']) expect(parseCommand(quit)).toEqual({ kind: 'quit' });
    expect(parseCommand('/chat +333333333')).toEqual({ kind: 'chat', number: CAROL });
    expect(parseCommand('/verify +333333333')).toEqual({ kind: 'verify', number: CAROL });
    expect(parseCommand('/trust +333333333')).toEqual({ kind: 'trust', number: CAROL });
    expect(parseCommand('/search lunch plans')).toEqual({ kind: 'search', text: 'lunch plans' });
    expect(parseCommand('/help')).toEqual({ kind: 'help' });
  });

  it('keeps the spaces and tabs of a message as typed after the number', () => {
    expect(parseCommand('/s\t+222222222 \t a\t\tb  c\nd  e')).toEqual({ kind: 'send', number: BOB, text: 'a\t\tb  c\nd  e' });
    expect(parseCommand('/search two  spaces')).toEqual({ kind: 'search', text: 'two  spaces' });
    expect(parseCommand('  a  b\t c')).toEqual({ kind: 'text', text: '  a  b\t c' });
  });

  it('sends a line starting with // as text with one leading /', () => {
    expect(parseCommand('//usr/bin is full')).toEqual({ kind: 'text', text: '/usr/bin is full' });
    expect(parseCommand('//')).toEqual({ kind: 'text', text: '/' });
  });

  it('keeps plain text as typed, including inner new lines', () => {
    expect(parseCommand('hello\nworld  ')).toEqual({ kind: 'text', text: 'hello\nworld' });
  });

  it('explains a bad command in one line instead of running it', () => {
    expect(parseCommand('/chat bob')).toEqual({ kind: 'invalid', message: 'not a phone number: bob (like +111111111)' });
    expect(parseCommand('/send +222222222')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('/frobnicate')).toEqual({ kind: 'invalid', message: 'unknown command /frobnicate (try /help)' });
  });
});

describe('lineEditor', () => {
  it('inserts at the cursor, deletes code points, words and moves by line', () => {
    let draft = insertText(emptyDraft, 'hello world');
    draft = moveLeft(moveLeft(draft));
    draft = insertText(draft, 'X');
    expect(draft).toEqual({ text: 'hello worXld', cursor: 10 });
    expect(deleteWordBackward({ text: 'hello world', cursor: 11 })).toEqual({ text: 'hello ', cursor: 6 });
    expect(deleteBackward({ text: 'a😀', cursor: 3 })).toEqual({ text: 'a', cursor: 1 });
    expect(moveLineStart({ text: 'one\ntwo', cursor: 6 })).toEqual({ text: 'one\ntwo', cursor: 4 });
  });

  it('moves up and down between the lines of a draft, keeping the column where it can', () => {
    const draft = { text: 'first line\nab\nthird', cursor: 8 };
    expect(moveLineUp(draft)).toBeUndefined();
    expect(moveLineDown(draft)).toEqual({ ...draft, cursor: 13 });
    expect(moveLineDown({ ...draft, cursor: 12 })).toEqual({ ...draft, cursor: 15 });
    expect(moveLineUp({ ...draft, cursor: 15 })).toEqual({ ...draft, cursor: 12 });
    expect(moveLineDown({ ...draft, cursor: 15 })).toBeUndefined();
  });

  it('deletes the code point under the cursor with Delete', () => {
    expect(deleteForward({ text: 'ab😀c', cursor: 2 })).toEqual({ text: 'abc', cursor: 2 });
    expect(deleteForward({ text: 'ab', cursor: 2 })).toEqual({ text: 'ab', cursor: 2 });
  });

  it('turns a pasted carriage return into a new line', () => {
    expect(insertText(emptyDraft, 'a\r\nb\rc').text).toBe('a\nb\nc');
  });

  it('drops control characters other than the new line from typed or pasted text', () => {
    expect(insertText(emptyDraft, 'hi\x0e th\x00ere\x1b\x07\t\x7f\x9b!\nok')).toEqual({ text: 'hi there!\nok', cursor: 12 });
  });
});

describe('historyLayout', () => {
  it('wraps at word boundaries and breaks words longer than the width', () => {
    expect(wrapText('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    expect(wrapText('one\n\ntwo', 10)).toEqual(['one', '', 'two']);
  });

  it('wraps by display width: double-width characters and emoji are two columns, and nothing is lost', () => {
    expect(wrapText('你好世界你好世界', 6)).toEqual(['你好世', '界你好', '世界']);
    expect(wrapText('日本語 テキスト', 7)).toEqual(['日本語', 'テキス', 'ト']);
    // A modifier, a flag and a ZWJ family are one grapheme each, never split.
    expect(wrapText('👍🏽👍🏽👍🏽', 4)).toEqual(['👍🏽👍🏽', '👍🏽']);
    expect(wrapText('🇫🇷🇩🇪👨‍👩‍👧', 4)).toEqual(['🇫🇷🇩🇪', '👨‍👩‍👧']);
    // Wider than the width: on a line of its own rather than dropped.
    expect(wrapText('a你b', 1)).toEqual(['a', '你', 'b']);
  });

  it('shows the newest lines, scrolls back by lines, and stops at the top', () => {
    const messages = [1, 2, 3, 4, 5].map((i) => outgoing(i, i));
    expect(countLines(messages, 20)).toBe(10);
    const newest = visibleLines(messages, 20, 4, 0);
    expect(newest.lines.map((l) => l.kind === 'text' && l.text).filter(Boolean)).toEqual(['m4', 'm5']);
    expect(newest.atTop).toBe(false);
    const scrolled = visibleLines(messages, 20, 4, 4);
    expect(scrolled.lines.map((l) => l.message.id)).toEqual([2, 2, 3, 3]);
    const pastTop = visibleLines(messages, 20, 4, 100);
    expect(pastTop.lines.map((l) => l.message.id)).toEqual([1, 1, 2, 2]);
    expect(pastTop.atTop).toBe(true);
  });
});

describe('uiReducer', () => {
  it("marks the safety number on screen stale when that contact's key changes, and only that contact's", () => {
    const shown = stateWith({ type: 'panel', panel: { kind: 'verify', number: BOB, safetyNumber: '1'.repeat(60) } });
    const changed = (number: string) =>
      uiReducer(shown, { type: 'clientEvents', events: [{ event: 'identity_changed', number }], conversations: [summary(BOB, 30), summary(CAROL, 20)] });
    expect(changed(CAROL).panel).toEqual({ kind: 'verify', number: BOB, safetyNumber: '1'.repeat(60) });
    expect(changed(BOB).panel).toEqual({ kind: 'verify', number: BOB, safetyNumber: '1'.repeat(60), stale: true });
  });

  it('lists conversations most recent first and opens the newest', () => {
    const state = stateWith();
    expect(visibleConversations(state).map((c) => c.number)).toEqual([CAROL, BOB]);
    expect(state.open).toBe(CAROL);
  });

  it('keeps the open conversation at zero unread while it is on screen', () => {
    const state = stateWith({ type: 'clientEvents', events: [], conversations: [summary(BOB, 30, 2), summary(CAROL, 20, 1)] });
    expect(visibleConversations(state)).toEqual([summary(BOB, 30, 2), summary(CAROL, 20, 0)]);
  });

  it('clears the unread count of a conversation when it is opened', () => {
    const listed: UiAction = { type: 'conversationsLoaded', conversations: [summary(BOB, 10, 3), summary(CAROL, 20)] };
    const picked = stateWith(listed, { type: 'pickConversation', delta: 1 });
    expect(visibleConversations(picked)).toEqual([summary(CAROL, 20), summary(BOB, 10, 0)]);
    const opened = stateWith(listed, { type: 'open', number: BOB, at: 1 });
    expect(visibleConversations(opened)).toEqual([summary(CAROL, 20), summary(BOB, 10, 0)]);
  });

  it('clears the unread count of the first conversation, which opens by itself', () => {
    const empty = initialUiState({ ownNumber: ME, serverAddress: '127.0.0.1:1', registered: true, connection: { state: 'offline' }, conversations: [] });
    const state = uiReducer(empty, { type: 'clientEvents', events: [], conversations: [summary(BOB, 30, 1)] });
    expect(state.open).toBe(BOB);
    expect(visibleConversations(state)).toEqual([summary(BOB, 30, 0)]);
  });

  it('keeps a draft with the conversation it was typed in', () => {
    const forCarol = { text: 'for carol', cursor: 9 };
    const picked = stateWith({ type: 'draft', draft: forCarol }, { type: 'pickConversation', delta: 1 });
    expect(picked.open).toBe(BOB);
    expect(picked.draft).toEqual(emptyDraft);
    const opened = uiReducer(picked, { type: 'open', number: CAROL, at: 1 });
    expect(opened.draft).toEqual(forCarol);
    expect(opened.drafts).toEqual({});
  });

  it('does not open the first conversation to arrive under text typed before it', () => {
    const empty = initialUiState({ ownNumber: ME, serverAddress: '127.0.0.1:1', registered: true, connection: { state: 'offline' }, conversations: [] });
    const typed = uiReducer(empty, { type: 'draft', draft: { text: 'hi', cursor: 2 } });
    const state = uiReducer(typed, { type: 'clientEvents', events: [], conversations: [summary(BOB, 30, 1)] });
    expect(state.open).toBeUndefined();
    expect(state.draft.text).toBe('hi');
  });

  it('appends live messages to a loaded history once, even when the history read raced the event', () => {
    const incoming: ChatMessage = { id: 7, conversation: BOB, direction: 'incoming', sender: BOB, text: 'hi', timestamp: 5, storedAt: 5 };
    const event = { event: 'message', from: BOB, text: 'hi', timestamp: 5, id: 7 } as const;
    const state = stateWith(
      { type: 'historyLoaded', conversation: BOB, messages: [incoming], complete: true, older: false },
      { type: 'clientEvents', events: [event, event], conversations: [] },
    );
    expect(state.histories[BOB]?.messages.map((m) => m.id)).toEqual([7]);
  });

  it('moves delivery marks forward only, and shows a failure with its reason', () => {
    const loaded = stateWith({ type: 'historyLoaded', conversation: BOB, messages: [outgoing(1, 100)], complete: true, older: false });
    const status = (s: 'delivered' | 'read' | 'sent' | 'failed', error?: string): UiAction => ({
      type: 'clientEvents',
      events: [{ event: 'status', conversation: BOB, timestamp: 100, status: s, error }],
      conversations: [],
    });
    const read = [status('read'), status('delivered')].reduce(uiReducer, loaded);
    expect(read.histories[BOB]?.messages[0]?.status).toBe('read');
    const failed = uiReducer(loaded, status('failed', 'unknown recipient'));
    expect(failed.histories[BOB]?.messages[0]).toMatchObject({ status: 'failed', error: 'unknown recipient' });
  });

  it('replaces a message being sent by its stored row, or marks it failed when it was never stored', () => {
    const loaded = stateWith(
      { type: 'historyLoaded', conversation: BOB, messages: [], complete: true, older: false },
      { type: 'sendStarted', localId: -1, conversation: BOB, text: 'hello', at: 1000 },
    );
    expect(loaded.histories[BOB]?.messages).toMatchObject([{ id: -1, status: 'sending', text: 'hello' }]);
    const stored = uiReducer(loaded, { type: 'sendSettled', localId: -1, conversation: BOB, stored: [outgoing(3, 1001, 'hello')] });
    expect(stored.histories[BOB]?.messages).toMatchObject([{ id: 3, status: 'sent', text: 'hello' }]);
    const refused = uiReducer(loaded, { type: 'sendSettled', localId: -1, conversation: BOB, stored: [], error: 'untrusted identity' });
    expect(refused.histories[BOB]?.messages).toMatchObject([{ id: -1, status: 'failed', error: 'untrusted identity' }]);
  });

  it('keeps a failed message in time order, above messages stored after it', () => {
    const failed = stateWith(
      { type: 'historyLoaded', conversation: BOB, messages: [outgoing(1, 900)], complete: true, older: false },
      { type: 'sendStarted', localId: -1, conversation: BOB, text: 'refused', at: 1000 },
      { type: 'sendSettled', localId: -1, conversation: BOB, stored: [outgoing(1, 900)], error: 'server unreachable' },
      { type: 'sendStarted', localId: -2, conversation: BOB, text: 'later', at: 2000 },
      { type: 'sendSettled', localId: -2, conversation: BOB, stored: [outgoing(1, 900), outgoing(2, 2001, 'later')] },
      { type: 'sendStarted', localId: -3, conversation: BOB, text: 'sending', at: 3000 },
    );
    expect(failed.histories[BOB]?.messages.map((m) => m.text)).toEqual(['m1', 'refused', 'later', 'sending']);
  });

  it('adds a conversation started with /chat to the list until the core lists it', () => {
    const started = stateWith({ type: 'open', number: '+444444444', at: 99 });
    expect(visibleConversations(started).map((c) => c.number)).toEqual(['+444444444', CAROL, BOB]);
    const listed = uiReducer(started, { type: 'clientEvents', events: [], conversations: [summary('+444444444', 50)] });
    expect(listed.started).toEqual([]);
    expect(listed.open).toBe('+444444444');
  });

  it('keeps a scrolled-up view in place while messages arrive in its conversation', () => {
    const event = { event: 'message', from: CAROL, text: 'new', timestamp: 5, id: 9 } as const;
    const scrolled = stateWith(
      { type: 'historyWidth', width: 40 },
      { type: 'historyLoaded', conversation: CAROL, messages: [], complete: true, older: false },
      { type: 'scroll', delta: 3, max: 10 },
      { type: 'clientEvents', events: [event], conversations: [] },
    );
    expect(scrolled.scroll).toBe(5);
    const atBottom = stateWith(
      { type: 'historyLoaded', conversation: CAROL, messages: [], complete: true, older: false },
      { type: 'clientEvents', events: [event], conversations: [] },
    );
    expect(atBottom.scroll).toBe(0);
  });

  it('drops a "server unreachable" error once the server is reached again, and keeps any other', () => {
    const connected: UiAction = { type: 'clientEvents', events: [{ event: 'connection', connection: { state: 'connected' } }], conversations: [] };
    const unreachable = stateWith({ type: 'error', message: 'sending to +222222222: server 127.0.0.1:1 unreachable', code: 'unavailable' });
    expect(unreachable.lastError).toContain('unreachable');
    expect(uiReducer(unreachable, connected).lastError).toBeUndefined();
    const refused = stateWith({ type: 'error', message: 'sending to +222222222: no such account', code: 'send_failed' });
    expect(uiReducer(refused, connected).lastError).toBe('sending to +222222222: no such account');
    const fromCore = stateWith({ type: 'clientEvents', events: [{ event: 'error', message: 'server unreachable', code: 'unavailable' }], conversations: [] });
    expect(uiReducer(fromCore, connected).lastError).toBeUndefined();
  });

  it('replaces an older error by a newer notice, and an older notice by a newer error', () => {
    const failed = stateWith({ type: 'notice', text: 'registered' }, { type: 'error', message: 'no key known for +222222222 yet' });
    expect([failed.notice, failed.lastError]).toEqual([undefined, 'no key known for +222222222 yet']);
    const trusted = uiReducer(failed, { type: 'notice', text: 'trusted +222222222' });
    expect([trusted.notice, trusted.lastError]).toEqual(['trusted +222222222', undefined]);
  });

  it("says a queued message's fate first, and the core's command hints as slash commands", () => {
    const queued = new ClientError('unavailable', `server 127.0.0.1:1 unreachable (connect ECONNREFUSED); ${QUEUED_FOR_RECONNECT}`);
    expect(describeError(queued)).toBe('queued, will be sent on reconnect: server 127.0.0.1:1 unreachable (connect ECONNREFUSED)');
    const noKey = new ClientError('no_identity', 'no key known for +222222222 yet; run "fetch_keys +222222222"');
    expect(describeError(noKey)).toBe('no key known for +222222222 yet; run /fetch_keys +222222222');
    const fromCore = stateWith({ type: 'clientEvents', events: [{ event: 'error', message: 'run "register"' }], conversations: [] });
    expect(fromCore.lastError).toBe('run /register');
  });

  it('cycles focus and clamps scrolling', () => {
    const state = stateWith({ type: 'cycleFocus', delta: 1 }, { type: 'scroll', delta: 50, max: 10 });
    expect(state.focus).toBe('conversations');
    expect(state.scroll).toBe(10);
    expect(uiReducer(state, { type: 'scroll', delta: -50, max: 10 }).scroll).toBe(0);
    expect(uiReducer(state, { type: 'cycleFocus', delta: -2 }).focus).toBe('history');
  });
});
