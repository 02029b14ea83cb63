/**
 * `node dist/bench/profileTop.js FILE.cpuprofile [COUNT]`: the functions that
 * took the most CPU (self time) in a V8 profile, such as the server's under
 * `make bench` with --profile. Idle time is left out of the shares.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../proto/loader.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  location: string;
  selfMs: number;
  share: number;
}

export function hottestFunctions(profile: CpuProfile, count: number): HotFunction[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, { name: string; location: string; micros: number }>();
  let busyMicros = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)?.callFrame;
    const micros = profile.timeDeltas[index] ?? 0;
    if (!frame || frame.functionName === '(idle)') return;
    busyMicros += micros;
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName}@${location}`;
    const entry = selfMicros.get(key) ?? { name: frame.functionName || '(anonymous)', location, micros: 0 };
    entry.micros += micros;
    selfMicros.set(key, entry);
  });
  return [...selfMicros.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, count)
    .map((entry) => ({ name: entry.name, location: entry.location, selfMs: entry.micros / 1000, share: entry.micros / busyMicros }));
}

function shortUrl(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith('/') ? relative(projectRoot(), path) : path;
}

function main(): void {
  const [file, countText] = process.argv.slice(2);
  if (!file || file === '--help') {
    process.stdout.write('usage: node dist/bench/profileTop.js FILE.cpuprofile [COUNT]\n');
    process.exit(file ? 0 : 2);
  }
  let profile: CpuProfile;
  try {
    profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  } catch (err) {
    process.stderr.write(`cannot read ${file} as a CPU profile: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : 1));
  const lines = hottestFunctions(profile, Number(countText ?? 25)).map(
    (hot) => `${(hot.share * 100).toFixed(1).padStart(5)}%  ${hot.selfMs.toFixed(0).padStart(7)} ms  ${hot.name}  ${hot.location}\n`,
  );
  process.stdout.write(lines.join(''));
}

main();
