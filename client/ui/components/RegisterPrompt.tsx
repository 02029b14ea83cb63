import { Box, Text } from 'ink';
import type { Registration } from '../state/uiState.js';

/** The first-run offer: this number has no account on the server yet. */
export function RegisterPrompt(props: { ownNumber: string; serverAddress: string; registration: Registration }) {
  return (
    <Box flexDirection="column" flexGrow={1} borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold>Welcome</Text>
      <Text wrap="wrap">{`${props.ownNumber} is not registered on ${props.serverAddress} yet.`}</Text>
      {props.registration === 'registering' ? (
        <Text color="yellow">Registering: creating keys and uploading prekeys…</Text>
      ) : (
        <Text wrap="wrap">
          {'Press Enter to register it (your identity key stays on this machine; ' +
            'the server gets public prekeys only), or type /quit.'}
        </Text>
      )}
    </Box>
  );
}
