import { Box, Text } from 'ink';
import type { ChatMessage } from '../../core/api.js';
import { printableOnOneLine } from '../../terminalText.js';
import { formatTime } from '../format.js';

export interface SearchViewProps {
  text: string;
  results: ChatMessage[];
  height: number;
  now: number;
}

/** Messages of the local history containing the searched text, newest last. */
export function SearchView(props: SearchViewProps) {
  const shown = props.results.slice(-Math.max(1, props.height - 3));
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
      <Text bold wrap="truncate-end">
        Search “{printableOnOneLine(props.text)}”: {props.results.length} found (Esc to close, /chat &lt;number&gt; to open)
      </Text>
      {shown.map((m) => (
        <Text key={m.id} wrap="truncate-end">
          <Text dimColor>{formatTime(m.timestamp, props.now)} </Text>
          <Text bold>{printableOnOneLine(m.conversation)}</Text>
          <Text dimColor>{m.direction === 'outgoing' ? ' you: ' : ' them: '}</Text>
          {printableOnOneLine(m.text)}
        </Text>
      ))}
    </Box>
  );
}
