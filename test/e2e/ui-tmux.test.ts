/**
 * The built client as a person uses it: two full-screen clients in tmux panes on a
 * real server, read back with `tmux capture-pane`. The server is killed and
 * restarted on the same database and port in the middle.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../proto/loader.js';
import { openTestClient } from '../helpers/clients.js';
import { spawnServer, tempDir, type ChildServer } from '../helpers/server.js';

const ALICE = '+111111111';
const BOB = '+222222222';
/** Its own tmux server: the test never touches the user's sessions. */
const SOCKET = `e2ee-ui-test-${process.pid}`;
const SESSION = 'ui';
const PANES = { [ALICE]: `${SESSION}:0.0`, [BOB]: `${SESSION}:0.1` } as const;

let dir: string;
let dbPath: string;
let server: ChildServer;
const dataDirs: Record<string, string> = {};

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

function screenOf(number: keyof typeof PANES): string {
  return tmux('capture-pane', '-p', '-t', PANES[number]);
}

/** Polls the pane until `expected` shows, failing with the screen after the deadline. */
async function waitForScreen(
  number: keyof typeof PANES,
  expected: string | RegExp | ((screen: string) => boolean),
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const matches =
    typeof expected === 'function' ? expected : (screen: string) => (typeof expected === 'string' ? screen.includes(expected) : expected.test(screen));
  for (;;) {
    const screen = screenOf(number);
    if (matches(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`${number}'s screen never showed ${String(expected)}:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function typeInto(number: keyof typeof PANES, text: string): void {
  tmux('send-keys', '-t', PANES[number], '-l', text);
  tmux('send-keys', '-t', PANES[number], 'Enter');
}

/** The client as a person starts it; afterwards the pane shows the normal screen and how it ended. */
function clientCommand(number: string): string {
  const main = join(projectRoot(), 'dist/client/main.js');
  const client = `env -u CI NODE_ENV=production ${process.execPath} ${main} --id ${number} --server ${server.address} --data-dir ${dataDirs[number]} --no-bell`;
  return `${client}; echo "client exited with status $?"; sleep 600`;
}

beforeAll(async () => {
  dir = tempDir('e2ee-ui-tmux-');
  dbPath = join(dir, 'server.db');
  server = await spawnServer({ dbPath, rateLimits: false });
  for (const number of [ALICE, BOB]) {
    dataDirs[number] = join(dir, number);
    const { client } = await openTestClient(server.address, number, dataDirs[number]);
    await client.register();
    await client.close();
  }
  tmux('new-session', '-d', '-s', SESSION, '-x', '200', '-y', '40', clientCommand(ALICE));
  tmux('split-window', '-h', '-t', `${SESSION}:0`, clientCommand(BOB));
});

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // No tmux server: beforeAll failed before starting it.
  }
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the full-screen client in tmux', () => {
  it('delivers a typed message, shows the mark, and rides out a server restart', async () => {
    await waitForScreen(ALICE, '│ connected');
    await waitForScreen(BOB, '│ connected');

    typeInto(ALICE, `/chat ${BOB}`);
    typeInto(ALICE, 'hello from alice');
    await waitForScreen(BOB, 'hello from alice');
    // Bob has the conversation on screen, so the read receipt follows the delivery receipt.
    await waitForScreen(ALICE, /you ✓✓ (delivered|read)/);

    await server.kill9();
    await waitForScreen(ALICE, 'reconnecting in');
    await waitForScreen(BOB, 'reconnecting in');
    typeInto(BOB, 'sent while the server was down');
    await waitForScreen(BOB, 'sent while the server was down');

    server = await spawnServer({ dbPath, port: server.port, rateLimits: false });
    await waitForScreen(ALICE, '│ connected');
    await waitForScreen(BOB, '│ connected');
    const aliceScreen = await waitForScreen(ALICE, 'sent while the server was down');
    expect(aliceScreen).toContain('hello from alice');
    // Queued while offline, it went out on reconnect: its mark moved past "sending".
    await waitForScreen(BOB, /you ✓✓? (sent|delivered|read)[^\n]*\n[^\n]*sent while the server was down/);
  }, 120_000);

  it('re-lays out on resize, and Ctrl+C leaves cleanly, giving the normal screen back', async () => {
    const paneWidth = (): number => Number(tmux('display-message', '-p', '-t', PANES[ALICE], '#{pane_width}').trim());
    const topBorderWidth = (screen: string): number => Array.from(screen.split('\n')[0] ?? '').length;
    tmux('resize-window', '-t', SESSION, '-x', '160', '-y', '40');
    const narrower = paneWidth();
    await waitForScreen(ALICE, (screen) => topBorderWidth(screen) === narrower);

    tmux('send-keys', '-t', PANES[ALICE], 'C-c');
    const screen = await waitForScreen(ALICE, 'client exited with status');
    expect(screen).toContain('client exited with status 0');
    expect(screen).not.toContain('╭');
  }, 60_000);
});
