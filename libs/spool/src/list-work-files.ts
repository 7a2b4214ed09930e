import { access, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isWorkFileName } from './file-names';

/** The work files of a spool directory by name (dot-files, non-`.json` names and subdirectories left out), sorted. A missing directory has none. */
export async function listWorkFiles(directory: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => !entry.isDirectory() && isWorkFileName(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** A work file with the time it entered its directory (its rename keeps the writer's mtime; good enough for ages). */
export interface AgedFile {
  name: string;
  modified: Date;
}

/** Like listWorkFiles, with each file's modification time; files gone between the listing and the stat are skipped. */
export async function listWorkFilesWithAge(directory: string, names?: string[]): Promise<AgedFile[]> {
  const files: AgedFile[] = [];
  for (const name of names ?? (await listWorkFiles(directory))) {
    try {
      files.push({ name, modified: (await stat(join(directory, name))).mtime });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}

/** Whether a path exists (any error but ENOENT counts as existing: never re-create what may be there). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
