import type { Server } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Logger } from '../logging/logger';

export interface HealthReporting {
  /** Starts probing the database every `intervalMs`. */
  start(): void;
  /** Stops probing and says NOT_SERVING to every watcher (the service is going away). */
  stop(): void;
}

/**
 * grpc.health.v1 Health (Check and Watch) from grpc-health-check, the grpc-js project's own
 * implementation: the overall status ("") and each served service's name are SERVING while the
 * database answers a probe and NOT_SERVING while it does not (every RPC needs it). The probe runs
 * on a timer, so a Check never waits for the database; names not served are NOT_FOUND.
 */
export function addHealth(server: Server, serviceNames: readonly string[], probe: () => Promise<void>, intervalMs: number, logger: Logger): HealthReporting {
  const names = ['', ...serviceNames];
  // Just opened and migrated: the database answered moments ago.
  let current: ServingStatus = 'SERVING';
  const health = new HealthImplementation(Object.fromEntries(names.map((name) => [name, current])));
  health.addToServer(server);
  const set = (next: ServingStatus) => {
    if (next === current) return;
    current = next;
    for (const name of names) health.setStatus(name, next);
  };

  let timer: NodeJS.Timeout | undefined;
  let probing = false;
  const check = async () => {
    if (probing) return; // the probe has its own time limit; never two at once
    probing = true;
    try {
      await probe();
      if (current !== 'SERVING') logger.info('database reachable again: health SERVING');
      set('SERVING');
    } catch (error) {
      if (current === 'SERVING') logger.warn('database unreachable: health NOT_SERVING', { reason: error instanceof Error ? error.message : String(error) });
      set('NOT_SERVING');
    } finally {
      probing = false;
    }
  };
  return {
    start: () => {
      timer ??= setInterval(() => void check(), intervalMs);
    },
    stop: () => {
      clearInterval(timer);
      set('NOT_SERVING');
    },
  };
}
