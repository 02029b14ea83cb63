/** Runs a measurement several times with progress, after one untimed warm-up when asked. */
import type { Progress } from './progress.js';

export interface RepeatOptions {
  repetitions: number;
  progress: Progress;
  /** Runs the measurement once first (JIT, connections, caches) and drops its result. */
  warmUp?: boolean;
}

export interface Repetition {
  /** Progress detail for the current run, e.g. "12,000/30,000 messages". */
  report: (detail: string) => void;
  /** True for the warm-up run: the measurement may use a smaller size. */
  warmUp: boolean;
}

export async function repeat<T>(options: RepeatOptions, measure: (run: Repetition) => Promise<T>): Promise<T[]> {
  const { repetitions, progress } = options;
  if (options.warmUp) await measure({ report: (detail) => progress.update(`warm-up, ${detail}`), warmUp: true });
  const results: T[] = [];
  for (let rep = 1; rep <= repetitions; rep += 1) {
    results.push(await measure({ report: (detail) => progress.update(`rep ${rep}/${repetitions}, ${detail}`), warmUp: false }));
  }
  return results;
}

/**
 * Repetitions of a figure and of the limit it is divided by, in alternation
 * (and which of the two goes first alternates too): this machine's speed
 * drifts by tens of percent within a minute, and measuring all of one and then
 * all of the other would put that drift into the ratio between them.
 */
export async function repeatWithLimit<L, T>(
  options: RepeatOptions,
  measureLimit: (run: Repetition) => Promise<L>,
  measure: (run: Repetition) => Promise<T>,
): Promise<{ limits: L[]; results: T[] }> {
  let repetition = 0;
  const pairs = await repeat(options, async (run) => {
    // The warm-up, and then every other repetition, measures the limit first.
    if (run.warmUp || repetition++ % 2 === 0) {
      const limit = await measureLimit(run);
      return { limit, result: await measure(run) };
    }
    const result = await measure(run);
    return { limit: await measureLimit(run), result };
  });
  return { limits: pairs.map((pair) => pair.limit), results: pairs.map((pair) => pair.result) };
}

/** A tenth of a size (at least 1), for warm-up runs. */
export function warmUpSize(size: number, run: Repetition): number {
  return run.warmUp ? Math.max(1, Math.ceil(size / 10)) : size;
}
