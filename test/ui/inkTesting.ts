/** Waits for ink-testing-library (STACK.md): every render and keystroke needs React's passive effects to run. */

export async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

/** Polls the last frame until `expected` is in it (or the predicate holds), failing with the frame after `timeoutMs`. */
export async function waitForFrame(
  lastFrame: () => string | undefined,
  expected: string | ((frame: string) => boolean),
  timeoutMs = 10_000,
): Promise<string> {
  const matches = typeof expected === 'string' ? (f: string) => f.includes(expected) : expected;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (matches(frame)) return frame;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof expected === 'string' ? JSON.stringify(expected) : 'a frame'}; last frame:\n${frame}`);
    }
    await settle();
  }
}

/** Writes keys one chunk at a time, settling after each (as a person types). */
export async function type(stdin: { write(data: string): void }, ...chunks: string[]): Promise<void> {
  for (const chunk of chunks) {
    stdin.write(chunk);
    await settle();
  }
}

export const KEYS = {
  enter: '\r',
  tab: '\t',
  shiftTab: '\x1b[Z',
  up: '\x1b[A',
  down: '\x1b[B',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  escape: '\x1b',
  left: '\x1b[D',
  /** What tmux sends for Backspace (Ink calls it key.delete)... */
  backspace: '\x7f',
  /** ...and for the Delete key (DC). */
  delete: '\x1b[3~',
  ctrlN: '\x0e',
  ctrlU: '\x15',
  altEnter: '\x1b\r',
  ctrlC: '\x03',
} as const;
