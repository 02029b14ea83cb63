/** Command words (REPL lines, one-shot arguments, UI slash commands) to a typed command. */
import { isValidNumber } from '../core/numbers.js';

export type Command =
  | { kind: 'register' }
  /** `r`: register while unregistered, else receive. */
  | { kind: 'register_or_receive' }
  | { kind: 'fetch_keys'; number: string }
  | { kind: 'send'; to: string; text: string }
  | { kind: 'receive' }
  | { kind: 'verify'; number: string }
  /** `compared`: the safety number the user checked, as `verify` printed it. */
  | { kind: 'trust'; number: string; compared?: string }
  | { kind: 'unregister' }
  | { kind: 'quit' }
  | { kind: 'help'; topic?: string };

export type ParsedCommand = { ok: true; command: Command } | { ok: false; message: string };

export interface CommandHelp {
  names: string[];
  usage: string;
  meaning: string;
}

export const COMMANDS: readonly CommandHelp[] = [
  { names: ['register'], usage: 'register', meaning: 'register this number (uploads PQXDH prekeys)' },
  { names: ['r'], usage: 'r', meaning: 'register while unregistered, else receive' },
  { names: ['fetch_keys', 'f'], usage: 'fetch_keys <number>', meaning: "fetch the contact's keys, start a session, show the safety number" },
  { names: ['send', 's'], usage: 'send <number> <message>', meaning: 'encrypt and send (fetches keys first when there is no session)' },
  { names: ['receive', 'recv'], usage: 'receive', meaning: 'fetch and decrypt what is queued' },
  { names: ['verify'], usage: 'verify <number>', meaning: 'show the safety number with a contact' },
  {
    names: ['trust'],
    usage: 'trust <number> [safety number]',
    meaning: "accept a contact's changed identity key; with the safety number you compared, only if the key is still that one",
  },
  { names: ['unregister'], usage: 'unregister', meaning: 'delete this account from the server (local history is kept)' },
  { names: ['quit', 'exit', 'q', 'e'], usage: 'quit', meaning: 'leave cleanly' },
  { names: ['help'], usage: 'help [command]', meaning: 'list the commands, or explain one' },
];

export function helpText(topic?: string): string {
  if (topic === undefined) {
    const width = Math.max(...COMMANDS.map((c) => c.usage.length));
    return COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.meaning}${aliases(c)}`).join('\n');
  }
  return commandHelp(topic) ?? unknownCommand(topic);
}

/** One command's usage, aliases and meaning; undefined for a word that is no command. */
export function commandHelp(name: string): string | undefined {
  const entry = COMMANDS.find((c) => c.names.includes(name));
  return entry && `${entry.usage}${aliases(entry)}\n  ${entry.meaning}`;
}

function aliases(entry: CommandHelp): string {
  return entry.names.length > 1 ? ` (also: ${entry.names.slice(1).join(', ')})` : '';
}

export function unknownCommand(name: string): string {
  return `unknown command "${name}"; "help" lists the commands`;
}

/** `send <id> <msg>`: the words after the id, joined by single spaces, are the message. */
export function parseCommand(words: readonly string[]): ParsedCommand {
  const [name, ...rest] = words;
  if (name === undefined) return { ok: false, message: 'empty command' };
  const onlyArgument = rest.length === 1 ? rest[0] : undefined;
  switch (name) {
    case 'register':
      return noArgs(rest, { kind: 'register' });
    case 'r':
      return noArgs(rest, { kind: 'register_or_receive' });
    case 'receive':
    case 'recv':
      return noArgs(rest, { kind: 'receive' });
    case 'unregister':
      return noArgs(rest, { kind: 'unregister' });
    case 'quit':
    case 'exit':
    case 'q':
    case 'e':
      return noArgs(rest, { kind: 'quit' });
    case 'help':
      return rest.length <= 1 ? { ok: true, command: rest[0] === undefined ? { kind: 'help' } : { kind: 'help', topic: rest[0] } } : usage('help');
    case 'fetch_keys':
    case 'f': {
      if (onlyArgument === undefined) return usage('fetch_keys');
      return notANumber(onlyArgument) ?? { ok: true, command: { kind: 'fetch_keys', number: onlyArgument } };
    }
    case 'verify': {
      if (onlyArgument === undefined) return usage(name);
      return notANumber(onlyArgument) ?? { ok: true, command: { kind: name, number: onlyArgument } };
    }
    case 'trust': {
      const [number, ...compared] = rest;
      if (number === undefined) return usage(name);
      if (compared.length === 0) return notANumber(number) ?? { ok: true, command: { kind: 'trust', number } };
      const safetyNumber = compared.join(' ');
      // As verify prints it: 60 digits, in blocks of 5 or not.
      if (safetyNumber.replace(/\s+/g, '').length !== 60 || !/^[\d\s]+$/.test(safetyNumber)) {
        return { ok: false, message: `not a safety number (60 digits, as verify prints it): ${safetyNumber}` };
      }
      return notANumber(number) ?? { ok: true, command: { kind: 'trust', number, compared: safetyNumber } };
    }
    case 'send':
    case 's': {
      const [to, ...text] = rest;
      if (to === undefined || text.length === 0) return usage('send');
      return notANumber(to) ?? { ok: true, command: { kind: 'send', to, text: text.join(' ') } };
    }
    default:
      return { ok: false, message: unknownCommand(name) };
  }
}

/** A REPL line: as parseCommand, but a message keeps its spacing as typed after the number. Undefined: a blank line. */
export function parseLine(line: string): ParsedCommand | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  const parsed = parseCommand(trimmed.split(/\s+/));
  if (!parsed.ok || parsed.command.kind !== 'send') return parsed;
  const text = /^\S+\s+\S+\s+(.*)$/s.exec(trimmed)?.[1] ?? parsed.command.text;
  return { ok: true, command: { ...parsed.command, text } };
}

/** A mistyped number is a usage mistake, found before anything is opened or sent. */
function notANumber(word: string): ParsedCommand | undefined {
  return isValidNumber(word) ? undefined : { ok: false, message: `not a phone number in E.164 form (like +15551234567): ${JSON.stringify(word)}` };
}

function noArgs(rest: readonly string[], command: Command): ParsedCommand {
  if (rest.length === 0) return { ok: true, command };
  const hint = rest[0]!.startsWith('-') ? ' (options such as --json go before the command)' : '';
  return { ok: false, message: `"${command.kind}" takes no arguments${hint}` };
}

function usage(name: string): ParsedCommand {
  const entry = COMMANDS.find((c) => c.names.includes(name))!;
  return { ok: false, message: `usage: ${entry.usage}` };
}
