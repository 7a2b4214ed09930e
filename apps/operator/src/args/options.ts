import type { Duration } from '@mig-data/contract';
import { UsageError } from '../operator-command';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "5m", "2h", "30d" as a protobuf Duration; undefined stays undefined (the service's default). */
export function parseDuration(text: string | undefined, flag: string): Duration | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0) throw new UsageError(`${flag} must be a positive duration such as 90s, 5m, 2h or 30d, got "${text}"`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]];
  return { seconds: Math.floor(seconds), nanos: Math.round((seconds % 1) * 1e9) };
}

/** A positive integer option. */
export function parseCount(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return value;
}

/** The options of every paged list: `--limit N` rows per page (default 100), `--page-token T` to go on from an earlier page. */
export const PAGE_OPTIONS = { limit: { type: 'string', default: '100' }, 'page-token': { type: 'string', default: '' } } as const;

/** `--limit` and `--page-token` as the request fields of the paged RPCs. */
export function parsePage(values: { limit?: string; 'page-token'?: string }): { pageSize: number; pageToken: string } {
  return { pageSize: parseCount(values.limit ?? '100', '--limit'), pageToken: values['page-token'] ?? '' };
}

/** A positive id given as a word of the command line (an action, command or investigator id). */
export function parseId(text: string | undefined, what: string): number {
  const id = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`give the ${what} id (a positive number)${text === undefined ? '' : `, not "${text}"`}`);
  return id;
}
