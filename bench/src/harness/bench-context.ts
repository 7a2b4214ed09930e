import type { Pool } from 'pg';
import type { DataServiceClients } from '@mig-data/client';
import type { BenchFleet } from '../data/bench-fleet';
import type { EchoClient } from '../echo/echo-client';
import type { BenchSizes } from '../bench-options';
import type { ChildServer } from './service-process';

/** What every scenario may use: the same database for the service and its raw baselines. */
export interface BenchContext {
  sizes: BenchSizes;
  /** The raw baselines' pool: as many connections as the service's own pool. */
  pool: Pool;
  poolSize: number;
  service: ChildServer;
  clients: DataServiceClients;
  echoClient: EchoClient;
  fleet: BenchFleet;
  /** A directory on the repository's file system for spool files. */
  scratchDir: string;
}
