import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from './bench-results';
import { markdownTable } from './markdown-table';

/** Writes latest.json and latest.md in `outDir`; returns the table. */
export async function writeResults(results: BenchResults, outDir: string): Promise<string> {
  const table = markdownTable(results);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  await writeFile(join(outDir, 'latest.md'), table);
  return table;
}
