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
  | { kind: 'help'; topic?: string; json: boolean }
  /** `json`: --json was among the options read before the mistake. */
  | { kind: 'usage_error'; message: string; json: boolean };

const VALUE_OPTIONS = new Set(['--id', '--server', '--data-dir', '--ca']);
const FLAGS = new Set(['--headless', '--json', '--no-bell', '--tls', '--insecure', '--help', '-h']);

/** host:port, the host a name, an IPv4 address or a bracketed IPv6 one, the port 1 to 65535. */
function isHostAndPort(value: string): boolean {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65_535;
}

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
  const json = flags.has('--json');
  if (flags.has('--help') || flags.has('-h')) return { kind: 'help', json };
  // Only right after the command's name: later, "--help" may be words of a message.
  if (command[0] !== undefined && (command[1] === '--help' || command[1] === '-h')) return { kind: 'help', topic: command[0], json };
  if (command[0] === 'help' && command.length <= 2) return { kind: 'help', topic: command[1], json };
  const usageError = (message: string): ParsedArgs => ({ kind: 'usage_error', message, json });
  const number = values.get('--id');
  if (number === undefined) return usageError('missing --id <number>');
  const server = values.get('--server') ?? DEFAULT_SERVER;
  if (!isHostAndPort(server)) return usageError(`--server must be host:port (like ${DEFAULT_SERVER}), not ${JSON.stringify(server)}`);
  if (flags.has('--insecure') && (flags.has('--tls') || values.has('--ca'))) {
    return usageError('--insecure cannot be combined with --tls or --ca');
  }
  return {
    kind: 'run',
    options: {
      number,
      server,
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
