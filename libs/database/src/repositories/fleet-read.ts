import type { DataSource } from 'typeorm';
import { FLEET_QUERY_WORK_MEM } from '../fleet-query-memory';
import { withLocalSettings } from './transaction-settings';

/**
 * The settings of the fleet-wide reads (offline agents, double agents, multi-agent queues), for
 * their transaction alone:
 * - enable_hashagg off and random_page_cost 1.1: the double-agent and multi-agent groupings walk
 *   the summary's primary key (queueloc, name) in order and group as they go. Hashing every live
 *   queue instead (the planner's choice) cost about 4 times the CPU at MIG's production size
 *   (200,000 queues: 35 MB of hash table); the summary is small enough to stay in memory, which
 *   is what random_page_cost 1.1 tells the planner.
 * - work_mem FLEET_QUERY_WORK_MEM: whatever grouping or sort a plan still holds stays in memory (at the default
 *   4 MB the hashed grouping spilled to disk in 9 batches).
 * - JIT off: the planner prices each candidate's count through agents as if it read hundreds of
 *   rows (it reads two), so at production size these plans cost past jit_above_cost, and
 *   compiling them (where the server has LLVM, e.g. Debian's PostgreSQL 15) took longer than
 *   running them.
 * - No parallel workers: from about 200,000 endpoints (MIG's production count) the planner scans
 *   the summary for offline agents with two of them. Each is a new process, started for this one
 *   query, that maps every shared buffer it reads for the first time (on this 2-core VM about
 *   0.2 ms per 64 kB mapped), and it competes for the same cores as its leader: on 207,040
 *   endpoints (PostgreSQL 15, one warm connection, 8 alternated runs) the parallel plan took
 *   190-263 ms, the same plan without workers 60-136 ms.
 */
export const FLEET_READ_SETTINGS = `SET LOCAL enable_hashagg = off; SET LOCAL random_page_cost = 1.1; SET LOCAL work_mem = '${FLEET_QUERY_WORK_MEM}'; SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0`;

/** Runs one fleet-wide read in a transaction of its own with FLEET_READ_SETTINGS. */
export function fleetRead<Row>(dataSource: DataSource, sql: string, parameters: unknown[]): Promise<Row[]> {
  return withLocalSettings(dataSource.manager, FLEET_READ_SETTINGS, (transaction) => transaction.query(sql, parameters) as Promise<Row[]>);
}
