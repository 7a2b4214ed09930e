/**
 * Spool file names (spec/spool.md): actions `<actionid>.json`, commands
 * `<actionid>-<commandid>.json`; an action dropped without an id may have any name ending in
 * `.json`. Names beginning with `.` are never work (editors, rsync and our own temporaries use them).
 */
export type WorkFileName =
  | { kind: 'action'; actionId: number }
  | { kind: 'command'; actionId: number; commandId: number }
  /** A `.json` file without an id in its name: an action dropped by hand, named when first taken. */
  | { kind: 'unnamed' };

const ID = '([1-9][0-9]{0,15})';
const ACTION_NAME = new RegExp(`^${ID}\\.json$`);
const COMMAND_NAME = new RegExp(`^${ID}-${ID}\\.json$`);

export function actionFileName(actionId: number): string {
  return `${requireId(actionId)}.json`;
}

export function commandFileName(actionId: number, commandId: number): string {
  return `${requireId(actionId)}-${requireId(commandId)}.json`;
}

/** Whether a directory entry is work at all: not a dot-file, ends in `.json`. */
export function isWorkFileName(name: string): boolean {
  return !name.startsWith('.') && name.endsWith('.json') && name.length > '.json'.length && !name.includes('/');
}

/** What a file name says; undefined for names that are never work. */
export function parseWorkFileName(name: string): WorkFileName | undefined {
  if (!isWorkFileName(name)) return undefined;
  const command = COMMAND_NAME.exec(name);
  if (command) {
    const [actionId, commandId] = [Number(command[1]), Number(command[2])];
    if (Number.isSafeInteger(actionId) && Number.isSafeInteger(commandId)) return { kind: 'command', actionId, commandId };
  }
  const action = ACTION_NAME.exec(name);
  if (action && Number.isSafeInteger(Number(action[1]))) return { kind: 'action', actionId: Number(action[1]) };
  return { kind: 'unnamed' };
}

/** The readable file kept beside a set-aside file, saying why (not `.json`: never work itself). */
export function reasonFileName(name: string): string {
  return `${name}.reason.txt`;
}

function requireId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`a spool file id must be a positive integer below 2^53, got ${id}`);
  return id;
}
