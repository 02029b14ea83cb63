import { Box, Text } from 'ink';
import { BANNER_HEIGHT } from '../layout.js';

/** Shown in a conversation whose contact's identity key changed: sending stays refused until /trust. */
export function IdentityBanner(props: { number: string }) {
  return (
    <Box flexDirection="column" height={BANNER_HEIGHT}>
      <Text color="red" bold wrap="truncate-end">
        ⚠ {props.number}&apos;s safety number changed (new identity key). Sending is paused.
      </Text>
      <Text color="red" wrap="truncate-end">
        Compare it with them (/verify {props.number}), then accept it with /trust {props.number}.
      </Text>
    </Box>
  );
}
