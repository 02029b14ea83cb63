/**
 * The whole app on a real ChatClient against a real server: typing, focus,
 * scrolling, live messages, receipts, registration, identity changes, errors.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { cleanup, render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { App } from '../../client/ui/App.js';
import { KEY_HELP } from '../../client/ui/hooks/useKeyboard.js';
import { COMMAND_HELP } from '../../client/ui/state/commands.js';
import { openTestClient, registeredClient, type TestClient } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { KEYS, settle, type, waitForFrame } from './inkTesting.js';

let server: TestServer;
const opened: TestClient[] = [];
let nextNumber = 0;

/** A fresh number per test, so tests never see each other's conversations. */
function newNumber(): string {
  nextNumber += 1;
  return `+1555${process.pid % 1000}${String(nextNumber).padStart(4, '0')}`;
}

async function open(register: boolean): Promise<TestClient> {
  const client = register ? await registeredClient(server.address, newNumber()) : await openTestClient(server.address, newNumber());
  opened.push(client);
  return client;
}

/** A contact without UI: registered, connected, so it answers with delivery receipts. */
async function contact(): Promise<TestClient> {
  const client = await open(true);
  await client.client.connect();
  return client;
}

async function mount(user: TestClient, bell = false) {
  const app = render(<App client={user.client} bell={bell} />);
  await settle();
  return app;
}

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
});

afterEach(async () => {
  cleanup();
  await Promise.all(opened.splice(0).map((c) => c.dispose()));
});

afterAll(async () => {
  await server.stop();
});

