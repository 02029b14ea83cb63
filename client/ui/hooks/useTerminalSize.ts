import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { TerminalSize } from '../layout.js';

/** Without a TTY (tests, pipes) Ink's stdout has no size: assume a classic terminal. */
const FALLBACK: TerminalSize = { rows: 24, columns: 80 };

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(readSize(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
  return { rows: stdout.rows || FALLBACK.rows, columns: stdout.columns || FALLBACK.columns };
}
