import { Box, Text } from 'ink';
import type { ConnectionState } from '../../core/api.js';
import { printableOnOneLine } from '../../terminalText.js';
import { describeConnection } from '../format.js';
import { useClock } from '../hooks/useClock.js';
import type { Registration } from '../state/uiState.js';

export interface StatusBarProps {
  ownNumber: string;
  serverAddress: string;
  registration: Registration;
  connection: ConnectionState;
  catchingUp?: { pending: number };
  notice?: string;
  lastError?: string;
}

const CONNECTION_COLOR: Record<ConnectionState['state'], string> = {
  connected: 'green',
  connecting: 'yellow',
  reconnecting: 'yellow',
  offline: 'red',
};

/** One line: who and where we are, the connection, catching up, the last error, the last notice (cut first when narrow). */
export function StatusBar(props: StatusBarProps) {
  const { connection } = props;
  // The reconnect countdown is live: tick while there is one.
  const now = useClock(connection.state === 'reconnecting');
  return (
    <Box height={1} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold>{props.ownNumber}</Text>
        <Text dimColor> @ {props.serverAddress} │ </Text>
        {props.registration === 'registered' ? (
          <Text color={CONNECTION_COLOR[connection.state]}>{describeConnection(connection, now)}</Text>
        ) : (
          <Text color="yellow">{props.registration === 'registering' ? 'registering…' : 'not registered'}</Text>
        )}
        {props.catchingUp && (
          <Text color="cyan">
            {' │ catching up'}
            {props.catchingUp.pending > 0 && ` (${props.catchingUp.pending} left)`}
          </Text>
        )}
        {props.lastError && <Text color="red"> │ error: {printableOnOneLine(props.lastError)}</Text>}
        {props.notice && <Text> │ {printableOnOneLine(props.notice)}</Text>}
      </Text>
    </Box>
  );
}
