/**
 * Progress on stderr, so stdout carries only the table. On a terminal one line
 * is rewritten in place; elsewhere (CI logs) a line is printed now and then.
 */
const TERMINAL_REDRAW_MS = 100;
const LOG_LINE_MS = 5_000;

export class Progress {
  private stepIndex = 0;
  private stepName = '';
  private lastDrawn = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly totalSteps: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /** A new step begins: "[3/12] relay". */
  step(name: string): void {
    this.stepIndex += 1;
    this.stepName = name;
    this.lastDrawn = 0;
    this.write(`${this.prefix()} ${name}`, true);
  }

  /** How far the current step is, e.g. "rep 2/5, 12,000/20,000 messages". */
  update(detail: string): void {
    const now = Date.now();
    const interval = this.out.isTTY ? TERMINAL_REDRAW_MS : LOG_LINE_MS;
    if (now - this.lastDrawn < interval) return;
    this.lastDrawn = now;
    this.write(`${this.prefix()} ${this.stepName}: ${detail}`, false);
  }

  /** A line that stays (a warning, or the step's outcome). */
  note(text: string): void {
    this.write(`${this.prefix()} ${this.stepName}: ${text}`, true);
  }

  finish(): void {
    if (this.out.isTTY) this.out.write('\r\x1b[2K');
    this.out.write(`bench finished in ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s\n`);
  }

  private prefix(): string {
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(0).padStart(4);
    return `${seconds}s [${this.stepIndex}/${this.totalSteps}]`;
  }

  private write(line: string, keep: boolean): void {
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${line}${keep ? '\n' : ''}`);
    } else {
      this.out.write(`${line}\n`);
    }
  }
}

/** "12,000/30,000 messages" */
export function howFar(done: number, total: number, unit: string): string {
  return `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`;
}
