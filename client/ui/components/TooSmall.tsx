/** Shown instead of the panes in a terminal smaller than they fit in; Ctrl+C still quits. */
import { Text, useInput } from 'ink';
import { MIN_SIZE, type TerminalSize } from '../layout.js';
import { useUiActions } from '../state/contexts.js';

export function TooSmall({ size }: { size: TerminalSize }) {
  const actions = useUiActions();
  useInput((input, key) => {
    if (key.ctrl && input === 'c') actions.quit();
  });
  return (
    <Text wrap="wrap">
      window too small ({size.columns}×{size.rows}): the chat needs {MIN_SIZE.columns}×{MIN_SIZE.rows}; Ctrl+C quits
    </Text>
  );
}
