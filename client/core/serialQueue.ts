/**
 * Runs async tasks one at a time, in the order they were queued. The protocol
 * stores keep uncommitted writes in memory for the duration of one operation,
 * so two operations touching sessions must never interleave.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
