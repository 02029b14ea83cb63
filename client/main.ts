/**
 * The client entry: `npm run client -- --id <number> [options] [command ...]`.
 * A one-shot command runs and exits; otherwise a TTY gets the full-screen UI and
 * anything else the headless REPL.
 */
import { constants } from 'node:os';
import { parseArgs } from './cli/args.js';
import { commandHelp, parseCommand, unknownCommand, type Command } from './cli/commands.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runOneShot } from './cli/oneShot.js';
import { createOutput, errorLine, type Output } from './cli/output.js';
import { runRepl } from './cli/repl.js';
import { noticeSlowServer } from './cli/slowServerNotice.js';
import { transportSecurity } from './cli/transportOptions.js';
import { usageText } from './cli/usage.js';
import { ChatClient } from './core/chatClient.js';
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

/** --help, "<command> --help", "help <command>": on stdout (a JSON line with --json); an unknown command is a usage error. */
function showHelp(topic: string | undefined, json: boolean): number {
  const text = topic === undefined ? usageText() : commandHelp(topic);
  if (text === undefined) {
    usageError(createOutput(json), json, unknownCommand(topic!));
    return EXIT_USAGE;
  }
  createOutput(json).print({ event: 'help', text });
  return EXIT_OK;
}

/** A usage mistake: its line, and for a person a pointer to where the usage is. */
function usageError(out: Output, json: boolean, message: string): number {
  out.print({ event: 'error', message, code: 'usage' });
  if (!json) process.stderr.write('"--help" lists the options and commands\n');
  return EXIT_USAGE;
}

/** What a one-shot command left undone when a signal cut it short. */
function interruptedMessage(command: string): string {
  const what = `interrupted before "${command}" finished`;
  if (command !== 'send' && command !== 's') return what;
  // It may already be stored: sending it again could deliver it twice.
  return `${what}: the message may be queued, and then goes out the next time this account runs; check before sending it again`;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') return showHelp(parsed.topic, parsed.json);
  if (parsed.kind === 'usage_error') return usageError(createOutput(parsed.json), parsed.json, parsed.message);
  const options = parsed.options;
  // From here on, every failure is one line, as JSON with --json.
  const out = mutableOutput(createOutput(options.json));
  if (!isValidNumber(options.number)) {
    const message = `--id must be a phone number in E.164 form (like +15551234567), not ${JSON.stringify(options.number)}`;
    return usageError(out, options.json, message);
  }
  const [commandName] = options.command;
  // Checked before the account is opened: a mistyped command creates no data folder or key.
  let command: Command | undefined;
  if (commandName !== undefined) {
    const parsedCommand = parseCommand(options.command);
    if (!parsedCommand.ok) return usageError(out, options.json, parsedCommand.message);
    command = parsedCommand.command;
  }

  let transport;
  try {
    transport = transportSecurity(options);
  } catch (err) {
    out.print(errorLine(err));
    return EXIT_USAGE;
  }

  let client: ChatClient;
  try {
    client = await ChatClient.open({ number: options.number, dataDir: options.dataDir, server: options.server, transport });
  } catch (err) {
    out.print(errorLine(err));
    return EXIT_FAILED;
  }
  const stopPrinting = client.on((event) => out.print(event));
  exitOnSignal(client, out, commandName);
  try {
    if (command !== undefined) {
      // For a person at a terminal; a script reads the exit code.
      const stopNotice = options.json || !process.stderr.isTTY ? undefined : noticeSlowServer(client, (text) => process.stderr.write(text));
      try {
        return await runOneShot(client, command, out);
      } finally {
        stopNotice?.();
      }
    }
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

interface MutableOutput extends Output {
  mute(): void;
}

function mutableOutput(out: Output): MutableOutput {
  let muted = false;
  return {
    print: (line) => {
      if (!muted) out.print(line);
    },
    mute: () => {
      muted = true;
    },
  };
}

/**
 * SIGINT or SIGTERM: close cleanly (what is stored stays stored) and exit with
 * the shell's code for the signal (130, 143). A one-shot says what it left undone.
 */
function exitOnSignal(client: ChatClient, out: MutableOutput, commandName: string | undefined): void {
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (commandName !== undefined) out.print({ event: 'error', message: interruptedMessage(commandName), code: 'interrupted' });
    // What the closing connection makes the command report ("unreachable") is not news after that line.
    out.mute();
    void client.close().finally(() => process.exit(128 + constants.signals[signal]));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/**
 * A one-shot `send` carries its message in argv, which any local user can read
 * (`ps`, /proc/<pid>/cmdline) for as long as the client runs: setting the title
 * overwrites it there. The shell or npm that started the client keep their own copy.
 */
process.title = 'e2ee-chat client';
dropTlsServerNameWarning();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const line = errorLine(err);
    process.stderr.write(`error: ${line.event === 'error' ? line.message : String(err)}\n`);
    process.exit(EXIT_FAILED);
  },
);
