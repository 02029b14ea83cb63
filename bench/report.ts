/**
 * The bench's output: a table on stdout (median, spread, limit, ratio, target,
 * pass/miss for each figure) and a JSON file under bench/results/ with every
 * repetition and the machine facts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../proto/loader.js';
import type { Figure, Target } from './figure.js';
import type { MachineFacts } from './support/machine.js';
import { max, median, min } from './support/stats.js';

/** A step that could not be measured, and why. */
export interface StepFailure {
  step: string;
  reason: string;
}

export interface BenchRun {
  mode: 'full' | 'quick';
  startedAt: string;
  durationSeconds: number;
  machine: MachineFacts;
  /** Load average when the run ended; with the one at start it says how busy the machine was. */
  loadAverageAtEnd: number[];
  figures: Figure[];
  failures: StepFailure[];
}

type Verdict = 'pass' | 'MISS' | '';

interface Row {
  figure: Figure;
  median: number;
  limit?: Figure;
  ratio?: number;
  verdict: Verdict;
}

/** Limits head the table, whichever step measured them (some are measured beside the figures they divide). */
export function limitsFirst(figures: readonly Figure[]): Figure[] {
  const isLimit = (f: Figure): boolean => f.id.startsWith('limit.');
  return [...figures.filter(isLimit), ...figures.filter((f) => !isLimit(f))];
}

export function buildRows(figures: readonly Figure[]): Row[] {
  const byId = new Map(figures.map((f) => [f.id, f]));
  return figures.map((f) => {
    const value = median(f.samples);
    const limit = f.limitId === undefined ? undefined : byId.get(f.limitId);
    const ratio = limit === undefined ? undefined : value / median(limit.samples);
    return { figure: f, median: value, limit, ratio, verdict: verdictOf(f.target, value, ratio) };
  });
}

function verdictOf(target: Target | undefined, value: number, ratio: number | undefined): Verdict {
  if (target === undefined || Number.isNaN(value)) return '';
  switch (target.kind) {
    case 'ratioAtLeast':
      // Without its limit in this run (--only), a ratio cannot be judged.
      if (ratio === undefined || Number.isNaN(ratio)) return '';
      return ratio >= target.min ? 'pass' : 'MISS';
    case 'atMost':
      return value <= target.max ? 'pass' : 'MISS';
    case 'atLeast':
      return value >= target.min ? 'pass' : 'MISS';
  }
}

function targetText(target: Target | undefined, unit: string): string {
  if (target === undefined) return '';
  switch (target.kind) {
    case 'ratioAtLeast':
      return `≥ ${target.min}× limit`;
    case 'atMost':
      return `≤ ${formatNumber(target.max)} ${unit}`;
    case 'atLeast':
      return `≥ ${formatNumber(target.min)} ${unit}`;
  }
}

/** Three significant digits for small values, whole numbers with separators for large ones. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

export function renderTable(run: BenchRun): string {
  const header = ['figure', 'unit', 'median', 'spread (min–max)', 'n', 'limit', 'ratio', 'target', 'result'];
  const body = buildRows(run.figures).map((row) => [
    row.figure.label,
    row.figure.unit,
    formatNumber(row.median),
    `${formatNumber(min(row.figure.samples))}–${formatNumber(max(row.figure.samples))}`,
    String(row.figure.samples.length),
    row.limit ? `${formatNumber(median(row.limit.samples))} ${row.limit.unit}` : '',
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`,
    targetText(row.figure.target, row.figure.unit),
    row.verdict,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const lines = [
    `e2ee-chat bench (${run.mode}), ${run.startedAt}, ${run.durationSeconds.toFixed(0)} s`,
    `${run.machine.cpuModel}, ${run.machine.cores} cores, node ${run.machine.node}, SQLite syncs with ${run.machine.sqliteSync}, ${run.machine.allocator}, commit ${run.machine.gitCommit ?? 'unknown'}`,
    `load average (1 min) ${run.machine.loadAverageAtStart[0] ?? '?'} at start, ${run.loadAverageAtEnd[0] ?? '?'} at end`,
    '',
    line(header),
    rule,
    ...body.map(line),
  ];
  for (const failure of run.failures) lines.push(`not measured: ${failure.step}: ${failure.reason}`);
  return lines.join('\n') + '\n';
}

/** Writes the run as JSON (a timestamped file and latest.json); returns the timestamped path. */
export function writeJson(run: BenchRun): string {
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const rows = buildRows(run.figures).map((row) => ({
    ...row.figure,
    median: row.median,
    min: min(row.figure.samples),
    max: max(row.figure.samples),
    limitMedian: row.limit ? median(row.limit.samples) : undefined,
    ratio: row.ratio,
    result: row.verdict || undefined,
  }));
  const text = JSON.stringify({ ...run, figures: rows }, null, 2) + '\n';
  const file = join(dir, `bench-${run.mode}-${run.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return file;
}
