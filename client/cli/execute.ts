/** Runs one command against the client façade. Results arrive as events; failures throw ClientError. */
import type { ChatClientApi } from '../core/api.js';
import type { Command } from './commands.js';
import { helpText } from './commands.js';
import type { Output } from './output.js';

export type AfterCommand = 'continue' | 'quit';

export async function execute(client: ChatClientApi, command: Command, out: Output): Promise<AfterCommand> {
  switch (command.kind) {
    case 'register':
      await client.register();
      break;
    case 'register_or_receive':
      if (client.isRegistered()) await receive(client, out);
      else await client.register();
      break;
    case 'fetch_keys':
      await client.fetchKeys(command.number);
      break;
    case 'send':
      await client.send(command.to, command.text);
      break;
    case 'receive':
      await receive(client, out);
      break;
    case 'verify':
      out.print({ event: 'keys', number: command.number, safety_number: await client.safetyNumber(command.number) });
      break;
    case 'trust':
      await client.trust(command.number, command.compared);
      break;
    case 'unregister':
      await client.unregister();
      break;
    case 'help':
      out.print({ event: 'help', text: helpText(command.topic) });
      break;
    case 'quit':
      return 'quit';
  }
  return 'continue';
}

/** Messages arrive as events; with none, a person is told so (a script sees no line). */
async function receive(client: ChatClientApi, out: Output): Promise<void> {
  if ((await client.receive()) === 0) out.print({ event: 'note', text: 'no new messages' });
}
