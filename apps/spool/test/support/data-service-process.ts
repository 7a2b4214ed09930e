import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'pg';
import { connectDataService, type DataServiceClients } from '@mig-data/client';
import { spawnDataServiceProcess, type TestDatabase } from '@mig-data/test-database';

export interface DataServiceProcess {
  /** host:port of the service, what the spool daemon is given. */
  address: string;
  clients: DataServiceClients;
  /** Direct SQL on the service's database, for the checker. */
  sql: Pool;
  database: TestDatabase;
  /** The calls of `method` (e.g. FinishCommand) the service answered with `code` (default OK), from its Prometheus endpoint. */
  handledCalls(method: string, code?: string): Promise<number>;
  stop(): Promise<void>;
}

const MAIN = join(__dirname, '../../../data-service/dist/main.js');

/**
 * The built data service (`nx run data-service:build`) as its own process on a fresh test
 * database, with its metrics endpoint on: the spool daemon under test talks to it as it would in
 * production, and the test reads from the service how many calls it answered. Its fleet jobs are
 * off, so that no status sweep turns the test's agents offline mid-run.
 */
export async function startDataServiceProcess(): Promise<DataServiceProcess> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const child = await spawnDataServiceProcess(MAIN, {
    MIG_DATA_METRICS_LISTEN: metricsAddress,
    MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0',
    MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0',
  });
  const clients = connectDataService(child.address);
  const sql = new Pool({ connectionString: child.database.url, max: 2 });
  return {
    address: child.address,
    clients,
    sql,
    database: child.database,
    handledCalls: async (method, code = 'OK') => {
      const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('grpc_server_handled_total{') && line.includes(`grpc_method="${method}"`) && line.includes(`grpc_code="${code}"`)) total += Number(line.split(' ').pop());
      }
      return total;
    },
    stop: async () => {
      clients.close();
      await sql.end();
      await child.stop();
    },
  };
}

/** A loopback port free at this moment (the service binds it right after). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
