/**
 * The headless REPL: one command per stdin line, one output line per event,
 * with a live subscription while it runs. Ends on `quit` or end of input.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { ChatClientApi } from '../core/api.js';
import { parseLine } from './commands.js';
import { execute } from './execute.js';
import { errorLine, type Output } from './output.js';

export async function runRepl(client: ChatClientApi, out: Output, input: Readable): Promise<void> {
  if (client.isRegistered()) await client.connect();
  const lines = createInterface({ input, terminal: false });
  try {
    for await (const line of lines) {
      const parsed = parseLine(line);
      if (parsed === undefined) continue;
      if (!parsed.ok) {
        out.print({ event: 'error', message: parsed.message, code: 'usage' });
        continue;
      }
      try {
        const wasRegistered = client.isRegistered();
        if ((await execute(client, parsed.command, out)) === 'quit') break;
        // Just registered: start receiving live.
        if (!wasRegistered && client.isRegistered()) await client.connect();
      } catch (err) {
        out.print(errorLine(err));
      }
    }
  } finally {
    lines.close();
  }
}
