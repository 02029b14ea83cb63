/** The command line: options first, then an optional one-shot command and its words. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_SERVER = '127.0.0.1:50051';

export interface CliOptions {
  number: string;
  server: string;
  dataDir: string;
  headless: boolean;
  json: boolean;
  bell: boolean;
  /** --tls: TLS with the system's root certificates. */
  tls: boolean;
  /** --ca FILE: TLS, trusting the CAs in this PEM file. */
  caFile: string | undefined;
  /** --insecure: plaintext even to a non-loopback server. */
  insecure: boolean;
  /** Words of a one-shot command; empty for the interactive modes. */
  command: string[];
}

export type ParsedArgs =
  | { kind: 'run'; options: CliOptions }
  /** --help (no topic), "<command> --help" or "help <command>": needs no --id. */
  | { kind: 'help'; topic?: string }
  /** `json`: --json was among the options read before the mistake. */
  | { kind: 'usage_error'; message: string; json: boolean };

const VALUE_OPTIONS = new Set(['--id', '--server', '--data-dir', '--ca']);
const FLAGS = new Set(['--headless', '--json', '--no-bell', '--tls', '--insecure', '--help', '-h']);

export function defaultDataDir(number: string): string {
  return join(homedir(), '.e2ee-chat', number);
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) break;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') return { kind: 'usage_error', message: `${name} needs a value`, json: flags.has('--json') };
      values.set(name, value);
    } else if (FLAGS.has(name) && inline === undefined) {
      flags.add(name);
    } else {
      return { kind: 'usage_error', message: `unknown option ${arg}`, json: flags.has('--json') };
    }
  }
  const command = argv.slice(i);
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help' };
  // Only right after the command's name: later, "--help" may be words of a message.
  if (command[0] !== undefined && (command[1] === '--help' || command[1] === '-h')) return { kind: 'help', topic: command[0] };
  if (command[0] === 'help' && command.length <= 2) return { kind: 'help', topic: command[1] };
  const usageError = (message: string): ParsedArgs => ({ kind: 'usage_error', message, json: flags.has('--json') });
  const number = values.get('--id');
  if (number === undefined) return usageError('missing --id <number>');
  if (flags.has('--insecure') && (flags.has('--tls') || values.has('--ca'))) {
    return usageError('--insecure cannot be combined with --tls or --ca');
  }
  return {
    kind: 'run',
    options: {
      number,
      server: values.get('--server') ?? DEFAULT_SERVER,
      dataDir: values.get('--data-dir') ?? defaultDataDir(number),
      headless: flags.has('--headless'),
      json: flags.has('--json'),
      bell: !flags.has('--no-bell'),
      tls: flags.has('--tls'),
      caFile: values.get('--ca'),
      insecure: flags.has('--insecure'),
      command,
    },
  };
}
