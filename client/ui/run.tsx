/**
 * Entry of the full-screen UI: owns the terminal (alternate screen, signals) and
 * nothing else. The ChatClient's lifecycle (open/close) stays with the caller.
 */
import { render } from 'ink';
import type { ChatClientApi } from '../core/api.js';
import { App } from './App.js';

/** Alternate screen on, cursor home, bracketed paste on (a pasted line break is not Enter). */
const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H\x1b[?2004h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?2004l\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface UiOptions {
  /** Ring the terminal bell when a message arrives for a conversation not on screen. */
  bell: boolean;
}

/** Runs the app in the alternate screen; resolves when the user quits, rejects on a crash. */
export async function runUi(client: ChatClientApi, opts: UiOptions): Promise<void> {
  const stdout = process.stdout;
  let screenRestored = false;
  // Synchronous, so it also runs from process 'exit' after a crash.
  const restoreScreen = (): void => {
    if (screenRestored) return;
    screenRestored = true;
    stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };

  stdout.write(ENTER_ALTERNATE_SCREEN);
  process.once('exit', restoreScreen);
  const instance = render(<App client={client} bell={opts.bell} />, { exitOnCtrlC: false });

  const stop = (): void => instance.unmount();
  let crash: unknown;
  const crashed = (err: unknown): void => {
    crash ??= err;
    instance.unmount();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
    process.off('uncaughtException', crashed);
    process.off('unhandledRejection', crashed);
    process.off('exit', restoreScreen);
    restoreScreen();
  }
  if (crash !== undefined) throw crash;
}