describe('App', () => {
  it('offers to register an unregistered number on first run, then connects', async () => {
    const alice = await open(false);
    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, `${alice.client.number} is not registered`);
    expect(lastFrame()).toContain('not registered');
    await type(stdin, KEYS.enter);
    await waitForFrame(lastFrame, 'connected');
    expect(lastFrame()).toContain(`registered ${alice.client.number}`);
    expect(alice.client.isRegistered()).toBe(true);
    // Once registered, /r receives, as the CLI's r does.
    await type(stdin, '/r', KEYS.enter);
    await waitForFrame(lastFrame, 'received 0 queued envelopes');
  });

  it('sends typed text to the open conversation and shows it delivered, then read', async () => {
    const alice = await open(true);
    const bob = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, '│ connected');
    await type(stdin, `/chat ${bob.client.number}`, KEYS.enter, 'hello bob', KEYS.enter);
    await waitForFrame(lastFrame, 'hello bob');
    await waitForFrame(lastFrame, '✓✓ delivered');
    await bob.log.waitForCount('message', 1);
    await bob.client.markRead(alice.client.number);
    await waitForFrame(lastFrame, '✓✓ read');
  });

  it('sends a multi-line message typed with Ctrl+N and Alt+Enter', async () => {
    const alice = await open(true);
    const bob = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await type(stdin, `/chat ${bob.client.number}`, KEYS.enter, 'one', KEYS.ctrlN, 'two', KEYS.altEnter, 'three');
    expect(lastFrame()).toContain('> one');
    expect(lastFrame()).toContain('  three');
    await type(stdin, KEYS.enter);
    await bob.log.waitForCount('message', 1);
    expect(bob.log.of('message')[0]?.text).toBe('one\ntwo\nthree');
  });

  it('sends text typed together with its Enter, and keeps the line breaks of a bracketed paste', async () => {
    const alice = await open(true);
    const bob = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await type(stdin, `/chat ${bob.client.number}\rfast typist\r`);
    await bob.log.waitForCount('message', 1);
    await type(stdin, '\x1b[200~pasted\rtwo lines\x1b[201~');
    expect(lastFrame()).toContain('  two lines');
    await type(stdin, KEYS.enter);
    await bob.log.waitForCount('message', 2);
    expect(bob.log.of('message').map((m) => m.text)).toEqual(['fast typist', 'pasted\ntwo lines']);
  });

  it('keeps the typed text when a command or message is refused, and sends //text as /text', async () => {
    const alice = await open(true);
    const bob = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await type(stdin, '/chat +12', KEYS.enter);
    await waitForFrame(lastFrame, 'error: not a phone number');
    expect(lastFrame()).toContain('> /chat +12');
    await type(stdin, KEYS.ctrlU, '/bogus', KEYS.enter);
    await waitForFrame(lastFrame, 'error: unknown command /bogus');
    expect(lastFrame()).toContain('> /bogus');
    await type(stdin, KEYS.ctrlU, `/chat ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, `message ${bob.client.number}`);
    await type(stdin, `\x1b[200~${'x'.repeat(64 * 1024 + 1)}\x1b[201~`, KEYS.enter);
    await waitForFrame(lastFrame, 'error: message too long');
    expect(lastFrame()).toMatch(/xxxxxxxxxx/);
    await type(stdin, KEYS.ctrlU, '//usr/bin is full', KEYS.enter);
    await bob.log.waitForCount('message', 1);
    expect(bob.log.of('message').map((m) => m.text)).toEqual(['/usr/bin is full']);
  });

  it('deletes under the cursor with Delete and before it with Backspace (DEL, as tmux sends it)', async () => {
    const alice = await open(true);
    const bob = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await type(stdin, `/chat ${bob.client.number}`, KEYS.enter, 'abcd', KEYS.left, KEYS.left, KEYS.delete);
    expect(lastFrame()).toContain('> ab');
    await type(stdin, KEYS.backspace, KEYS.enter);
    await bob.log.waitForCount('message', 1);
    expect(bob.log.of('message')[0]?.text).toBe('ad');
  });

  it('sends no control character that arrived in the same burst as typed text; a Ctrl+N in it is a new line', async () => {
    const alice = await open(true);
    const bob = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await type(stdin, `/chat ${bob.client.number}`, KEYS.enter, 'hello wor\x07ld\x0enext\x02 line');
    expect(lastFrame()).toContain('> hello world');
    // Ctrl+N in the burst is the new-line key, as when typed on its own.
    expect(lastFrame()).toContain('  next line');
    await type(stdin, KEYS.enter);
    await bob.log.waitForCount('message', 1);
    expect(bob.log.of('message')[0]?.text).toBe('hello world\nnext line');
  });

  it('shows a live message at once, and counts unread (with a bell) when its conversation is not on screen', async () => {
    const alice = await open(true);
    const bob = await contact();
    const carol = await contact();
    const app = await mount(alice, true);
    await waitForFrame(app.lastFrame, '│ connected');
    await bob.client.send(alice.client.number, 'first from bob');
    await waitForFrame(app.lastFrame, 'first from bob');

    // Bob's conversation stays on screen; Carol's gets an unread count and a bell.
    await carol.client.send(alice.client.number, 'hi from carol');
    const frame = await waitForFrame(app.lastFrame, (f) => new RegExp(`${escape(carol.client.number)}\\s+1`).test(f));
    expect(frame).not.toContain('hi from carol');
    expect(app.frames).toContain('\x07');

    // Carol's is the most recent, first in the list: Up picks it, shows the message and sends the read receipt.
    await type(app.stdin, KEYS.up);
    await waitForFrame(app.lastFrame, 'hi from carol');
    await carol.log.waitFor((events) => events.some((e) => e.event === 'status' && e.status === 'read'), 20_000, 'a read receipt');
  });

  it('clears the unread count once the conversation is opened and read, also after switching away', async () => {
    const alice = await open(true);
    const bob = await contact();
    const carol = await contact();
    const app = await mount(alice);
    await waitForFrame(app.lastFrame, '│ connected');
    await bob.client.send(alice.client.number, 'first from bob');
    await waitForFrame(app.lastFrame, 'first from bob');
    await carol.client.send(alice.client.number, 'hi from carol');
    const unread = new RegExp(`${escape(carol.client.number)}\\s+1`);
    await waitForFrame(app.lastFrame, (f) => unread.test(f));

    await type(app.stdin, KEYS.up);
    await waitForFrame(app.lastFrame, (f) => f.includes('hi from carol') && !unread.test(f));
    await carol.log.waitFor((events) => events.some((e) => e.event === 'status' && e.status === 'read'), 20_000, 'a read receipt');
    await type(app.stdin, KEYS.down);
    await waitForFrame(app.lastFrame, (f) => f.includes('first from bob') && !f.includes('hi from carol'));
    await settle();
    expect(app.lastFrame()).not.toMatch(unread);
  });

  it('sends a draft only to the conversation it was typed in: Up/Down move in the draft instead of switching', async () => {
    const alice = await open(true);
    const bob = await contact();
    const carol = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await type(stdin, `/chat ${bob.client.number}`, KEYS.enter, `/chat ${carol.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, `message ${carol.client.number}`);
    await type(stdin, 'for carol', KEYS.up, KEYS.down);
    expect(lastFrame()).toContain(`› ${carol.client.number}`);
    await type(stdin, KEYS.enter);
    await carol.log.waitForCount('message', 1);
    expect(carol.log.of('message')[0]?.text).toBe('for carol');
    // Picked from the list, another conversation starts with its own (empty) draft; the old one comes back.
    // Tab and Down in one burst, as tmux sends them.
    await type(stdin, 'later for carol', KEYS.tab + KEYS.down);
    await waitForFrame(lastFrame, `message ${bob.client.number}`);
    expect(lastFrame()).not.toContain('later for carol');
    await type(stdin, KEYS.up);
    await waitForFrame(lastFrame, '> later for carol');
    expect(bob.log.of('message')).toEqual([]);
  });

  it('moves focus with Tab: Up/Down pick a conversation from the list, and scroll the history when it has focus', async () => {
    const alice = await open(true);
    const bob = await contact();
    const carol = await contact();
    await bob.client.send(alice.client.number, 'from bob');
    for (let i = 1; i <= 30; i++) await carol.client.send(alice.client.number, `carol line ${i}`);
    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, (f) => f.includes(bob.client.number) && f.includes(carol.client.number));

    // Carol's is the most recent: first in the list.
    await type(stdin, KEYS.tab, KEYS.up);
    await waitForFrame(lastFrame, 'carol line 30');
    await type(stdin, KEYS.down);
    await waitForFrame(lastFrame, 'from bob');
    await type(stdin, KEYS.up, KEYS.tab);
    await waitForFrame(lastFrame, 'carol line 30');
    await type(stdin, KEYS.up, KEYS.up);
    await waitForFrame(lastFrame, (f) => !f.includes('carol line 30') && f.includes('carol line 29'));
    await type(stdin, KEYS.tab, 'x');
    expect(lastFrame()).toContain('> x');
  });

  it('scrolls the history a page with PgUp/PgDn', async () => {
    const alice = await open(true);
    const bob = await contact();
    for (let i = 1; i <= 40; i++) await bob.client.send(alice.client.number, `line ${i}`);
    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, 'line 40');
    await type(stdin, KEYS.pageUp);
    await waitForFrame(lastFrame, (f) => !f.includes('line 40') && f.includes('scrolled'));
    await type(stdin, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp);
    await waitForFrame(lastFrame, 'top of history');
    expect(lastFrame()).toMatch(/line 1\b/);
    for (let i = 0; i < 8; i++) await type(stdin, KEYS.pageDown);
    await waitForFrame(lastFrame, (f) => f.includes('line 40') && !f.includes('scrolled'));
  });

  it('shows a banner when the contact reinstalled, refuses to send until /trust', async () => {
    const alice = await open(true);
    const bob = await contact();
    await alice.client.send(bob.client.number, 'before');
    await bob.client.unregister();
    // Bob on a new phone: same number, new identity key.
    const newBob = await registeredClient(server.address, bob.client.number);
    opened.push(newBob);
    await newBob.client.send(alice.client.number, 'new phone, same number');

    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, `${bob.client.number}'s safety number changed`);
    await type(stdin, `/chat ${bob.client.number}`, KEYS.enter, 'still there?', KEYS.enter);
    await waitForFrame(lastFrame, `error: ${bob.client.number}'s safety number changed`);
    // Refused, not sent: the text stays in the input for later.
    expect(lastFrame()).toContain('> still there?');
    expect(lastFrame()).not.toContain('  still there?');

    await type(stdin, KEYS.ctrlU, `/verify ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, 'sees the same 60 digits');
    await type(stdin, KEYS.escape, `/trust ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, (f) => f.includes('trusted') && !f.includes('Sending is paused'));
    await type(stdin, 'welcome back', KEYS.enter);
    await waitForFrame(lastFrame, 'welcome back');
  });

  it('/trust accepts only the key whose safety number /verify showed', async () => {
    const alice = await open(true);
    const bob = await contact();
    await alice.client.send(bob.client.number, 'before');
    const reinstall = async (previous: { client: { unregister(): Promise<void> } }) => {
      await previous.client.unregister();
      const next = await registeredClient(server.address, bob.client.number);
      opened.push(next);
      await next.client.send(alice.client.number, 'new phone');
      return next;
    };
    const newBob = await reinstall(bob);

    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, `${bob.client.number}'s safety number changed`);
    await type(stdin, `/verify ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, 'sees the same 60 digits');
    const shown = await alice.client.safetyNumber(bob.client.number);
    // The key changes again while the user compares; the live stream brings it in.
    await reinstall(newBob);
    await alice.log.waitFor((events) => events.filter((e) => e.event === 'message').length >= 2, 20_000, "the second new phone's message");
    expect(await alice.client.safetyNumber(bob.client.number)).not.toBe(shown);
    // The panel still open on the old digits says they are out of date.
    await waitForFrame(lastFrame, 'key changed while this was open');

    await type(stdin, KEYS.escape, `/trust ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, 'key changed since you compared');
    await type(stdin, KEYS.ctrlU, `/verify ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, 'sees the same 60 digits');
    await type(stdin, KEYS.escape, `/trust ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, (f) => f.includes('trusted') && !f.includes('Sending is paused'));
  });

  it('shows errors in the status bar and keeps running', async () => {
    const alice = await open(true);
    const { lastFrame, stdin } = await mount(alice);
    const bob = await contact();
    await type(stdin, `/send ${bob.client.number} psst`, KEYS.enter);
    await waitForFrame(lastFrame, `sent to ${bob.client.number}`);
    await type(stdin, '/send +19999999999 anyone?', KEYS.enter);
    await waitForFrame(lastFrame, 'error:');
    await type(stdin, '/chat nobody', KEYS.enter);
    await waitForFrame(lastFrame, 'error: not a phone number: nobody');
    await type(stdin, KEYS.ctrlU, `/chat ${alice.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, 'error: cannot chat with your own number');
    await type(stdin, KEYS.ctrlU, '/help', KEYS.enter);
    await waitForFrame(lastFrame, 'Ctrl+N, Alt+Enter, Ctrl+J');
    await type(stdin, KEYS.pageDown);
    expect(lastFrame()).toContain('/quit, /q, /exit, /e');
    await type(stdin, KEYS.escape);
    await waitForFrame(lastFrame, (f) => !f.includes('error:') && !f.includes('Help (Esc'));
  });

  it('replaces an old error by a newer success, and names the slash command in a hint', async () => {
    const alice = await open(true);
    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, '│ connected');
    await type(stdin, '/verify +19999999999', KEYS.enter);
    await waitForFrame(lastFrame, 'error: no key known for +19999999999 yet; run /fetch_k');
    await type(stdin, '/recv', KEYS.enter);
    const frame = await waitForFrame(lastFrame, 'received 0 queued envelopes');
    expect(frame).not.toContain('error:');
  });

  it('asks for /unregister twice before deleting the account', async () => {
    const alice = await open(true);
    const { lastFrame, stdin } = await mount(alice);
    await waitForFrame(lastFrame, '│ connected');
    await type(stdin, '/unregister', KEYS.enter);
    await waitForFrame(lastFrame, '/unregister again to confirm (10 s)');
    // Another command in between: the next /unregister asks again.
    await type(stdin, '/recv', KEYS.enter);
    await waitForFrame(lastFrame, 'received 0 queued envelopes');
    await type(stdin, '/unregister', KEYS.enter);
    await waitForFrame(lastFrame, '/unregister again to confirm (10 s)');
    await settle();
    expect(alice.client.isRegistered()).toBe(true);
    await type(stdin, '/unregister', KEYS.enter);
    await waitForFrame(lastFrame, `${alice.client.number} is no longer registered`);
    expect(alice.client.isRegistered()).toBe(false);
  });

  it('says so in a window too small for the panes, and draws them again when it grows', async () => {
    const alice = await open(true);
    const { lastFrame, stdout } = await mount(alice);
    await waitForFrame(lastFrame, '│ connected');
    const resize = (columns: number, rows: number) => {
      Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
      Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
      stdout.emit('resize');
    };
    resize(30, 10);
    await waitForFrame(lastFrame, 'window too small (30×10)');
    expect(lastFrame()!.replace(/\s+/g, ' ')).toContain('the chat needs 40×9; Ctrl+C quits');
    resize(80, 24);
    await waitForFrame(lastFrame, '│ connected');
    expect(lastFrame()).not.toContain('too small');
  });

  it.each([
    [80, 24],
    [60, 20],
  ])('shows every line of /help in full at %ix%i, scrolling with PgDn', async (columns, rows) => {
    const alice = await open(true);
    const { lastFrame, stdout, stdin } = await mount(alice);
    await waitForFrame(lastFrame, '│ connected');
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
    stdout.emit('resize');
    await type(stdin, '/help', KEYS.enter);
    const frames = [await waitForFrame(lastFrame, 'Help (Esc')];
    for (let i = 0; i < 3; i++) {
      await type(stdin, KEYS.pageDown);
      frames.push(lastFrame() ?? '');
    }
    expect(frames.at(-1)).toContain('PgUp: back to the top');
    for (const frame of frames) {
      for (const line of frame.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(columns);
      expect(frame).not.toContain('…');
    }
    const shown = frames.join('\n').replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
    for (const [left, meaning] of [...KEY_HELP, ...COMMAND_HELP]) {
      expect(shown).toContain(left);
      expect(shown).toContain(meaning);
    }
  });

  it('finds messages with /search and keeps history across a restart', async () => {
    const alice = await open(true);
    const bob = await contact();
    const first = await mount(alice);
    await type(first.stdin, `/chat ${bob.client.number}`, KEYS.enter, 'lunch at noon?', KEYS.enter);
    await waitForFrame(first.lastFrame, '✓✓ delivered');
    first.unmount();

    const restarted = await alice.reopen();
    opened.push(restarted);
    const second = await mount(restarted);
    await waitForFrame(second.lastFrame, 'lunch at noon?');
    await type(second.stdin, '/search lunch', KEYS.enter);
    await waitForFrame(second.lastFrame, 'Search “lunch”: 1 found');
  });

  it('stays responsive while 1,000 messages arrive', async () => {
    const alice = await open(true);
    const bob = await contact();
    const { lastFrame, stdin } = await mount(alice);
    await type(stdin, `/chat ${bob.client.number}`, KEYS.enter);
    await waitForFrame(lastFrame, '│ connected');
    const sending = Promise.all(Array.from({ length: 1000 }, (_, i) => bob.client.send(alice.client.number, `burst ${i + 1}`)));
    await waitForFrame(lastFrame, 'burst 1', 30_000);
    await type(stdin, 'typing while it arrives');
    expect(lastFrame()).toContain('typing while it arrives');
    await sending;
    await waitForFrame(lastFrame, 'burst 1000', 180_000);
  }, 240_000);
});

function escape(text: string): string {
  return text.replace(/[+]/g, '\\+');
}
