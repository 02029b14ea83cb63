/** Small text formatters shared by the components. */
import type { ChatMessage, ConnectionState, DeliveryStatus } from '../core/api.js';

const MARKS: Record<DeliveryStatus, string> = {
  sending: '… sending',
  sent: '✓ sent',
  delivered: '✓✓ delivered',
  read: '✓✓ read',
  failed: '✗ failed',
};

/** A sent message's delivery mark, with the reason when it failed. */
export function deliveryMark(message: ChatMessage): string {
  const mark = MARKS[message.status ?? 'sending'];
  return message.status === 'failed' && message.error ? `${mark}: ${message.error}` : mark;
}

/** HH:MM today, otherwise MM-DD HH:MM (local time). */
export function formatTime(ms: number, now: number): string {
  const at = new Date(ms);
  const today = new Date(now);
  const hhmm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.toDateString() === today.toDateString();
  return sameDay ? hhmm : `${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${hhmm}`;
}

export function describeConnection(connection: ConnectionState, now: number): string {
  switch (connection.state) {
    case 'connected':
      return 'connected';
    case 'connecting':
      return 'connecting';
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((connection.retryAt - now) / 1000));
      return `reconnecting in ${seconds} s`;
    }
    case 'offline':
      return 'offline';
  }
}

/** 60 digits as three rows of four 5-digit blocks, the way Signal shows them. */
export function safetyNumberRows(safetyNumber: string): string[] {
  const blocks = safetyNumber.replace(/\D/g, '').match(/\d{1,5}/g) ?? [];
  const rows: string[] = [];
  for (let i = 0; i < blocks.length; i += 4) rows.push(blocks.slice(i, i + 4).join(' '));
  return rows;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
