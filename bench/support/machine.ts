/** Facts about the machine and the software under test, kept with the results. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../proto/loader.js';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryMiB: number;
  loadAverageAtStart: number[];
  platform: string;
  kernel: string;
  node: string;
  packages: Record<string, string>;
  gitCommit: string | null;
  /** How the installed SQLite syncs a commit (Makefile: built with HAVE_FDATASYNC or not). */
  sqliteSync: 'fdatasync' | 'fsync';
  /** The malloc this process and its children use: the C library's, or one preloaded (`make bench MALLOC=jemalloc`). */
  allocator: string;
}

const PACKAGES_UNDER_TEST = ['@grpc/grpc-js', '@signalapp/libsignal-client', 'better-sqlite3'];

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAverageAtStart: loadAverage(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    packages: Object.fromEntries(PACKAGES_UNDER_TEST.map((name) => [name, installedVersion(name)])),
    gitCommit: gitCommit(),
    sqliteSync: sqliteSync(),
    allocator: allocator(),
  };
}

/** The 1, 5 and 15 minute load averages, to two decimals. */
export function loadAverage(): number[] {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}

function installedVersion(name: string): string {
  const manifest = join(projectRoot(), 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** SQLite built without HAVE_FDATASYNC calls fsync where it means fdatasync, and never links the latter. */
function sqliteSync(): 'fdatasync' | 'fsync' {
  const addon = readFileSync(join(projectRoot(), 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
  return addon.includes('fdatasync') ? 'fdatasync' : 'fsync';
}

/**
 * A preloaded allocator shows among the libraries mapped into this process;
 * the children (server, clients) inherit LD_PRELOAD and so the same one.
 */
function allocator(): string {
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return 'the platform malloc';
  }
  const preloaded = ['jemalloc', 'mimalloc', 'tcmalloc'].find((name) => maps.includes(`lib${name}`));
  if (preloaded) return preloaded;
  const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
  return glibc ? `glibc ${glibc} malloc` : 'the platform malloc';
}

/** The commit measured, or null outside a git checkout (a tarball, say). */
function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot(), encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
