/** Temporary folders for databases; each is removed after use, and all of them on Ctrl+C. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();

export async function withTempDir<T>(purpose: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(os.tmpdir(), `e2ee-bench-${purpose}-`));
  live.add(dir);
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  }
}

export function removeAllTempDirs(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}
