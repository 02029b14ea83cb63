import { Box, Text } from 'ink';
import { COMMAND_HELP } from '../state/commands.js';
import { KEY_HELP } from '../hooks/useKeyboard.js';

/** Keys and commands; Esc goes back. */
export function HelpView() {
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
      <Text bold>Help (Esc to close)</Text>
      <Text dimColor>Text without a leading / is sent to the open conversation.</Text>
      <HelpTable title="Keys" rows={KEY_HELP} />
      <HelpTable title="Commands" rows={COMMAND_HELP} />
    </Box>
  );
}

function HelpTable(props: { title: string; rows: ReadonlyArray<readonly [string, string]> }) {
  const width = Math.max(...props.rows.map(([left]) => left.length)) + 2;
  return (
    <Box flexDirection="column" marginTop={1}>
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
