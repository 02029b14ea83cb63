/** The input line's text and cursor, edited by pure functions (the keyboard hook applies them). */
export interface Draft {
  text: string;
  /** Index into `text`, 0..text.length. */
  cursor: number;
}

export const emptyDraft: Draft = { text: '', cursor: 0 };

/** C0 (but for the newline), DEL and C1 controls. */
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

export function insertText(draft: Draft, input: string): Draft {
  // Pasted text arrives in one chunk; a pasted carriage return is a new line, not "send".
  // Any other control character (a stray Ctrl key in the same burst, an escape in a paste)
  // would be sent to the contact as is and break the input line: dropped.
  const text = input.replace(/\r\n?/g, '\n').replace(CONTROLS, '');
  return {
    text: draft.text.slice(0, draft.cursor) + text + draft.text.slice(draft.cursor),
    cursor: draft.cursor + text.length,
  };
}

export function deleteBackward(draft: Draft): Draft {
  if (draft.cursor === 0) return draft;
  const start = previousCodePoint(draft.text, draft.cursor);
  return { text: draft.text.slice(0, start) + draft.text.slice(draft.cursor), cursor: start };
}

/** The Delete key: the code point under the cursor. */
export function deleteForward(draft: Draft): Draft {
  const next = moveRight(draft).cursor;
  return { text: draft.text.slice(0, draft.cursor) + draft.text.slice(next), cursor: draft.cursor };
}

export function deleteWordBackward(draft: Draft): Draft {
  const before = draft.text.slice(0, draft.cursor);
  const start = before.replace(/\S+\s*$|\s+$/, '').length;
  return { text: draft.text.slice(0, start) + draft.text.slice(draft.cursor), cursor: start };
}

export function moveLeft(draft: Draft): Draft {
  return { ...draft, cursor: previousCodePoint(draft.text, draft.cursor) };
}

export function moveRight(draft: Draft): Draft {
  if (draft.cursor >= draft.text.length) return draft;
  const code = draft.text.codePointAt(draft.cursor) ?? 0;
  return { ...draft, cursor: draft.cursor + (code > 0xffff ? 2 : 1) };
}

/** Start of the current line (multi-line drafts). */
export function moveLineStart(draft: Draft): Draft {
  return { ...draft, cursor: draft.text.lastIndexOf('\n', draft.cursor - 1) + 1 };
}

export function moveLineEnd(draft: Draft): Draft {
  const end = draft.text.indexOf('\n', draft.cursor);
  return { ...draft, cursor: end === -1 ? draft.text.length : end };
}

/** The same column (or the line's end) one line up; undefined on the first line. */
export function moveLineUp(draft: Draft): Draft | undefined {
  const start = moveLineStart(draft).cursor;
  if (start === 0) return undefined;
  const above = moveLineStart({ ...draft, cursor: start - 1 }).cursor;
  return onCodePoint({ ...draft, cursor: Math.min(above + draft.cursor - start, start - 1) });
}

/** The same column (or the line's end) one line down; undefined on the last line. */
export function moveLineDown(draft: Draft): Draft | undefined {
  const end = moveLineEnd(draft).cursor;
  if (end === draft.text.length) return undefined;
  const column = draft.cursor - moveLineStart(draft).cursor;
  const belowEnd = moveLineEnd({ ...draft, cursor: end + 1 }).cursor;
  return onCodePoint({ ...draft, cursor: Math.min(end + 1 + column, belowEnd) });
}

/** Never between the two halves of a surrogate pair. */
function onCodePoint(draft: Draft): Draft {
  const code = draft.text.charCodeAt(draft.cursor);
  return code >= 0xdc00 && code <= 0xdfff ? { ...draft, cursor: draft.cursor - 1 } : draft;
}

function previousCodePoint(text: string, index: number): number {
  if (index <= 0) return 0;
  const low = text.charCodeAt(index - 1);
  const isLowSurrogate = low >= 0xdc00 && low <= 0xdfff;
  return isLowSurrogate && index >= 2 ? index - 2 : index - 1;
}
