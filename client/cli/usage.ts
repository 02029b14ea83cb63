import { helpText } from './commands.js';
import { DEFAULT_SERVER } from './args.js';

export function usageText(): string {
  return [
    'usage: npm run client -- --id <number> [options] [command ...]',
    '',
    'options:',
    `  --id <number>      this account's number, E.164 (like +15551234567)`,
    `  --server <h:p>     the server (default ${DEFAULT_SERVER})`,
    '  --data-dir <dir>   the account folder (default ~/.e2ee-chat/<number>/)',
    '  --headless         line commands on stdin, one line per event (also when stdin is not a TTY)',
    '  --json             print events as one JSON object per line',
    '  --no-bell          no terminal bell on new messages',
    "  --tls              use TLS, trusting the system's root certificates",
    '  --ca <file>        use TLS, trusting the CA certificates in this PEM file',
    '  --insecure         allow plaintext to a server that is not on loopback (refused otherwise)',
    '  --help             this text; "<command> --help" explains one command',
    '',
    'Plaintext is the default for a loopback server (127.0.0.1, localhost); any other server',
    'needs --tls or --ca, or an explicit --insecure.',
    '',
    'With a command, it runs once and exits (0 on success). Without one, a TTY opens the',
    'full-screen UI; otherwise the headless REPL reads these commands from stdin:',
    helpText(),
  ].join('\n');
}
