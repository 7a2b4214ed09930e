import { connectDataService, type DataServiceClients } from '@mig-data/client';
import type { SearchFilter } from '@mig-data/contract';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';
import { Pool } from 'pg';
import { readServiceConfig } from '../src/config/service-config';
import { silentLogger } from '../src/logging/logger';
import { startDataService, type RunningDataService } from '../src/start-data-service';

const filter = (fields: Partial<SearchFilter>): SearchFilter => ({ limit: 0, offset: 0, after: undefined, before: undefined, ...fields });

// MIG's servers run in any time zone. PostgreSQL writes times as text in the session's zone, and
// years before 1900 with the local mean time offset (+00:09:21 in Paris), which Date cannot read:
// Go's zero time, MIG's finish time of every unfinished action, must still read as unset.
describe('search on a database whose time zone is not UTC', () => {
  let database: TestDatabase;
  let service: RunningDataService;
  let clients: DataServiceClients;

  beforeAll(async () => {
    database = await createTestDatabase();
    const admin = new Pool({ connectionString: database.url, max: 1 });
    await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET TimeZone TO 'Europe/Paris'`);
    await admin.query(`INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, destructiontime, heartbeattime, refreshtime, status)
                       VALUES (9200001, 'paris.example.net', 'linux.paris.example.net.q1', 'daemon', '1', 42, now(), '9998-01-11 11:11:11Z', now(), now(), 'online')`);
    await admin.query(`INSERT INTO actions (id, name, target, operations, validfrom, expireafter, starttime, finishtime, lastupdatetime, status, syntaxversion, pgpsignatures)
                       VALUES (9200101, 'in Paris', 'true', '[]', now(), now() + interval '1 hour', now(), '0001-01-01 00:00:00Z', now(), 'inflight', 2, '[]')`);
    await admin.query(`INSERT INTO commands (id, actionid, agentid, status, starttime, finishtime, results)
                       VALUES (9200201, 9200101, 9200001, 'sent', now(), '9998-01-11 11:11:11Z', '[]')`);
    await admin.end();
    service = await startDataService(
      readServiceConfig({ DATABASE_URL: database.url, MIG_DATA_LISTEN: '127.0.0.1:0', MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0', MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0' }),
      silentLogger,
    );
    clients = connectDataService(service.address);
  });

  afterAll(async () => {
    clients.close();
    await service.stop();
    await database.drop();
  });

  it('reads commands with their unfinished action, Go zero time and all, as unset', async () => {
    const { commands } = await clients.search.searchCommands({ filter: filter({ actionId: 9200101 }) });
    expect(commands.map((command) => command.id)).toEqual([9200201]);
    expect(commands[0].finishtime).toBeUndefined();
    expect(commands[0].action?.finishtime).toBeUndefined();
    expect(commands[0].action?.validfrom).toBeInstanceOf(Date);
  });

  it('reads actions and agents the same way', async () => {
    const { actions } = await clients.search.searchActions({ filter: filter({ actionId: 9200101 }) });
    expect(actions.map((action) => [action.id, action.finishtime])).toEqual([[9200101, undefined]]);
    const { agents } = await clients.search.searchAgents({ filter: filter({ agentName: 'paris.example.net' }) });
    expect(agents.map((agent) => [agent.id, agent.destructiontime])).toEqual([[9200001, undefined]]);
  });
});
