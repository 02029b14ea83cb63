import { describe, expect, it } from '@jest/globals';
import { parseArgs } from '../../client/cli/args.js';
import { helpText, parseCommand, parseLine } from '../../client/cli/commands.js';
import { createOutput } from '../../client/cli/output.js';

describe('command-line options', () => {
  it('reads options, then the one-shot command words untouched', () => {
    expect(parseArgs(['--id', '+111111111', '--server=10.0.0.1:5', '--json', 'send', '+222222222', '--json', 'x'])).toEqual({
      kind: 'run',
      options: expect.objectContaining({
        number: '+111111111',
        server: '10.0.0.1:5',
        json: true,
        headless: false,
        bell: true,
        command: ['send', '+222222222', '--json', 'x'],
      }),
    });
  });

  it('reads the transport options: plaintext unless --tls or --ca, and --insecure alone', () => {
    const options = (argv: string[]) => {
      const parsed = parseArgs(['--id', '+111111111', ...argv]);
      return parsed.kind === 'run' ? { tls: parsed.options.tls, caFile: parsed.options.caFile, insecure: parsed.options.insecure } : parsed;
    };
    expect(options([])).toEqual({ tls: false, caFile: undefined, insecure: false });
    expect(options(['--tls'])).toEqual({ tls: true, caFile: undefined, insecure: false });
    expect(options(['--ca', 'ca.pem'])).toEqual({ tls: false, caFile: 'ca.pem', insecure: false });
    expect(options(['--insecure'])).toEqual({ tls: false, caFile: undefined, insecure: true });
    expect(options(['--insecure', '--ca=ca.pem'])).toEqual({ kind: 'usage_error', message: '--insecure cannot be combined with --tls or --ca', json: false });
  });

  it('defaults the data folder to ~/.e2ee-chat/<number>/', () => {
    const parsed = parseArgs(['--id', '+111111111']);
    expect(parsed.kind === 'run' && parsed.options.dataDir).toMatch(/\.e2ee-chat\/\+111111111$/);
  });

  it('reports what is wrong', () => {
    expect(parseArgs([])).toEqual({ kind: 'usage_error', message: 'missing --id <number>', json: false });
    expect(parseArgs(['--id'])).toEqual({ kind: 'usage_error', message: '--id needs a value', json: false });
    expect(parseArgs(['--id', '+1', '--server', ''])).toEqual({ kind: 'usage_error', message: '--server needs a value', json: false });
    expect(parseArgs(['--json', '--id', '+1', '--colour'])).toEqual({ kind: 'usage_error', message: 'unknown option --colour', json: true });
  });

  it('reads help requests without --id: --help, "<command> --help", "help <command>"', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help', json: false });
    expect(parseArgs(['send', '--help'])).toEqual({ kind: 'help', topic: 'send', json: false });
    expect(parseArgs(['--json', 'r', '-h'])).toEqual({ kind: 'help', topic: 'r', json: true });
    expect(parseArgs(['help', 'send'])).toEqual({ kind: 'help', topic: 'send', json: false });
    expect(parseArgs(['help'])).toEqual({ kind: 'help', topic: undefined, json: false });
    // Later in the words, "--help" is part of a message.
    expect(parseArgs(['--id', '+111111111', 'send', '+222222222', 'see', '--help'])).toMatchObject({
      kind: 'run',
      options: { command: ['send', '+222222222', 'see', '--help'] },
    });
  });
});

