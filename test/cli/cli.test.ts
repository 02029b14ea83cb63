/** The built CLI as a user (or a script) runs it: one-shot and REPL, parsed from --json. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../proto/loader.js';
import { silentServer, unusedAddress } from '../helpers/addresses.js';
import { runClient, startRepl, type LiveClient } from '../helpers/clientProcess.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const ALICE = '+15555550001';
const BOB = '+15555550002';

describe('the client CLI', () => {
  let server: TestServer;
  const dirs: Record<string, string> = { [ALICE]: tempDir('e2ee-cli-'), [BOB]: tempDir('e2ee-cli-') };
  /** A temp folder that afterAll removes with the accounts' folders. */
  const scratchDir = (): string => {
    const dir = tempDir('e2ee-cli-');
    dirs[dir] = dir;
    return dir;
  };
  const args = (number: string, ...rest: string[]): string[] => ['--id', number, '--server', server.address, '--data-dir', dirs[number]!, ...rest];

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
  });

  afterAll(async () => {
    await server?.stop();
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  });

  it('one-shot: register, send, receive, verify, with JSON events', async () => {
    const registered = await runClient(args(ALICE, '--json', 'register'));
    expect(registered.code).toBe(0);
    expect(registered.events).toEqual([{ event: 'registered', number: ALICE }]);
    expect((await runClient(args(BOB, '--json', 'r'))).events).toEqual([{ event: 'registered', number: BOB }]);

    const sent = await runClient(args(ALICE, '--json', 'send', BOB, 'hello', '  spaced', 'words')); // shell words joined by one space
    expect(sent.code).toBe(0);
    const keys = sent.events.find((e) => e.event === 'keys');
    expect(keys).toEqual({ event: 'keys', number: BOB, safety_number: expect.stringMatching(/^(\d{5} ){11}\d{5}$/) });
    expect(sent.events).toContainEqual({ event: 'sent', to: BOB, timestamp: expect.any(Number) });

    const received = await runClient(args(BOB, '--json', 'receive'));
    expect(received.code).toBe(0);
    expect(received.events.filter((e) => e.event === 'message')).toEqual([
      { event: 'message', from: ALICE, text: 'hello   spaced words', timestamp: expect.any(Number), id: expect.any(Number) },
    ]);

    const receipts = await runClient(args(ALICE, '--json', 'recv'));
    expect(receipts.events).toContainEqual({ event: 'receipt', from: BOB, type: 'delivery', timestamps: [expect.any(Number)] });

    const verified = await runClient(args(BOB, '--json', 'verify', ALICE));
    expect(verified.events).toEqual([{ event: 'keys', number: ALICE, safety_number: keys!.safety_number }]);

    // Nothing queued: a person is told so; a script gets the queue's event, as before.
    const nothing = await runClient(args(BOB, 'receive'));
    expect([nothing.code, nothing.stdout]).toEqual([0, 'no new messages\n']);
    const nothingJson = await runClient(args(BOB, '--json', 'receive'));
    expect(nothingJson.events).toEqual([{ event: 'queue', pending: 0, empty: true }]);
  }, 120_000);

  it('fails with one line and a non-zero exit code', async () => {
    const badNumber = await runClient(['--id', '12345', 'receive']);
    expect(badNumber.code).toBe(2);
    // The mistake, and where the usage is.
    expect(badNumber.stderr.trim().split('\n')).toEqual([expect.stringContaining('--id must be a phone number'), '"--help" lists the options and commands']);

    const unknownContact = await runClient(args(ALICE, '--json', 'send', '+15555559999', 'anyone?'));
    expect(unknownContact.code).toBe(1);
    expect(unknownContact.events).toEqual([{ event: 'error', message: expect.stringContaining('no such account'), code: 'not_found' }]);

    const human = await runClient(args(ALICE, 'send', '+15555559999', 'anyone?'));
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^error: .*\n$/);
    expect(human.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);

    const unregistered = await runClient(['--id', '+15555550009', '--server', server.address, '--data-dir', scratchDir(), 'send', ALICE, 'hi']);
    expect(unregistered.code).toBe(1);
    expect(unregistered.stderr).toContain('not registered');
  }, 120_000);

  it('prints help', async () => {
    const help = await runClient(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: npm run client -- --id <number>');
    const sendHelp = await runClient(['--id', ALICE, 'send', '--help']);
    expect(sendHelp.stdout).toContain('send <number> <message>');
  });

  it('explains one command without --id; an unknown one is a usage error', async () => {
    const sendHelp = await runClient(['send', '--help']);
    expect(sendHelp.code).toBe(0);
    expect(sendHelp.stdout).toContain('send <number> <message> (also: s)');
    expect((await runClient(['help', 'r'])).stdout).toContain('register while unregistered, else receive');
    for (const words of [['bogus', '--help'], ['help', 'bogus']]) {
      const unknown = await runClient(words);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('error: unknown command "bogus"; "help" lists the commands\n"--help" lists the options and commands\n');
      expect(unknown.stdout).toBe('');
    }
  });

  it('refuses a mistyped command before opening the account, and names a server it cannot reach', async () => {
    const fresh = join(scratchDir(), 'account');
    const mistyped = await runClient(['--id', ALICE, '--data-dir', fresh, 'sned', BOB, 'hi']);
    expect(mistyped.code).toBe(2);
    expect(mistyped.stderr).toBe('error: unknown command "sned"; "help" lists the commands\n"--help" lists the options and commands\n');
    expect(existsSync(fresh)).toBe(false);

    const closed = await unusedAddress();
    const unreachable = await runClient(['--id', ALICE, '--server', closed, '--data-dir', fresh, '--json', 'register']);
    expect(unreachable.code).toBe(1);
    // Named by the step the user asked for, not by the protocol's ("getting a challenge").
    expect(unreachable.events).toEqual([{ event: 'error', code: 'unavailable', message: `registering: server ${closed} unreachable` }]);
  }, 30_000);

  it('calls every usage mistake one, with exit code 2 and a pointer to --help, before opening the account', async () => {
    const fresh = join(scratchDir(), 'account');
    const pointer = '"--help" lists the options and commands\n';
    const mistakes: [string[], string][] = [
      [['send', 'abc', 'hello'], 'error: not a phone number in E.164 form (like +15551234567): "abc"\n'],
      [['verify', '12'], 'error: not a phone number in E.164 form (like +15551234567): "12"\n'],
      [['send', BOB], 'error: usage: send <number> <message>\n'],
      [['recv', '--json'], 'error: "receive" takes no arguments (options such as --json go before the command)\n'],
      [['--server', '127.0.0.1', 'receive'], 'error: --server must be host:port (like 127.0.0.1:50051), not "127.0.0.1"\n'],
      [['--server', '127.0.0.1:99999', 'receive'], 'error: --server must be host:port (like 127.0.0.1:50051), not "127.0.0.1:99999"\n'],
    ];
    for (const [words, message] of mistakes) {
      const run = await runClient(['--id', ALICE, '--data-dir', fresh, ...words]);
      expect({ words, code: run.code, stderr: run.stderr }).toEqual({ words, code: 2, stderr: message + pointer });
    }
    const badId = await runClient(['--id', '123', '--data-dir', fresh, 'receive']);
    expect(badId.stderr).toContain(pointer);
    expect(existsSync(fresh)).toBe(false);
    // --json: help is a JSON line too
    const help = await runClient(['--json', 'send', '--help']);
    expect(help.code).toBe(0);
    expect(help.events).toEqual([{ event: 'help', text: expect.stringContaining('send <number> <message>') }]);
  }, 30_000);

  it('reports a data folder it cannot use in one line, as JSON with --json', async () => {
    const file = join(scratchDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const json = await runClient(['--id', ALICE, '--server', server.address, '--data-dir', file, '--json', 'receive']);
    expect(json.code).toBe(1);
    expect(json.events).toEqual([{ event: 'error', code: 'database', message: `cannot use ${file} as the data folder: a file, not a folder, is in the way` }]);

    // Node's recursive mkdir never returns for a path under /proc.
    const proc = await runClient(['--id', ALICE, '--server', server.address, '--data-dir', '/proc/e2ee-chat/x', 'receive']);
    expect(proc.code).toBe(1);
    expect(proc.stderr).toBe('error: cannot use /proc/e2ee-chat/x as the data folder: the file system does not allow a folder there\n');

    const dir = scratchDir();
    writeFileSync(join(dir, 'client.db'), 'plain text, not SQLite. '.repeat(50));
    const human = await runClient(['--id', ALICE, '--server', server.address, '--data-dir', dir, 'receive']);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^error: \S*client\.db is not a client database, or is damaged \(.*\)\n$/);
  });

  it('says what an interrupted one-shot left undone, and exits with the signal\'s code', async () => {
    // A server that accepts the connection and never answers: the send is still waiting when the signal comes.
    const silent = await silentServer();
    try {
      const run = await runClient(['--id', ALICE, '--server', silent.address, '--data-dir', dirs[ALICE]!, '--json', 'send', BOB, 'hi'], {
        interrupt: { signal: 'SIGINT', when: silent.connected },
      });
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 130, signal: null });
      expect(run.events).toEqual([
        { event: 'error', code: 'interrupted', message: expect.stringContaining('interrupted before "send" finished: the message may be queued') },
      ]);
    } finally {
      silent.close();
    }
  }, 30_000);

  it('unregister deletes the account on the server and keeps the history', async () => {
    const carol = '+15555550003';
    const carolArgs = (...rest: string[]): string[] => ['--id', carol, '--server', server.address, '--data-dir', dirs[carol]!, '--json', ...rest];
    dirs[carol] = tempDir('e2ee-cli-');
    expect((await runClient(carolArgs('register'))).code).toBe(0);
    expect((await runClient(carolArgs('send', ALICE, 'before leaving'))).code).toBe(0);
    const left = await runClient(carolArgs('unregister'));
    expect(left.code).toBe(0);
    expect(left.events).toEqual([{ event: 'unregistered', number: carol }]);
    const sendAfter = await runClient(carolArgs('send', ALICE, 'gone'));
    expect(sendAfter.code).toBe(1);
    expect(sendAfter.events).toEqual([expect.objectContaining({ event: 'error', code: 'not_registered' })]);
    // Alice still gets what Carol sent before leaving; sending to Carol now finds no account.
    const aliceReceived = await runClient(args(ALICE, '--json', 'receive'));
    expect(aliceReceived.events.filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['before leaving']);
    const toGone = await runClient(args(ALICE, '--json', 'send', carol, 'where are you'));
    expect(toGone.code).toBe(1);
    // The message's new state, and one line saying why.
    expect(toGone.events).toEqual([
      { event: 'status', conversation: carol, timestamp: expect.any(Number), status: 'failed', error: expect.stringContaining('no such account') },
      { event: 'error', code: 'send_failed', message: expect.stringContaining('no such account') },
    ]);
  }, 120_000);

  it('names the likely cause when the server deleted the account, and registering again mends it', async () => {
    const dave = '+15555550004';
    dirs[dave] = tempDir('e2ee-cli-');
    const daveArgs = (...rest: string[]): string[] => ['--id', dave, '--server', server.address, '--data-dir', dirs[dave]!, ...rest];
    expect((await runClient(daveArgs('register'))).code).toBe(0);
    // The operator frees the number while the server runs.
    await promisify(execFile)(process.execPath, [join(projectRoot(), 'dist/server/main.js'), 'accounts', 'delete', dave, '--db', server.dbPath], { timeout: 15_000 });
    const refused = await runClient(daveArgs('receive'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'error: signing in: authentication failed: the server does not know this number with this key; if it deleted the account, "register" registers it again\n',
    );
    expect((await runClient(daveArgs('register'))).code).toBe(0);
    expect((await runClient(daveArgs('receive'))).code).toBe(0);
  }, 60_000);

  describe('the headless REPL', () => {
    let repl: LiveClient | undefined;
    afterAll(() => repl?.kill());

    it('runs line commands with a live subscription and prints one JSON object per line', async () => {
      repl = startRepl(args(BOB, '--headless', '--json'));
      await repl.waitFor((e) => e.event === 'connection' && (e.connection as { state: string }).state === 'connected');

      // A message arrives live, without a receive command.
      expect((await runClient(args(ALICE, 'send', BOB, 'live', 'message'))).code).toBe(0);
      await repl.waitFor((e) => e.event === 'message' && e.text === 'live message');

      repl.send(`s ${ALICE} answer   from the repl`);
      await repl.waitFor((e) => e.event === 'sent' && e.to === ALICE);
      repl.send('nonsense');
      await repl.waitFor((e) => e.event === 'error' && e.code === 'usage');

      // A second client of the same account is refused while this one runs: both would encrypt from one session.
      const second = await runClient(args(BOB, 'receive'));
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^error: .*in use by another client of this account.*\n$/);
      repl.send(`verify ${ALICE}`);
      await repl.waitFor((e) => e.event === 'keys' && e.number === ALICE);
      repl.send('q');
      expect(await repl.finish()).toBe(0);

      const received = await runClient(args(ALICE, '--json', 'receive'));
      expect(received.events.filter((e) => e.event === 'message').map((e) => e.text)).toEqual(['answer   from the repl']);
    }, 120_000);
  });
});
