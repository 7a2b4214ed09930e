import { readFile } from 'node:fs/promises';
import type { Pool } from 'pg';

/** CPU time, in ms, that one side's run cost each process taking part in it. */
export interface CpuSpent {
  /** The data service process. */
  service: number;
  /** The bare grpc-js echo server's process. */
  echo: number;
  /** This process: the bench's clients and raw baselines. */
  bench: number;
  /** The PostgreSQL backends serving the bench's database (both pools); shared background processes not counted. */
  database: number;
}

// Linux: utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second).
const TICK_MS = 10;

async function processCpuMs(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function backendsCpuMs(pool: Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const spent = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = await processCpuMs(pid);
    if (ms !== undefined) spent.set(pid, ms);
  }
  return spent;
}

/**
 * Measures the CPU each process spends on a run, from /proc (Linux; elsewhere it measures
 * nothing). On a shared machine wall-clock rates move with the neighbours' load; the CPU a unit of
 * work costs each process moves far less, and says which process a scenario waits on.
 */
export interface MeteredProcesses {
  servicePid: number;
  echoPid: number;
  /** A pool on the bench's database: its backends are found through it. */
  pool: Pool;
}

export async function measureCpu<T>({ servicePid, echoPid, pool }: MeteredProcesses, run: () => Promise<T>): Promise<{ result: T; cpu?: CpuSpent }> {
  const service = await processCpuMs(servicePid);
  const echo = await processCpuMs(echoPid);
  const database = await backendsCpuMs(pool).catch(() => undefined);
  const bench = process.cpuUsage();
  const result = await run();
  const benchSpent = process.cpuUsage(bench);
  const serviceAfter = await processCpuMs(servicePid);
  const echoAfter = await processCpuMs(echoPid);
  const databaseAfter = await backendsCpuMs(pool).catch(() => undefined);
  if (service === undefined || serviceAfter === undefined || echo === undefined || echoAfter === undefined || !database || !databaseAfter) return { result };
  // A backend that started during the run counts from zero; one that ended during it is lost (rare: the pools keep theirs).
  let databaseSpent = 0;
  for (const [pid, ms] of databaseAfter) databaseSpent += ms - (database.get(pid) ?? 0);
  return { result, cpu: { service: serviceAfter - service, echo: echoAfter - echo, bench: (benchSpent.user + benchSpent.system) / 1000, database: databaseSpent } };
}
