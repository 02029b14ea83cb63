/**
 * What the user typed, parsed: a slash command or text for the open conversation.
 * The words and aliases are the CLI's (DESIGN.md), prefixed with `/`.
 */
export type Command =
  | { kind: 'text'; text: string }
  | { kind: 'register' }
  /** `/r`: register while unregistered, else receive (as the CLI's `r`). */
  | { kind: 'registerOrReceive' }
  | { kind: 'unregister' }
  | { kind: 'fetchKeys'; number: string }
  | { kind: 'send'; number: string; text: string }
  | { kind: 'receive' }
  | { kind: 'chat'; number: string }
  | { kind: 'verify'; number: string }
  | { kind: 'trust'; number: string }
  | { kind: 'search'; text: string }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'invalid'; message: string };

/** API.md's account id. */
const NUMBER = /^\+[1-9][0-9]{6,14}$/;

/** Shown by /help, one line per command. */
export const COMMAND_HELP: ReadonlyArray<readonly [usage: string, meaning: string]> = [
  ['/chat <number>', 'open or start a chat'],
  ['/send, /s <number> <text>', 'send without switching'],
  ['/register, /r', 'register (/r: else receive)'],
  ['/fetch_keys, /f <number>', 'fetch keys, safety number'],
  ['/verify <number>', 'compare the safety number'],
  ['/trust <number>', 'accept the key /verify showed'],
  ['/recv', 'fetch what is queued'],
  ['/search <text>', 'search local history'],
  ['/unregister', 'delete the account (type it twice)'],
  ['/help', 'this screen'],
  ['//<text>', 'send text that starts with /'],
  ['/quit, /q, /exit, /e', 'leave'],
];

export function parseCommand(line: string): Command {
  const trimmed = line.trim();
  if (!trimmed.startsWith('/')) return { kind: 'text', text: line.trimEnd() };
  // "//" escapes the command prefix: the text is sent with one leading "/".
  if (trimmed.startsWith('//')) return { kind: 'text', text: line.trimEnd().replace('/', '') };
  const [, word = '', rest = ''] = /^\/(\S*)[ \t]*([\s\S]*)$/.exec(trimmed) ?? [];
  const args = rest === '' ? [] : rest.split(/[ \t]+/);
  switch (word.toLowerCase()) {
    case 'register':
      return { kind: 'register' };
    case 'r':
      return { kind: 'registerOrReceive' };
    case 'unregister':
      return { kind: 'unregister' };
    case 'fetch_keys':
    case 'f':
      return withNumber(word, args, (number) => ({ kind: 'fetchKeys', number }));
    case 'send':
    case 's': {
      // The message as typed after the number: its runs of spaces and tabs are the user's.
      const text = /^\S+[ \t]+([\s\S]*)$/.exec(rest)?.[1] ?? '';
      if (text === '') return { kind: 'invalid', message: `usage: /${word} <number> <message>` };
      return withNumber(word, args, (number) => ({ kind: 'send', number, text }));
    }
    case 'recv':
    case 'receive':
      return { kind: 'receive' };
    case 'chat':
      return withNumber(word, args, (number) => ({ kind: 'chat', number }));
    case 'verify':
      return withNumber(word, args, (number) => ({ kind: 'verify', number }));
    case 'trust':
      return withNumber(word, args, (number) => ({ kind: 'trust', number }));
    case 'search':
      return args.length === 0
        ? { kind: 'invalid', message: 'usage: /search <text>' }
        : { kind: 'search', text: rest };
    case 'help':
    case 'h':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'q':
    case 'exit':
    case 'e':
      return { kind: 'quit' };
    default:
      return { kind: 'invalid', message: `unknown command /${word} (try /help)` };
  }
}

function withNumber(word: string, args: string[], make: (number: string) => Command): Command {
  const number = args[0];
  if (number === undefined) return { kind: 'invalid', message: `usage: /${word} <number>` };
  if (!NUMBER.test(number)) return { kind: 'invalid', message: `not a phone number: ${number} (like +111111111)` };
  return make(number);
}
