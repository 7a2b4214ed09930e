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
