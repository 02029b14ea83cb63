/** One command from the shell's arguments: run it, report, and return the exit code. */
import type { ChatClientApi } from '../core/api.js';
import type { Command } from './commands.js';
import { execute } from './execute.js';
import { errorLine, type Output } from './output.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export async function runOneShot(client: ChatClientApi, command: Command, out: Output): Promise<number> {
  try {
    await execute(client, command, out);
    return EXIT_OK;
  } catch (err) {
    out.print(errorLine(err));
    return EXIT_FAILED;
  }
}
