/** One named part of the bench run: it measures and returns figures for the report. */
import type { BenchConfig } from './config.js';
import type { Figure } from './figure.js';
import type { Progress } from './support/progress.js';

export interface StepContext {
  config: BenchConfig;
  progress: Progress;
  /** When set, servers under test run with --cpu-prof and write their profiles here. */
  serverProfileDir?: string;
}

export interface Step {
  /** Short name for --only, e.g. "relay". */
  key: string;
  name: string;
  run(context: StepContext): Promise<Figure[]>;
}
