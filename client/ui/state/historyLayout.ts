/**
 * Turns messages into screen lines so the conversation view can render only the
 * visible window and scrolling can count in lines. Wrapping is by display width;
 * a message's lines are cached per width, so a new message costs only its own.
 */
import type { ChatMessage } from '../../core/api.js';
import stringWidth from 'string-width';
import { printable } from '../../terminalText.js';

export interface HistoryLine {
  key: string;
  message: ChatMessage;
  /** The first line of a message carries its header (time, sender, mark); the others its text. */
  kind: 'header' | 'text';
  text: string;
}

const TEXT_INDENT = 2;
const cache = new WeakMap<ChatMessage, { width: number; lines: HistoryLine[] }>();

export function messageLines(message: ChatMessage, width: number): HistoryLine[] {
  const cached = cache.get(message);
  if (cached && cached.width === width) return cached.lines;
  // The sender chose these bytes: laid out as control pictures, never obeyed by the terminal.
  const body = wrapText(printable(message.text), Math.max(1, width - TEXT_INDENT));
  const lines: HistoryLine[] = [
    { key: `${message.id}:h`, message, kind: 'header', text: '' },
    ...body.map((text, i): HistoryLine => ({ key: `${message.id}:${i}`, message, kind: 'text', text })),
  ];
  cache.set(message, { width, lines });
  return lines;
}

/** How many lines all these messages take. */
export function countLines(messages: readonly ChatMessage[], width: number): number {
  let total = 0;
  for (const message of messages) total += messageLines(message, width).length;
  return total;
}

/**
 * The `height` lines that end `scroll` lines above the newest one, walking back
 * from the newest message only as far as needed. `scroll` past the top shows the top.
 */
export function visibleLines(
  messages: readonly ChatMessage[],
  width: number,
  height: number,
  scroll: number,
): { lines: HistoryLine[]; atTop: boolean } {
  const wanted = height + scroll;
  const collected: HistoryLine[][] = [];
  let count = 0;
  let i = messages.length - 1;
  for (; i >= 0 && count < wanted; i--) {
    const lines = messageLines(messages[i]!, width);
    collected.push(lines);
    count += lines.length;
  }
  const all = collected.reverse().flat();
  const end = Math.max(Math.min(all.length, height), all.length - scroll);
  const start = Math.max(0, end - height);
  return { lines: all.slice(start, end), atTop: start === 0 && i < 0 };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Splits on newlines, then wraps each paragraph at word boundaries, breaking words wider
 * than `width` between graphemes. Widths are display columns as Ink measures them
 * (string-width: a CJK character or an emoji is two), so no line is ever cut when drawn.
 */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line: string | undefined;
    let lineWidth = 0;
    for (const word of paragraph.split(' ')) {
      const wordWidth = stringWidth(word);
      if (line !== undefined && lineWidth + 1 + wordWidth <= width) {
        line += ' ' + word;
        lineWidth += 1 + wordWidth;
        continue;
      }
      if (line !== undefined) out.push(line);
      line = '';
      lineWidth = 0;
      for (const { segment } of wordWidth > width ? graphemes.segment(word) : [{ segment: word }]) {
        const segmentWidth = stringWidth(segment);
        if (lineWidth + segmentWidth > width && line !== '') {
          out.push(line);
          line = '';
          lineWidth = 0;
        }
        line += segment;
        lineWidth += segmentWidth;
      }
    }
    out.push(line ?? '');
  }
  return out;
}
