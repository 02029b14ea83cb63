/**
 * The one keyboard owner: every key goes through this handler, which dispatches by
 * focus. KEY_HELP lists these bindings for /help; keep the two together.
 */
import { useInput, useStdin, type Key } from 'ink';
import { useEffect, useRef } from 'react';
import { useUiActions, useUiState, type UiActions } from '../state/contexts.js';
import {
  deleteBackward,
  deleteForward,
  deleteWordBackward,
  emptyDraft,
  insertText,
  moveLeft,
  moveLineEnd,
  moveLineStart,
  moveRight,
  type Draft,
} from '../state/lineEditor.js';
import type { Focus } from '../state/uiState.js';

export const KEY_HELP: ReadonlyArray<readonly [keys: string, meaning: string]> = [
  ['Enter', 'send / run the command'],
  ['Ctrl+N, Alt+Enter, Ctrl+J', 'new line'],
  ['Tab, Shift+Tab', 'focus: input, chats, history'],
  ['Up, Down', 'pick a chat (empty input); draft lines; scroll history'],
  ['PgUp, PgDn', 'scroll the history a page'],
  ['Home, End', 'line start/end; history ends'],
  ['Left, Right, Ctrl+A, Ctrl+E', 'move in the line'],
  ['Backspace, Delete', 'delete before, under the cursor'],
  ['Ctrl+W, Ctrl+U', 'delete word, line'],
  ['Esc', 'close; clear status messages'],
  ['Ctrl+C', 'quit'],
];

/** Far enough to reach either end of any history. */
const TO_THE_END = Number.MAX_SAFE_INTEGER;
/** Bracketed paste markers (run.tsx turns the mode on), as useInput reports them: ESC stripped. */
const PASTE_START = '[200~';
const PASTE_END = '[201~';
/** The Delete key (DC: ESC [ 3 ~, also with modifiers). */
const DELETE_KEY = /^\x1b\[3[;~]/;

export function useKeyboard(pageHeight: number): void {
  const { focus } = useUiState();
  const actions = useUiActions();
  const pasting = useRef(false);
  // Ink reports both DEL (0x7f, what most terminals and tmux send for Backspace) and the
  // Delete key's ESC [ 3 ~ as key.delete: the raw sequence, seen first, tells them apart.
  const forwardDelete = useRef(false);
  const { internal_eventEmitter: inputEvents } = useStdin();
  useEffect(() => {
    const onInput = (data: string): void => {
      forwardDelete.current = DELETE_KEY.test(data);
    };
    inputEvents.prependListener('input', onInput);
    return () => {
      inputEvents.off('input', onInput);
    };
  }, [inputEvents]);
  useInput((input, key) => {
    if (input === PASTE_START || input === PASTE_END) {
      pasting.current = input === PASTE_START;
      return;
    }
    // A pasted line break is part of the message; Enter is only a key typed on its own.
    if (pasting.current) return typeText(actions, focus, input.replace(/\r/g, '\n'));
    // Keys typed fast (or sent by tmux) arrive as one chunk: a Ctrl+N in it is still a new line.
    if (input.length > 1) input = input.replace(/\x0e/g, '\n');
    if (input.length > 1 && input.includes('\r')) return typeLines(actions, focus, input);
    if (key.ctrl && input === 'c') return actions.quit();
    if (key.escape) return actions.dismiss();
    if (key.tab) return actions.cycleFocus(key.shift ? -1 : 1);
    if (key.pageUp) return actions.scrollHistory(Math.max(1, pageHeight - 1));
    if (key.pageDown) return actions.scrollHistory(-Math.max(1, pageHeight - 1));
    if (focus === 'history' && handleHistoryKey(key, actions)) return;
    if (key.upArrow) return actions.upDown(-1);
    if (key.downArrow) return actions.upDown(1);
    if (key.return && !key.meta && focus !== 'input') return actions.setFocus('input');
    if (key.return && !key.meta) return actions.submit();

    if (!editsDraft(input, key)) return;
    if (focus !== 'input') actions.setFocus('input');
    const forward = forwardDelete.current;
    actions.editDraft((draft) => editDraft(draft, input, key, forward));
  });
}

/** Text typed quickly (or sent by a script) arrives with its Enter in one chunk: type, then submit. */
function typeLines(actions: UiActions, focus: Focus, input: string): void {
  input.split('\r').forEach((line, i) => {
    if (i > 0) actions.submit();
    typeText(actions, focus, line);
  });
}

function typeText(actions: UiActions, focus: Focus, text: string): void {
  if (text === '') return;
  if (focus !== 'input') actions.setFocus('input');
  actions.editDraft((draft) => insertText(draft, text));
}

function handleHistoryKey(key: Key, actions: UiActions): boolean {
  if (key.upArrow) actions.scrollHistory(1);
  else if (key.downArrow) actions.scrollHistory(-1);
  else if (key.home) actions.scrollHistory(TO_THE_END);
  else if (key.end) actions.scrollHistory(-TO_THE_END);
  else return false;
  return true;
}

function isNewLine(input: string, key: Key): boolean {
  return (key.return && key.meta) || (key.ctrl && input === 'n') || input === '\n';
}

const EDITING_CTRL_KEYS = new Set(['a', 'e', 'w', 'u']);

function editsDraft(input: string, key: Key): boolean {
  if (isNewLine(input, key) || key.backspace || key.delete || key.leftArrow || key.rightArrow) return true;
  if (key.home || key.end) return true;
  if (key.ctrl) return EDITING_CTRL_KEYS.has(input);
  return !key.meta && input !== '';
}

function editDraft(draft: Draft, input: string, key: Key, forwardDelete: boolean): Draft {
  if (isNewLine(input, key)) return insertText(draft, '\n');
  if (key.delete && forwardDelete) return deleteForward(draft);
  if (key.backspace || key.delete) return deleteBackward(draft);
  if (key.leftArrow) return moveLeft(draft);
  if (key.rightArrow) return moveRight(draft);
  if (key.home || (key.ctrl && input === 'a')) return moveLineStart(draft);
  if (key.end || (key.ctrl && input === 'e')) return moveLineEnd(draft);
  if (key.ctrl && input === 'w') return deleteWordBackward(draft);
  if (key.ctrl && input === 'u') return emptyDraft;
  if (key.ctrl) return draft;
  return insertText(draft, input);
}
