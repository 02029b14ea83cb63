import { Box, Text } from 'ink';
import { KEY_HELP } from '../hooks/useKeyboard.js';
import { COMMAND_HELP } from '../state/commands.js';

/** Keys and commands side by side, so both fit a 24-line terminal; Esc goes back. */
export function HelpView() {
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
      <Text bold wrap="truncate-end">
        Help (Esc to close). Text without a leading / goes to the open conversation.
      </Text>
      <Box>
        <HelpTable title="Keys" rows={KEY_HELP} />
        <HelpTable title="Commands" rows={COMMAND_HELP} />
      </Box>
    </Box>
  );
}

function HelpTable(props: { title: string; rows: ReadonlyArray<readonly [string, string]> }) {
  const width = Math.max(...props.rows.map(([left]) => left.length)) + 1;
  return (
    <Box flexDirection="column" marginTop={1} width="50%" paddingRight={1}>
      <Text bold underline>
        {props.title}
      </Text>
      {props.rows.map(([left, right]) => (
        <Text key={left} wrap="truncate-end">
          <Text color="cyan">{left.padEnd(width)}</Text>
          {right}
        </Text>
      ))}
    </Box>
  );
}
