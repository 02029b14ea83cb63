/**
 * Text from elsewhere (a contact's message, a server's error) made safe to
 * print on a terminal. A message is the sender's choice of bytes: an escape
 * sequence in it could clear the receiver's screen, draw a fake one, set the
 * window title or ring the bell, and a carriage return could overwrite what
 * was printed before it. Control characters are shown as the Unicode symbol
 * for them (ESC as ␛, BEL as ␇), so nothing is lost and nothing is obeyed.
 */

const TAB_AS_SPACES = '    ';
/** U+2400..U+241F are the control pictures for U+0000..U+001F; U+2421 is DEL's. */
const CONTROL_PICTURES = 0x2400;
const DEL_PICTURE = '\u2421';
/** C0 (but for the newline), DEL and C1 controls: what a terminal may obey. */
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

function picture(control: string): string {
  const code = control.charCodeAt(0);
  if (control === '\t') return TAB_AS_SPACES;
  if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES + code);
  if (code === 0x7f) return DEL_PICTURE;
  return '\ufffd'; // C1: no pictures exist for these
}

/** Newlines kept (the full-screen client lays lines out itself). */
export function printable(text: string): string {
  return text.replace(CONTROLS, picture);
}

/** On one line: a newline becomes " ↵ ", so that one event stays one line (line-oriented output). */
export function printableOnOneLine(text: string): string {
  return printable(text).replace(/\r?\n/g, ' ↵ ');
}
