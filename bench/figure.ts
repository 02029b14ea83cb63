/**
 * What every step of the bench hands to the report: a named figure with one
 * sample per repetition, the limit it is compared with, and its target.
 */

/** How a figure passes: a share of its limit, or an absolute bound. */
export type Target =
  | { kind: 'ratioAtLeast'; min: number }
  | { kind: 'atMost'; max: number }
  | { kind: 'atLeast'; min: number };

export interface Figure {
  /** Stable key in the JSON file, e.g. "relay.rate". */
  id: string;
  /** What the table calls it. */
  label: string;
  unit: string;
  /** One value per repetition. */
  samples: number[];
  /** Id of the figure this one is divided by for its ratio (a limit measured in this run). */
  limitId?: string;
  target?: Target;
  /** Anything worth keeping with the samples (sizes, counts, per-repetition details). */
  details?: Record<string, unknown>;
}

export function figure(
  id: string,
  label: string,
  unit: string,
  samples: number[],
  extra: Pick<Figure, 'limitId' | 'target' | 'details'> = {},
): Figure {
  return { id, label, unit, samples, ...extra };
}
