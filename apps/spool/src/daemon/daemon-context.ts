import type { DataServiceClients } from '@mig-data/client';
import type { SpoolLayout, SpoolSettings } from '@mig-data/spool';
import type { SpoolLogger } from '../spool-logger';

/** What every step of the daemon works with. */
export interface DaemonContext {
  layout: SpoolLayout;
  settings: SpoolSettings;
  clients: DataServiceClients;
  log: SpoolLogger;
  now(): Date;
  /** Agents per CreateCommands call and per batch of command files: bounds a fan-out's memory. */
  fanOutChunk: number;
  /** Calls to the service in flight at once for one action's commands. */
  callsInFlight: number;
  /** Commands this process already recorded as sent (a repeat would be harmless; this spares the calls). */
  recordedSent: Set<number>;
}
