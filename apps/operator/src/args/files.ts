import { readFile } from 'node:fs/promises';
import { actionMessageFromFile } from '@mig-data/client';
import type { Action } from '@mig-data/contract';
import { UsageError } from '../operator-command';

/** A file named on the command line; one that cannot be read is bad usage (exit 2), with the reason. */
export function readTextFile(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read ${path}: ${error.message}`);
  });
}

/** An action file named on the command line as the Action message; a malformed one names the file and the field. */
export async function readActionFile(path: string): Promise<Action> {
  const text = await readTextFile(path);
  try {
    return actionMessageFromFile(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
