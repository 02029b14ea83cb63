/**
 * `make bench`: measures the limits of grpc-js, SQLite and libsignal on this
 * machine, then the real server and clients, and prints each figure as a ratio
 * to its limit (table on stdout, JSON under bench/results/, progress on stderr).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../proto/loader.js';
import { FULL, QUICK } from './config.js';
import type { Figure } from './figure.js';
import { rawGrpcLimits } from './limits/rawGrpc.js';
import { sqliteQueueLimits } from './limits/sqliteQueue.js';
import { endToEndScenario } from './scenarios/endToEnd.js';
import { offlineDrainScenario } from './scenarios/offlineDrain.js';
import { relayScenario } from './scenarios/relay.js';
import { scaleScenario } from './scenarios/scale.js';
import { limitsFirst, renderTable, writeJson, type StepFailure } from './report.js';
import type { Step } from './step.js';
import { killAllChildren } from './support/childProcess.js';
import { loadAverage, machineFacts } from './support/machine.js';
import { Progress } from './support/progress.js';
import { removeAllTempDirs } from './support/tempDir.js';

const STEPS: Step[] = [rawGrpcLimits, sqliteQueueLimits, relayScenario, offlineDrainScenario, endToEndScenario, scaleScenario];

const USAGE = `usage: node dist/bench/main.js [--quick] [--only KEYS] [--profile]   (make bench [QUICK=1])

  --quick        smaller sizes and fewer repetitions (under a minute; what CI runs)
  --only KEYS    run only these steps, comma-separated: ${STEPS.map((s) => s.key).join(', ')}
  --profile      run the servers under test with --cpu-prof; profiles go to bench/results/profiles/
  --help         this text

Prints a table on stdout (median of the repetitions, min–max spread, the limit
measured in the same run, the ratio to it, the target, pass/miss), writes every
repetition and the machine facts to bench/results/, and shows progress on stderr.
Exit status 1 when a step could not be measured.`;

function parseOptions(): { quick: boolean; only: Set<string> | undefined; profile: boolean } {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const only = values.only === undefined ? undefined : new Set(values.only.split(',').map((key) => key.trim()));
  const unknown = [...(only ?? [])].filter((key) => !STEPS.some((step) => step.key === key));
  if (unknown.length > 0) throw new Error(`unknown step ${unknown.join(', ')}; known: ${STEPS.map((s) => s.key).join(', ')}`);
  return { quick: values.quick, only, profile: values.profile };
}

/** Children and temp folders go with the bench, however it ends. */
function cleanUpOnExit(): void {
  process.on('exit', () => {
    killAllChildren();
    removeAllTempDirs();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping\n`);
      process.exit(130);
    });
  }
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  cleanUpOnExit();
  const config = options.quick ? QUICK : FULL;
  const steps = STEPS.filter((step) => options.only?.has(step.key) ?? true);
  const serverProfileDir = options.profile ? join(projectRoot(), 'bench', 'results', 'profiles') : undefined;
  const progress = new Progress(steps.length);
  const startedAt = new Date();
  const machine = machineFacts();
  const figures: Figure[] = [];
  const failures: StepFailure[] = [];

  for (const step of steps) {
    progress.step(step.name);
    try {
      figures.push(...(await step.run({ config, progress, serverProfileDir })));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push({ step: step.name, reason });
      progress.note(`failed: ${reason}`);
    }
  }
  progress.finish();

  const run = {
    mode: config.mode,
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    machine,
    loadAverageAtEnd: loadAverage(),
    figures: limitsFirst(figures),
    failures,
  };
  process.stdout.write(renderTable(run));
  process.stderr.write(`results: ${writeJson(run)}\n`);
  if (serverProfileDir) process.stderr.write(`server profiles: ${serverProfileDir} (read one with: node dist/bench/profileTop.js FILE)\n`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
