import type { Server } from '@grpc/grpc-js';
import { DatabaseProbe, databasePoolStats, type Database, type TargetSandbox } from '@mig-data/database';
import type { ServiceConfig } from '../config/service-config';
import type { CallObserver } from '../grpc/call-observer';
import type { FleetJobObserver } from '../jobs/fleet-jobs';
import type { Logger } from '../logging/logger';
import { addHealth, type HealthReporting } from './health';
import { createServiceMetrics, type ServiceMetrics } from './metrics';
import { listenForScrapes, type MetricsServer } from './metrics-server';
import { addReflection } from './reflection';

/** What the rest of the service hands to the handlers, the heartbeat writer and the fleet jobs; all no-ops while metrics are off. */
export interface Observability {
  callObservers: readonly CallObserver[];
  heartbeatBatch(size: number): void;
  fleetJobs: FleetJobObserver;
  /** Adds grpc.health.v1 and server reflection; call once every service is added, before binding. */
  addToServer(server: Server, serviceNames: readonly string[]): void;
  /** Starts the health probe and, with MIG_DATA_METRICS_LISTEN set, the metrics listener; returns its address. */
  start(): Promise<string | undefined>;
  /** Health NOT_SERVING, probe and metrics listener closed. */
  stop(): Promise<void>;
}

/** The standard tooling operators point at the service: health, reflection and (when asked for) Prometheus metrics. */
export function createObservability(config: ServiceConfig, database: { url: string; dataSource: Database; targetSandbox: TargetSandbox }, logger: Logger): Observability {
  const metrics: ServiceMetrics | undefined = config.metricsListenAddress
    ? createServiceMetrics({ main: () => databasePoolStats(database.dataSource), targets: () => database.targetSandbox.poolStats() })
    : undefined;
  const probe = new DatabaseProbe(database.url, config.healthProbeTimeoutMs);
  let health: HealthReporting | undefined;
  let scrapes: MetricsServer | undefined;
  return {
    callObservers: metrics ? [metrics.calls] : [],
    heartbeatBatch: (size) => metrics?.heartbeatBatch(size),
    fleetJobs: metrics?.fleetJobs ?? (() => {}),
    addToServer(server, serviceNames) {
      health = addHealth(server, serviceNames, () => probe.probe(), config.healthProbeIntervalMs, logger);
      addReflection(server);
    },
    async start() {
      health?.start();
      if (metrics && config.metricsListenAddress) scrapes = await listenForScrapes(config.metricsListenAddress, metrics.registry, logger);
      return scrapes?.address;
    },
    async stop() {
      health?.stop();
      await scrapes?.close();
      await probe.close();
    },
  };
}
