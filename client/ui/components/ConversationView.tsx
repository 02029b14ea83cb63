import { Box, Text } from 'ink';
import { memo } from 'react';
import type { ChatMessage, ConversationSummary, DeliveryStatus } from '../../core/api.js';
import { printableOnOneLine } from '../../terminalText.js';
import { deliveryMark, formatTime } from '../format.js';
import { visibleLines, type HistoryLine } from '../state/historyLayout.js';
import type { History } from '../state/uiState.js';
import { IdentityBanner } from './IdentityBanner.js';

export interface ConversationViewProps {
  conversation?: ConversationSummary;
  history?: History;
  focused: boolean;
  /** The message area (inside the pane, below the title and banner). */
  width: number;
  height: number;
  /** Lines scrolled up from the newest. */
  scroll: number;
  now: number;
}

const MARK_COLOR: Record<DeliveryStatus, string> = {
  sending: 'gray',
  sent: 'gray',
  delivered: 'green',
  read: 'cyan',
  failed: 'red',
};

/** The open conversation: renders only the lines that fit, never the whole history. */
export function ConversationView(props: ConversationViewProps) {
  const { conversation, history, width, height, scroll } = props;
  const { lines, atTop } = visibleLines(history?.messages ?? [], width, height, scroll);
  const scrolled = scroll > 0 && lines.length > 0;
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor={props.focused ? 'cyan' : 'gray'} paddingX={1}>
      <Box height={1}>
        <Text bold wrap="truncate-end">
          {conversation ? printableOnOneLine(conversation.number) : 'No conversation open'}
          {scrolled && <Text dimColor>{atTop && history?.complete ? '  (top of history)' : '  (scrolled: PgDn for newer)'}</Text>}
        </Text>
      </Box>
      {conversation?.identityChanged && <IdentityBanner number={conversation.number} />}
      {!conversation && <Text dimColor>Start one with /chat &lt;number&gt; (like /chat +15551234567); /help lists keys and commands.</Text>}
      {conversation && history?.messages.length === 0 && <Text dimColor>No messages yet: type one below.</Text>}
      {lines.map((line) => (
        <MessageLine key={line.key} line={line} now={minute(props.now)} />
      ))}
    </Box>
  );
}

/** Lines are cached per message, so an unchanged line keeps its identity and skips rendering. */
const MessageLine = memo(function MessageLine(props: { line: HistoryLine; now: number }) {
  const { line } = props;
  if (line.kind === 'text') {
    return (
      <Box height={1}>
        <Text wrap="truncate-end">{'  ' + line.text}</Text>
      </Box>
    );
  }
  return <MessageHeader message={line.message} now={props.now} />;
});

/** Times show minutes: rounding `now` keeps memoized lines valid within a minute. */
function minute(ms: number): number {
  return ms - (ms % 60_000);
}

function MessageHeader(props: { message: ChatMessage; now: number }) {
  const { message } = props;
  const outgoing = message.direction === 'outgoing';
  return (
    <Box height={1}>
      <Text wrap="truncate-end">
        <Text dimColor>{formatTime(message.timestamp, props.now)} </Text>
        <Text bold color={outgoing ? 'blue' : 'magenta'}>
          {outgoing ? 'you' : printableOnOneLine(message.sender)}
        </Text>
        {outgoing && <Text color={MARK_COLOR[message.status ?? 'sending']}> {printableOnOneLine(deliveryMark(message))}</Text>}
      </Text>
    </Box>
  );
}
