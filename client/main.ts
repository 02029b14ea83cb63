/**
 * The client entry: `npm run client -- --id <number> [options] [command ...]`.
 * A one-shot command runs and exits; otherwise a TTY gets the full-screen UI and
 * anything else the headless REPL.
 */
import { parseArgs } from './cli/args.js';
import { helpText } from './cli/commands.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runOneShot } from './cli/oneShot.js';
import { createOutput, errorLine } from './cli/output.js';
import { runRepl } from './cli/repl.js';
import { transportSecurity } from './cli/transportOptions.js';
import { usageText } from './cli/usage.js';
import { ChatClient } from './core/chatClient.js';
import { describeError } from './core/errors.js';
import { isValidNumber } from './core/numbers.js';

/**
 * grpc-js names the TLS server by its address, and Node flags an IP address
 * there (DEP0123) with a line on stderr, across the full-screen UI. The
 * certificate is still checked against that address, so the line says nothing
 * the user can act on.
 */
function dropTlsServerNameWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    if (args[2] === 'DEP0123') return;
    emitWarning(...args);
  }) as typeof process.emitWarning;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(usageText() + '\n');
    return EXIT_OK;
  }
  if (parsed.kind === 'usage_error') {
    process.stderr.write(`error: ${parsed.message}\n${usageText()}\n`);
    return EXIT_USAGE;
  }
  const options = parsed.options;
  if (!isValidNumber(options.number)) {
    process.stderr.write(`error: --id must be a phone number in E.164 form (like +15551234567), not ${JSON.stringify(options.number)}\n`);
    return EXIT_USAGE;
  }
  const [commandName, ...commandArgs] = options.command;
  if (commandName !== undefined && (commandArgs.includes('--help') || commandArgs.includes('-h'))) {
    process.stdout.write(helpText(commandName) + '\n');
    return EXIT_OK;
  }

  let transport;
  try {
    transport = transportSecurity(options);
  } catch (err) {
    process.stderr.write(`error: ${describeError(err)}\n`);
    return EXIT_USAGE;
  }

  const out = createOutput(options.json);
  const client = await ChatClient.open({ number: options.number, dataDir: options.dataDir, server: options.server, transport });
  const stopPrinting = client.on((event) => out.print(event));
  const closeOnSignal = (): void => {
    void client.close().finally(() => process.exit(EXIT_OK));
  };
  process.once('SIGINT', closeOnSignal);
  process.once('SIGTERM', closeOnSignal);
  try {
    if (commandName !== undefined) return await runOneShot(client, options.command, out);
    if (process.stdin.isTTY && !options.headless) {
      stopPrinting();
      const { runUi } = await import('./ui/run.js');
      await runUi(client, { bell: options.bell });
      return EXIT_OK;
    }
    await runRepl(client, out, process.stdin);
    return EXIT_OK;
  } finally {
    await client.close();
  }
}

dropTlsServerNameWarning();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const line = errorLine(err);
    process.stderr.write(`error: ${line.event === 'error' ? line.message : String(err)}\n`);
    process.exit(EXIT_FAILED);
  },
);
