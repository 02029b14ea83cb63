import { Box, Text } from 'ink';
import { KEY_HELP } from '../hooks/useKeyboard.js';
import { COMMAND_HELP } from '../state/commands.js';
import { wrapText } from '../state/historyLayout.js';

export interface HelpViewProps {
  /** Inside the pane's border and padding. */
  width: number;
  height: number;
  /** Lines scrolled down from the top. */
  scroll: number;
}

interface HelpLine {
  kind: 'title' | 'heading' | 'row';
  /** Keys or command: cyan, only on a row's first line. */
  left: string;
  text: string;
}

const TITLE = 'Help (Esc to close). Text without a leading / goes to the open conversation.';
const SECTIONS = [
  ['Keys', KEY_HELP],
  ['Commands', COMMAND_HELP],
] as const;
/** Narrower than this beside the keys, a meaning goes on lines of its own below them. */
const MIN_MEANING_WIDTH = 24;

/** One column, every line wrapped to the width: readable at any size the app runs at; PgUp/PgDn scroll what does not fit. */
export function HelpView(props: HelpViewProps) {
  const lines = helpLines(props.width);
  const scroll = Math.min(props.scroll, maxHelpScroll(props.width, props.height));
  const more = lines.length > props.height;
  const shown = more ? lines.slice(scroll, scroll + props.height - 1) : lines;
  const below = lines.length - scroll - shown.length;
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
      {shown.map((line, i) => (
        <Text key={i} bold={line.kind !== 'row'} underline={line.kind === 'heading'} wrap="truncate-end">
          <Text color="cyan">{line.left}</Text>
          {line.text}
        </Text>
      ))}
      {more && (
        <Text dimColor wrap="truncate-end">
          {below > 0 ? `PgDn: ${below} more lines` : 'PgUp: back to the top'}
        </Text>
      )}
    </Box>
  );
}

/** How far the help can scroll down in a pane of this size (it keeps a line for the scroll hint). */
export function maxHelpScroll(width: number, height: number): number {
  const count = helpLines(width).length;
  return count > height ? count - (height - 1) : 0;
}

function helpLines(width: number): HelpLine[] {
  const lines: HelpLine[] = wrapText(TITLE, width).map((text) => ({ kind: 'title', left: '', text }));
  for (const [heading, rows] of SECTIONS) {
    // A blank line is a space: Ink gives an empty Text no height.
    lines.push({ kind: 'row', left: '', text: ' ' }, { kind: 'heading', left: '', text: heading });
    const leftWidth = Math.max(...rows.map(([left]) => left.length)) + 2;
    const beside = width - leftWidth >= MIN_MEANING_WIDTH;
    for (const [left, meaning] of rows) {
      if (beside) {
        wrapText(meaning, width - leftWidth).forEach((text, i) =>
          lines.push({ kind: 'row', left: (i === 0 ? left : '').padEnd(leftWidth), text }),
        );
      } else {
        lines.push({ kind: 'row', left, text: '' });
        for (const text of wrapText(meaning, width - 2)) lines.push({ kind: 'row', left: '  ', text });
      }
    }
  }
  return lines;
}
