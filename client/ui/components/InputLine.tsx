import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { MAX_INPUT_LINES } from '../layout.js';
import type { Draft } from '../state/lineEditor.js';

export interface InputLineProps {
  draft: Draft;
  focused: boolean;
  /** Shown dimmed while the draft is empty. */
  placeholder: string;
  /** Columns for the text, after the prompt. */
  width: number;
}

/**
 * The message being typed, controlled: it shows `draft` (text and cursor) and never
 * reads keys itself; the keyboard hook edits the draft. Multi-line drafts show the
 * last MAX_INPUT_LINES lines up to the cursor.
 */
export function InputLine(props: InputLineProps) {
  const { draft, focused } = props;
  const lines = draft.text.split('\n');
  const cursorLine = draft.text.slice(0, draft.cursor).split('\n').length - 1;
  const first = Math.max(0, cursorLine - MAX_INPUT_LINES + 1);
  let offset = lines.slice(0, first).reduce((sum, line) => sum + line.length + 1, 0);
  const shown = lines.slice(first, first + MAX_INPUT_LINES).map((text, i) => {
    const start = offset;
    offset += text.length + 1;
    return { text, start, index: first + i };
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={focused ? 'cyan' : 'gray'} paddingX={1}>
      {draft.text === '' ? (
        <Text wrap="truncate-end">
          <Text color="cyan">{'> '}</Text>
          {focused && <Text inverse> </Text>}
          <Text dimColor>{props.placeholder}</Text>
        </Text>
      ) : (
        shown.map((line) => (
          <Text key={line.index} wrap="truncate-end">
            <Text color="cyan">{line.index === 0 ? '> ' : '  '}</Text>
            {line.index === cursorLine ? withCursor(line.text, draft.cursor - line.start, props.width, focused) : line.text}
          </Text>
        ))
      )}
    </Box>
  );
}

function withCursor(text: string, at: number, width: number, focused: boolean) {
  const shown = aroundCursor(text, at, width);
  return (
    <>
      {shown.clippedLeft && <Text dimColor>…</Text>}
      {shown.before}
      {focused ? <Text inverse>{shown.under}</Text> : shown.under}
      {shown.after}
      {shown.clippedRight && <Text dimColor>…</Text>}
    </>
  );
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function split(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/**
 * The part of a line that fits `width` columns with the cursor in it: a long line scrolls
 * sideways to follow the cursor, and an ellipsis marks a clipped side. A whole grapheme
 * under the cursor, so an emoji is not split.
 */
export function aroundCursor(text: string, at: number, width: number) {
  const [under = ' ', ...rest] = split(text.slice(at));
  const before = text.slice(0, at);
  if (stringWidth(before) + stringWidth(under) + stringWidth(rest.join('')) <= width) {
    return { clippedLeft: false, before, under, after: rest.join(''), clippedRight: false };
  }
  // One column kept for the ellipsis on the right, and one more on the left once it is clipped too.
  let room = width - stringWidth(under) - 1;
  let shownBefore = before;
  const clippedLeft = stringWidth(before) > room;
  if (clippedLeft) {
    room -= 1;
    const kept: string[] = [];
    for (const g of split(before).reverse()) {
      if (stringWidth(g) > room) break;
      kept.unshift(g);
      room -= stringWidth(g);
    }
    shownBefore = kept.join('');
  } else {
    room -= stringWidth(before);
  }
  let after = '';
  for (const [i, g] of rest.entries()) {
    // The last grapheme may take the column kept for the ellipsis.
    if (stringWidth(g) > room + (i === rest.length - 1 ? 1 : 0)) break;
    after += g;
    room -= stringWidth(g);
  }
  return { clippedLeft, before: shownBefore, under, after, clippedRight: after.length < rest.join('').length };
}
