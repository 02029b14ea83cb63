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
      if (client.isRegistered()) await client.receive();
      else await client.register();
      break;
    case 'fetch_keys':
      await client.fetchKeys(command.number);
      break;
    case 'send':
      await client.send(command.to, command.text);
      break;
    case 'receive':
      await client.receive();
      break;
    case 'verify':
      out.print({ event: 'keys', number: command.number, safety_number: await client.safetyNumber(command.number) });
      break;
    case 'trust':
      await client.trust(command.number);
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
