/** How the CLI prints: one line per event, as human text or as one JSON object. */
import type { ClientEvent, ConnectionState } from '../core/api.js';
import { printableOnOneLine } from '../terminalText.js';

/** CLI lines: the core's events, help text, and notes for a person (not printed with --json). */
export type OutputLine = ClientEvent | { event: 'help'; text: string } | { event: 'note'; text: string };

export interface Output {
  print(line: OutputLine): void;
}

/** JSON goes to stdout, all of it; human errors go to stderr. */
export function createOutput(
  json: boolean,
  stdout: (text: string) => void = (text) => process.stdout.write(text),
  stderr: (text: string) => void = (text) => process.stderr.write(text),
): Output {
  return {
    print(line) {
      if (json && line.event === 'note') return;
      const text = json ? JSON.stringify(line) : humanText(line);
      if (text === undefined) return;
      (line.event === 'error' && !json ? stderr : stdout)(text + '\n');
    },
  };
}

/** Any failure as one error line: the message, never a stack. */
export function errorLine(err: unknown): OutputLine {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? { event: 'error', message, code } : { event: 'error', message };
}

/** Human text: a message or an error is shown, never obeyed, and stays on its line (terminalText.ts); help is ours. */
function humanText(line: OutputLine): string | undefined {
  const text = humanLine(line);
  return text === undefined || line.event === 'help' ? text : printableOnOneLine(text);
}

/** Local time, as the full-screen client shows it: HH:MM:SS today, else YYYY-MM-DD HH:MM:SS. */
function time(ms: number, now = Date.now()): string {
  const at = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  if (at.toDateString() === new Date(now).toDateString()) return clock;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${clock}`;
}

function connectionText(connection: ConnectionState): string {
  switch (connection.state) {
    case 'connected':
      return 'connected';
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return `reconnecting in ${Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000))}s${connection.reason ? ` (${connection.reason})` : ''}`;
    case 'offline':
      return `offline${connection.reason ? ` (${connection.reason})` : ''}`;
  }
}

/** undefined: nothing worth a line for a person. */
function humanLine(line: OutputLine): string | undefined {
  switch (line.event) {
    case 'help':
    case 'note':
      return line.text;
    case 'registered':
      return `registered ${line.number}`;
    case 'unregistered':
      return `unregistered ${line.number} (local history kept)`;
    case 'keys':
      return `safety number with ${line.number}: ${line.safety_number}`;
    case 'sent':
      return `sent to ${line.to} at ${time(line.timestamp)}`;
    case 'message':
      return `[${time(line.timestamp)}] ${line.from}: ${line.text}`;
    case 'receipt':
      return `${line.type} receipt from ${line.from} for ${line.timestamps.length} message(s)`;
    case 'status':
      return line.status === 'failed' ? `message to ${line.conversation} at ${time(line.timestamp)} failed: ${line.error ?? 'unknown reason'}` : undefined;
    case 'identity_changed':
      return `the safety number with ${line.number} changed: check it with "verify ${line.number}", then accept that one with "trust ${line.number} <safety number>"`;
    case 'trusted':
      return `trusted ${line.number}; safety number ${line.safety_number}`;
    case 'connection':
      return `connection: ${connectionText(line.connection)}`;
    case 'queue':
      return undefined;
    case 'error':
      return `error: ${line.message}`;
  }
}
