import { Box, Text } from 'ink';
import { safetyNumberRows } from '../format.js';

export interface VerifyViewProps {
  ownNumber: string;
  number: string;
  safetyNumber: string;
  /** The contact's key changed since these digits were shown. */
  stale: boolean;
}

/** The safety number and what to do with it: both sides see the same 60 digits. */
export function VerifyView(props: VerifyViewProps) {
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor="cyan" paddingX={1} overflow="hidden">
      <Text bold wrap="truncate-end">
        Safety number with {props.number} (Esc to close)
      </Text>
      {props.stale && (
        <Text bold color="red" wrap="wrap">
          {`⚠ ${props.number}'s key changed while this was open: these digits are no longer theirs. Run /verify ${props.number} again.`}
        </Text>
      )}
      <Box flexDirection="column" marginY={1} paddingX={2}>
        {safetyNumberRows(props.safetyNumber).map((row, i) => (
          <Text key={i} bold={!props.stale} color={props.stale ? 'gray' : 'green'} strikethrough={props.stale}>
            {row}
          </Text>
        ))}
      </Box>
      <Text wrap="wrap">
        {`${props.number} sees the same 60 digits when they run /verify ${props.ownNumber}. ` +
          'Compare them in person or over a call you trust: if they match, nobody is in the middle of this conversation.'}
      </Text>
      <Text wrap="wrap">
        {'If they differ, do not send anything sensitive. After a contact reinstalls, the number changes: ' +
          `check it again, then /trust ${props.number}.`}
      </Text>
    </Box>
  );
}
