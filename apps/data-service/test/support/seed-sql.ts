// MIG's operator queries (the seed document §2.2, §2.3) verbatim, kept in libs/database
// (the bench times them too); `withWindows` swaps the intervals for adjusted windows.

export { SEED_DOUBLE_AGENTS, SEED_OFFLINE_AGENTS } from '@mig-data/database';

/** The seed query with its intervals replaced, in order (e.g. ['8 days', '30 minutes']). */
export function withWindows(seedSql: string, intervals: string[]): string {
  let index = 0;
  return seedSql.replace(/interval '[^']+'/gi, (match) => `${match.slice(0, 8)} '${intervals[index++]}'`);
}