describe('commands and aliases', () => {
  it.each([
    [['register'], { kind: 'register' }],
    [['r'], { kind: 'register_or_receive' }],
    [['f', '+222222222'], { kind: 'fetch_keys', number: '+222222222' }],
    [['fetch_keys', '+222222222'], { kind: 'fetch_keys', number: '+222222222' }],
    [['s', '+222222222', 'hello', 'there'], { kind: 'send', to: '+222222222', text: 'hello there' }],
    [['recv'], { kind: 'receive' }],
    [['receive'], { kind: 'receive' }],
    [['q'], { kind: 'quit' }],
    [['exit'], { kind: 'quit' }],
    [['e'], { kind: 'quit' }],
    [['verify', '+222222222'], { kind: 'verify', number: '+222222222' }],
    [['trust', '+222222222'], { kind: 'trust', number: '+222222222' }],
    [['trust', '+222222222', ...'12345 '.repeat(12).trim().split(' ')], { kind: 'trust', number: '+222222222', compared: '12345 '.repeat(12).trim() }],
    [['trust', '+222222222', '1'.repeat(60)], { kind: 'trust', number: '+222222222', compared: '1'.repeat(60) }],
    [['unregister'], { kind: 'unregister' }],
    [['help', 'send'], { kind: 'help', topic: 'send' }],
  ])('%j', (words, command) => {
    expect(parseCommand(words)).toEqual({ ok: true, command });
  });

  it('refuses a trust whose safety number is not 60 digits', () => {
    expect(parseCommand(['trust', '+222222222', '12345'])).toEqual({ ok: false, message: 'not a safety number (60 digits, as verify prints it): 12345' });
    expect(parseCommand(['trust', '+222222222', 'x'.repeat(60)])).toMatchObject({ ok: false });
  });

  it('refuses wrong arity and unknown words with the usage', () => {
    expect(parseCommand(['send', '+222222222'])).toEqual({ ok: false, message: 'usage: send <number> <message>' });
    expect(parseCommand(['f'])).toEqual({ ok: false, message: 'usage: fetch_keys <number>' });
    expect(parseCommand(['receive', 'now'])).toEqual({ ok: false, message: '"receive" takes no arguments' });
    expect(parseCommand(['dance'])).toMatchObject({ ok: false, message: expect.stringContaining('unknown command') });
  });

  it('keeps the spaces and tabs of a REPL message as typed after the number', () => {
    expect(parseLine('  s +222222222 two  spaces\tand a tab  ')).toEqual({
      ok: true,
      command: { kind: 'send', to: '+222222222', text: 'two  spaces\tand a tab' },
    });
    expect(parseLine('send\t+222222222\t\tx   y')).toEqual({ ok: true, command: { kind: 'send', to: '+222222222', text: 'x   y' } });
    expect(parseLine('  recv ')).toEqual({ ok: true, command: { kind: 'receive' } });
    expect(parseLine('   ')).toBeUndefined();
  });

  it('explains every command', () => {
    expect(helpText()).toContain('fetch_keys <number>');
    expect(helpText('s')).toContain('send <number> <message>');
  });
});

describe('output lines', () => {
  it('prints JSON objects, one a line, and human errors on stderr', () => {
    const out: string[] = [];
    const err: string[] = [];
    createOutput(true, (t) => out.push(t), (t) => err.push(t)).print({ event: 'sent', to: '+2', timestamp: 5 });
    createOutput(false, (t) => out.push(t), (t) => err.push(t)).print({ event: 'error', message: 'boom' });
    expect(out).toEqual(['{"event":"sent","to":"+2","timestamp":5}\n']);
    expect(err).toEqual(['error: boom\n']);
  });

  it("shows a message's control characters instead of obeying them, on one line, at local time", () => {
    const out: string[] = [];
    const output = createOutput(false, (t) => out.push(t), (t) => out.push(t));
    const at = new Date(2025, 0, 2, 9, 5, 7).getTime(); // local time, not today
    output.print({ event: 'message', from: '+3', text: 'hi\x1b]0;pwned\x07\x1b[2J\rX\nforged [13:00:00] +9: line\ttab\x9b', timestamp: at, id: 1 });
    output.print({ event: 'error', message: 'server says \x1b[31mred' });
    expect(out).toEqual([
      '[2025-01-02 09:05:07] +3: hi\u241b]0;pwned\u2407\u241b[2J\u240dX ↵ forged [13:00:00] +9: line    tab\ufffd\n',
      'error: server says \u241b[31mred\n',
    ]);
    for (const line of out) expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

