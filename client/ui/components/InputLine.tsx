import { Box, Text } from 'ink';
import { MAX_INPUT_LINES } from '../layout.js';
import type { Draft } from '../state/lineEditor.js';

export interface InputLineProps {
  draft: Draft;
  focused: boolean;
  /** Shown dimmed while the draft is empty. */
  placeholder: string;
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
          <Text key={line.index} wrap="truncate-start">
            <Text color="cyan">{line.index === 0 ? '> ' : '  '}</Text>
            {focused && line.index === cursorLine ? withCursor(line.text, draft.cursor - line.start) : line.text}
          </Text>
        ))
      )}
    </Box>
  );
}

function withCursor(text: string, at: number) {
  // A whole code point under the cursor, so an emoji is not split.
  const under = Array.from(text.slice(at))[0] ?? ' ';
  return (
    <>
      {text.slice(0, at)}
      <Text inverse>{under}</Text>
      {text.slice(at + under.length)}
    </>
  );
}
