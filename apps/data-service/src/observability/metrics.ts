import { status } from '@grpc/grpc-js';
import type { PoolStats } from '@mig-data/database';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallObserver } from '../grpc/call-observer';
import type { FleetJobObserver } from '../jobs/fleet-jobs';

/** Codes as go-grpc-prometheus names them, so that existing gRPC dashboards and alerts read these series as they are. */
const CODE_NAMES: Record<status, string> = {
  [status.OK]: 'OK',
  [status.CANCELLED]: 'Canceled',
  [status.UNKNOWN]: 'Unknown',
  [status.INVALID_ARGUMENT]: 'InvalidArgument',
  [status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [status.NOT_FOUND]: 'NotFound',
  [status.ALREADY_EXISTS]: 'AlreadyExists',
  [status.PERMISSION_DENIED]: 'PermissionDenied',
  [status.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [status.FAILED_PRECONDITION]: 'FailedPrecondition',
  [status.ABORTED]: 'Aborted',
  [status.OUT_OF_RANGE]: 'OutOfRange',
  [status.UNIMPLEMENTED]: 'Unimplemented',
  [status.INTERNAL]: 'Internal',
  [status.UNAVAILABLE]: 'Unavailable',
  [status.DATA_LOSS]: 'DataLoss',
  [status.UNAUTHENTICATED]: 'Unauthenticated',
};

/** The pools whose usage is exported, each read when scraped. */
export type PoolReaders = Record<string, () => PoolStats>;

export interface ServiceMetrics {
  registry: Registry;
  calls: CallObserver;
  /** One database write of `size` heartbeats. */
  heartbeatBatch(size: number): void;
  fleetJobs: FleetJobObserver;
}

/**
 * The service's Prometheus series, with prom-client (the de-facto Node client: registry, metric
 * types, text format and process metrics; nothing here reimplements them), in a registry of its
 * own so that two services in one process (tests) never share counters.
 */
export function createServiceMetrics(pools: PoolReaders): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labels = ['grpc_type', 'grpc_service', 'grpc_method'] as const;
  const handled = new Counter({ name: 'grpc_server_handled_total', help: 'RPCs completed, by method and status code.', labelNames: [...labels, 'grpc_code'], registers: [registry] });
  const latency = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Time from an RPC arriving to its answer, by method.',
    labelNames: labels,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const heartbeats = new Histogram({
    name: 'mig_data_heartbeat_batch_size',
    help: 'Heartbeats written per database transaction by the RecordHeartbeat group commit.',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    registers: [registry],
  });
  const jobRuns = new Counter({ name: 'mig_data_fleet_job_runs_total', help: 'Ticks of each fleet job, by outcome: ran, already-ran (by another replica this period) or failed.', labelNames: ['job', 'outcome'], registers: [registry] });
  const jobSeconds = new Histogram({
    name: 'mig_data_fleet_job_duration_seconds',
    help: 'Duration of each fleet job tick, by job and outcome.',
    labelNames: ['job', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const poolGauge = (name: string, help: string, read: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        for (const [pool, stats] of Object.entries(pools)) this.set({ pool }, read(stats()));
      },
    });
  poolGauge('mig_data_db_pool_connections', 'Open database connections, busy or idle, by pool (main: the service; targets: the target sandbox).', (stats) => stats.total);
  poolGauge('mig_data_db_pool_idle_connections', 'Open database connections no one is using, by pool.', (stats) => stats.idle);
  poolGauge('mig_data_db_pool_waiting', 'Callers queued for a database connection, by pool.', (stats) => stats.waiting);

  return {
    registry,
    calls: {
      callEnded(method, kind, code, seconds) {
        const slash = method.lastIndexOf('/');
        const at = { grpc_type: kind, grpc_service: method.slice(0, slash), grpc_method: method.slice(slash + 1) };
        handled.inc({ ...at, grpc_code: CODE_NAMES[code] ?? String(code) });
        latency.observe(at, seconds);
      },
    },
    heartbeatBatch: (size) => heartbeats.observe(size),
    fleetJobs: (job, outcome, seconds) => {
      jobRuns.inc({ job, outcome });
      jobSeconds.observe({ job, outcome }, seconds);
    },
  };
}
