import { Box, Text } from 'ink';
import type { ConversationSummary } from '../../core/api.js';
import { printableOnOneLine } from '../../terminalText.js';

export interface ConversationListProps {
  /** Most recent first. */
  conversations: ConversationSummary[];
  open?: string;
  focused: boolean;
  width: number;
  /** Rows available for conversations, below the title. */
  height: number;
}

/** The chats, with unread counts; scrolls so the open one stays visible. */
export function ConversationList(props: ConversationListProps) {
  const { conversations, open, width, height } = props;
  const openIndex = Math.max(0, conversations.findIndex((c) => c.number === open));
  const first = Math.max(0, Math.min(openIndex - height + 1, conversations.length - height));
  const shown = conversations.slice(first, first + height);
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor={props.focused ? 'cyan' : 'gray'} paddingX={1}>
      <Text bold wrap="truncate-end">
        Chats
      </Text>
      {conversations.length === 0 && <Text dimColor>none yet</Text>}
      {shown.map((c) => (
        <ConversationRow key={c.number} conversation={c} isOpen={c.number === open} width={width} />
      ))}
    </Box>
  );
}

function ConversationRow(props: { conversation: ConversationSummary; isOpen: boolean; width: number }) {
  const { conversation, isOpen } = props;
  const badge = conversation.unread > 0 ? ` ${conversation.unread}` : '';
  const flag = conversation.identityChanged ? '!' : ' ';
  const nameWidth = Math.max(1, props.width - 2 - badge.length);
  return (
    <Box height={1}>
      <Text inverse={isOpen} wrap="truncate-end">
        {isOpen ? '›' : ' '}
        <Text color={conversation.identityChanged ? 'red' : undefined}>{flag}</Text>
        <Text bold={conversation.unread > 0}>{printableOnOneLine(conversation.number).slice(0, nameWidth).padEnd(nameWidth)}</Text>
        <Text color="cyan" bold>
          {badge}
        </Text>
      </Text>
    </Box>
  );
}
