import { afterEach, describe, expect, it } from '@jest/globals';
import { Box } from 'ink';
import stringWidth from 'string-width';
import { cleanup, render } from 'ink-testing-library';
import type { ChatMessage, ConversationSummary } from '../../client/core/api.js';
import { ConversationList } from '../../client/ui/components/ConversationList.js';
import { ConversationView } from '../../client/ui/components/ConversationView.js';
import { InputLine } from '../../client/ui/components/InputLine.js';
import { SearchView } from '../../client/ui/components/SearchView.js';
import { StatusBar, type StatusBarProps } from '../../client/ui/components/StatusBar.js';
import { VerifyView } from '../../client/ui/components/VerifyView.js';
import { settle, waitForFrame } from './inkTesting.js';

const ME = '+111111111';
const BOB = '+222222222';
const NOW = Date.now();

afterEach(cleanup);

function message(id: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return { id, conversation: BOB, direction: 'outgoing', sender: ME, text: `message ${id}`, timestamp: NOW, storedAt: NOW, status: 'sent', ...overrides };
}

function conversation(number: string, unread = 0, identityChanged = false): ConversationSummary {
  return { number, lastActivity: NOW, unread, identityChanged };
}

async function frameOf(node: React.ReactElement): Promise<string> {
  const { lastFrame } = render(node);
  await settle();
  return lastFrame() ?? '';
}

function viewOf(messages: ChatMessage[], opts: { scroll?: number; height?: number; identityChanged?: boolean } = {}) {
  return (
    <ConversationView
      conversation={conversation(BOB, 0, opts.identityChanged)}
      history={{ messages, complete: true }}
      focused={false}
      width={60}
      height={opts.height ?? 20}
      scroll={opts.scroll ?? 0}
      now={NOW}
    />
  );
}

describe('ConversationView', () => {
  it('shows every delivery mark, and a failure with its reason', async () => {
    const frame = await frameOf(
      viewOf([
        message(1, { status: 'sending' }),
        message(2, { status: 'sent' }),
        message(3, { status: 'delivered' }),
        message(4, { status: 'read' }),
        message(5, { status: 'failed', error: 'unknown recipient' }),
      ]),
    );
    expect(frame).toContain('you … sending');
    expect(frame).toContain('you ✓ sent');
    expect(frame).toContain('you ✓✓ delivered');
    expect(frame).toContain('you ✓✓ read');
    expect(frame).toContain('you ✗ failed: unknown recipient');
  });

  it('shows time and sender of incoming messages and wraps long text', async () => {
    const long = 'word '.repeat(30).trim();
    const frame = await frameOf(viewOf([message(1, { direction: 'incoming', sender: BOB, text: long, status: undefined })]));
    const time = new Date(NOW).toTimeString().slice(0, 5);
    expect(frame).toContain(`${time} ${BOB}`);
    const textLines = frame.split('\n').filter((line) => line.includes('word'));
    expect(textLines.length).toBeGreaterThan(1);
  });

  it('wraps double-width text without losing any of it', async () => {
    const cjk = '一二三四五六七八九十'.repeat(8);
    const frame = await frameOf(<Box width={64}>{viewOf([message(1, { text: cjk })])}</Box>);
    const shown = frame
      .split('\n')
      .map((line) => line.match(/\p{Script=Han}+/u)?.[0] ?? '')
      .join('');
    expect(shown).toBe(cjk);
  });

  it('renders only the window of a long history, and scrolls back through it', async () => {
    const messages = Array.from({ length: 1000 }, (_, i) => message(i + 1));
    const newest = await frameOf(viewOf(messages, { height: 6 }));
    expect(newest).toContain('message 1000');
    expect(newest).not.toContain('message 997');
    const scrolled = await frameOf(viewOf(messages, { height: 6, scroll: 6 }));
    expect(scrolled).toContain('message 997');
    expect(scrolled).not.toContain('message 1000');
    expect(scrolled).toContain('scrolled');
  });

  it("shows a message's control characters as symbols instead of letting the terminal obey them", async () => {
    const text = 'a\x1b[2Jb\x1b]0;title\x07c\rd\be\tf';
    const frame = await frameOf(viewOf([message(1, { direction: 'incoming', sender: BOB, text, status: undefined })]));
    expect(frame).toContain('a␛[2Jb␛]0;title␇c␍d␈e    f');
    expect(frame).not.toMatch(/\x1b\[2J|\x1b\]|\x07|\r|\x08|\t/);
  });

  it('names the contact in a banner when the identity key changed', async () => {
    const frame = await frameOf(viewOf([message(1)], { identityChanged: true }));
    expect(frame).toContain(`${BOB}'s safety number changed`);
    expect(frame).toContain(`/trust ${BOB}`);
  });
});

describe('ConversationList', () => {
  it('shows unread counts and the open conversation, in the order given', async () => {
    const frame = await frameOf(
      <ConversationList
        conversations={[conversation('+333333333', 4), conversation(BOB, 0, true)]}
        open={BOB}
        focused
        width={20}
        height={10}
      />,
    );
    const rows = frame.split('\n');
    const carol = rows.findIndex((r) => r.includes('+333333333'));
    const bob = rows.findIndex((r) => r.includes(BOB));
    expect(carol).toBeLessThan(bob);
    expect(rows[carol]).toMatch(/\+333333333\s+4/);
    expect(rows[bob]).toContain(`›!${BOB}`);
  });
});

