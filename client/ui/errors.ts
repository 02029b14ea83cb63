import { QUEUED_FOR_RECONNECT } from '../core/sender.js';

/** The CLI's command words that the core's messages suggest ("run \"fetch_keys +1…\""). */
const CLI_COMMAND = /"((?:register|fetch_keys|verify|trust)\b[^"]*)"/g;
const QUEUED_SUFFIX = `; ${QUEUED_FOR_RECONNECT}`;

/** A failure as one status-bar line: the message only, never a stack. */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return forStatusBar(message.split('\n')[0]?.trim() || 'unknown error');
}

/**
 * A core message as the UI says it: its command hints as slash commands, and a queued
 * message's fate first (the reason after it is what a narrow status bar may cut).
 */
export function forStatusBar(message: string): string {
  const ordered = message.endsWith(QUEUED_SUFFIX)
    ? `queued, will be sent on reconnect: ${message.slice(0, -QUEUED_SUFFIX.length)}`
    : message;
  return ordered.replace(CLI_COMMAND, '/$1');
}
