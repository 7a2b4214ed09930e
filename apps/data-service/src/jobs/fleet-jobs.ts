import { runCancellable, type AgentsStatsRepository, type FleetRepository, type JobRunRepository, type Transaction } from '@mig-data/database';
import type { ServiceConfig } from '../config/service-config';
import type { Logger } from '../logging/logger';

/** One periodic job: its name (the bookkeeping key), its period, and its work in the claim's transaction. */
export interface FleetJob {
  name: string;
  intervalMs: number;
  run(manager: Transaction, now: Date): Promise<string>;
}

export interface FleetJobDependencies {
  jobRuns: JobRunRepository;
  fleet: FleetRepository;
  stats: AgentsStatsRepository;
}

/** How long job-run bookkeeping is kept. */
const JOB_RUNS_KEPT_MS = 7 * 86_400_000;

/** MIG's scheduler chores: agents go idle after 5 heartbeats missed, offline after the agent timeout; a statistics snapshot. */
export function fleetJobs(config: ServiceConfig, { fleet, stats, jobRuns }: FleetJobDependencies): FleetJob[] {
  const chores: FleetJob[] = [
    {
      name: 'mark-idle-agents',
      intervalMs: config.agentStatusJobIntervalMs,
      run: async (manager, now) => `${await fleet.markIdle(new Date(now.getTime() - 5 * config.agentHeartbeatFrequencyMs), manager)} agents now idle`,
    },
    {
      name: 'mark-offline-agents',
      intervalMs: config.agentStatusJobIntervalMs,
      run: async (manager, now) => `${await fleet.markOffline(new Date(now.getTime() - config.agentTimeoutMs), manager)} agents now offline`,
    },
    {
      name: 'agents-stats',
      intervalMs: config.agentsStatsJobIntervalMs,
      run: async (manager, now) => {
        const snapshot = await stats.computeAndStore(now, manager);
        return `${snapshot.online_agents} online agents on ${snapshot.online_endpoints} endpoints`;
      },
    },
  ];
  const jobs = chores.filter((job) => job.intervalMs > 0);
  if (jobs.length === 0) return [];
  // The bookkeeping itself: a row per job and period adds up, a week of it is plenty.
  jobs.push({
    name: 'forget-old-job-runs',
    intervalMs: 86_400_000,
    run: async (manager, now) => `${await jobRuns.prune(new Date(now.getTime() - JOB_RUNS_KEPT_MS), manager)} old job runs forgotten`,
  });
  return jobs;
}

/** Told of every tick of every job: it ran, another replica had already run it this period, or it failed. */
export type FleetJobObserver = (job: string, outcome: 'ran' | 'already-ran' | 'failed', seconds: number) => void;

export interface RunningJobs {
  /** Stops scheduling, cancels runs in progress and waits for them to end. */
  stop(): Promise<void>;
}

/**
 * Runs each job once per period on this replica's timer; the bookkeeping table makes it once per
 * period across every replica on the database. A period is [k × interval, (k + 1) × interval) on
 * the clock, so all replicas agree on it without talking to each other. A failed run is logged
 * and its period stays open for the next tick (or another replica) to retry. A run past `timeoutMs`,
 * or in progress at stop, is cancelled, its queries with it (its transaction rolls back).
 */
export function startFleetJobs(jobs: FleetJob[], jobRuns: JobRunRepository, logger: Logger, clock: () => Date, timeoutMs: number, observe: FleetJobObserver = () => {}): RunningJobs {
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  let stopped = false;

  const tick = async (job: FleetJob) => {
    const now = clock();
    const periodStart = new Date(Math.floor(now.getTime() / job.intervalMs) * job.intervalMs);
    const started = Date.now();
    const limit = AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      let outcome = '';
      const ran = await runCancellable(limit, () => jobRuns.runOnce(job.name, periodStart, async (manager) => (outcome = await job.run(manager, now))));
      if (ran) logger.info('fleet job ran', { job: job.name, periodStart: periodStart.toISOString(), outcome, elapsedMs: Date.now() - started });
      else logger.debug('fleet job already ran this period', { job: job.name, periodStart: periodStart.toISOString() });
      observe(job.name, ran ? 'ran' : 'already-ran', (Date.now() - started) / 1000);
    } catch (error) {
      if (limit.aborted) {
        const reason = stopping.signal.aborted ? 'cancelled at shutdown' : `cancelled after ${timeoutMs} ms (MIG_DATA_JOB_TIMEOUT_MS)`;
        logger.warn('fleet job cancelled', { job: job.name, periodStart: periodStart.toISOString(), reason, elapsedMs: Date.now() - started });
      } else {
        logger.error('fleet job failed', { job: job.name, periodStart: periodStart.toISOString(), error: String(error) });
      }
      observe(job.name, 'failed', (Date.now() - started) / 1000);
    }
  };

  const schedule = (job: FleetJob) => {
    if (stopped) return;
    // Wake just after the next period starts (a little jitter spreads replicas out).
    const now = clock().getTime();
    const delay = job.intervalMs - (now % job.intervalMs) + Math.floor(Math.random() * Math.min(1000, job.intervalMs / 10));
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = tick(job).finally(() => {
        running.delete(run);
        schedule(job);
      });
      running.add(run);
    }, delay);
    timers.add(timer);
  };

  for (const job of jobs) {
    // The current period too: a replica starting mid-period does it if no one has.
    const run = tick(job).finally(() => {
      running.delete(run);
      schedule(job);
    });
    running.add(run);
  }

  return {
    stop: async () => {
      stopped = true;
      stopping.abort(new Error('the service is stopping'));
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}