describe('StatusBar', () => {
  const base: StatusBarProps = { ownNumber: ME, serverAddress: '127.0.0.1:5000', registration: 'registered', connection: { state: 'connected' } };

  it('shows own number, server and connected', async () => {
    expect(await frameOf(<StatusBar {...base} />)).toBe(`${ME} @ 127.0.0.1:5000 │ connected`);
  });

  it('counts down to the next reconnect attempt, live', async () => {
    const before = Date.now();
    const retryAt = before + 5500;
    const { lastFrame } = render(<StatusBar {...base} connection={{ state: 'reconnecting', retryAt, attempt: 1 }} />);
    // Checked against the clock around the first frame, which a slow machine may draw a second late.
    const first = await waitForFrame(lastFrame, (f) => /reconnecting in \d s/.test(f));
    const seconds = Number(/reconnecting in (\d) s/.exec(first)![1]);
    expect(seconds).toBeLessThanOrEqual(Math.ceil((retryAt - before) / 1000));
    expect(seconds).toBeGreaterThanOrEqual(Math.ceil((retryAt - Date.now()) / 1000));
    await waitForFrame(lastFrame, `reconnecting in ${seconds - 1} s`);
  });

  it('shows offline, catching up, the last error and notice', async () => {
    const frame = await frameOf(
      <StatusBar {...base} connection={{ state: 'offline' }} catchingUp={{ pending: 12 }} notice="registered" lastError="down" />,
    );
    expect(frame).toContain('offline │ catching up (12 left) │ error: down │ registered');
  });

  it('says it is catching up until the queue is empty, with the count when known', async () => {
    expect(await frameOf(<StatusBar {...base} catchingUp={{ pending: 0 }} />)).toBe(`${ME} @ 127.0.0.1:5000 │ connected │ catching up`);
  });

  it('shows control characters in an error or notice as symbols', async () => {
    const frame = await frameOf(<StatusBar {...base} lastError={'bad\x1b[2J\x07'} notice={'x\x1b]0;t\x07'} />);
    expect(frame).toContain('error: bad␛[2J␇ │ x␛]0;t␇');
    expect(frame).not.toMatch(/\x1b\[2J|\x1b\]|\x07/);
  });

  it('says when the number is not registered yet', async () => {
    expect(await frameOf(<StatusBar {...base} registration="unregistered" />)).toContain('not registered');
  });
});

describe('InputLine', () => {
  it('shows the placeholder when empty, the draft with the cursor otherwise', async () => {
    expect(await frameOf(<InputLine draft={{ text: '', cursor: 0 }} focused placeholder="message +222222222" width={60} />)).toContain(
      'message +222222222',
    );
    const frame = await frameOf(<InputLine draft={{ text: 'first\nsecond', cursor: 12 }} focused placeholder="" width={60} />);
    expect(frame).toContain('> first');
    expect(frame).toContain('  second');
  });
});

describe('SearchView', () => {
  it("shows a found message's control characters as symbols", async () => {
    const found = message(1, { direction: 'incoming', sender: BOB, text: 'hit\x1b[2J\x1b]0;t\x07\r', status: undefined });
    const frame = await frameOf(<SearchView text="hit" results={[found]} height={10} now={NOW} />);
    expect(frame).toContain('hit␛[2J␛]0;t␇␍');
    expect(frame).not.toMatch(/\x1b\[2J|\x1b\]|\x07|\r/);
  });
});

describe('InputLine in a long line', () => {
  const text = 'The start of a long line ' + 'x'.repeat(60) + ' and 日本語 at the end';
  const frameAt = (cursor: number) => frameOf(<InputLine draft={{ text, cursor }} focused placeholder="" width={40} />);

  it('scrolls sideways to keep the cursor in view: at the start after Home, at the end after End', async () => {
    const start = await frameAt(0);
    expect(start).toContain('he start of a long line');
    expect(start).toContain('…');
    expect(start).not.toContain('at the end');
    const end = await frameAt(text.length);
    expect(end).toContain('日本語 at the end');
    expect(end).not.toContain('start');
    const middle = await frameAt(text.indexOf('and'));
    expect(middle).toMatch(/…x+ /);
    for (const frame of [start, end, middle]) {
      // The prompt and at most 40 columns of text.
      const shown = frame.split('\n')[1]!.replace(/^│ /, '').replace(/\s*│$/, '');
      expect(stringWidth(shown)).toBeLessThanOrEqual(42);
    }
  });
});

describe('VerifyView', () => {
  it('groups the 60 digits and explains that both sides compare the same number', async () => {
    const digits = '123451234512345123451234512345123451234512345123451234512345';
    const frame = await frameOf(<VerifyView ownNumber={ME} number={BOB} safetyNumber={digits} stale={false} />);
    expect(frame).toContain('12345 12345 12345 12345');
    expect(frame.match(/12345 12345 12345 12345/g)).toHaveLength(3);
    expect(frame).toContain(`${BOB} sees the same 60 digits`);
    expect(frame).not.toContain('no longer theirs');
  });

  it('says so when the key changed since the digits were shown', async () => {
    const digits = '123451234512345123451234512345123451234512345123451234512345';
    const frame = await frameOf(<VerifyView ownNumber={ME} number={BOB} safetyNumber={digits} stale />);
    expect(frame).toContain(`${BOB}'s key changed while this was open`);
    expect(frame).toContain('no longer theirs');
  });
});
