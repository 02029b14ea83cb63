/** A monotonic clock in milliseconds, shared by every measurement in the bench process. */
export function nowMs(): number {
  return performance.now();
}

/** Items per second for `count` items done in `elapsedMs`. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  return (count * 1000) / elapsedMs;
}
