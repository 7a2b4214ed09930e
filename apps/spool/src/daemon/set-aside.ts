import { join } from 'node:path';
import { moveFile, placeFile, reasonFileName, type SpoolLayout } from '@mig-data/spool';

/**
 * Sets a file aside in an `invalid` directory with its reason in a readable file beside it
 * (`<name>.reason.txt`): placed first, so a file in invalid always has its reason, then the file
 * moved. Returns false when the file was gone (another process took it).
 */
export async function setAside(layout: SpoolLayout, from: string, to: string, name: string, reason: string, now = new Date()): Promise<boolean> {
  await placeFile(layout, to, reasonFileName(name), `${now.toISOString()} ${join(from, name)}\n${reason}\n`);
  return moveFile(from, to, name);
}
