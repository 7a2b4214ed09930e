import { gunzipSync } from 'node:zlib';
import { connectDataService, type DataServiceClients } from '@mig-data/client';
import { ADOPTION_STEPS, MIG_MIGRATIONS, MigAdoptionRefusedError, openMigratedDataSource } from '@mig-data/database';
import { readServiceConfig } from '../src/config/service-config';
import { createLogger } from '../src/logging/logger';
import { startDataService, type RunningDataService } from '../src/start-data-service';
import { createMigCreatedDatabase, withClient, type MigCreatedDatabase, type MigGeneration } from './support/mig-created-database';
import { COMPRESSED_PARAMETERS, fillWithMigShapedRows, MIG_IDS } from './support/mig-shaped-rows';
import type { Client } from 'pg';
import { expandedAgents } from './support/expansion';

/** Every row of every table MIG's schema.sql made, each column as PostgreSQL's text, table by table. */
type Dump = Record<string, string[]>;

async function migColumns(client: Client): Promise<Record<string, string[]>> {
  const { rows } = await client.query(
    `SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS columns FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name NOT LIKE 'mig_data_%' GROUP BY table_name`,
  );
  return Object.fromEntries(rows.map((row) => [row.table_name, row.columns]));
}

/** The rows of `columns` (the tables and columns MIG had before adoption), exact to the byte and the nanosecond. */
async function dump(client: Client, columns: Record<string, string[]>): Promise<Dump> {
  const out: Dump = {};
  for (const [table, names] of Object.entries(columns)) {
    const row = `json_build_array(${names.map((name) => `"${name}"::text`).join(', ')})::text`;
    out[table] = (await client.query(`SELECT ${row} AS row FROM "${table}" ORDER BY 1`)).rows.map((r) => r.row);
  }
  return out;
}

describe.each<MigGeneration>(['final', '2015'])("a database created by MIG's %s schema.sql and filled by MIG", (generation) => {
  let db: MigCreatedDatabase;
  let service: RunningDataService;
  let clients: DataServiceClients;
  const logLines: Record<string, unknown>[] = [];
  let before: Dump;
  let after: Dump;
  let columnsBefore: Record<string, string[]>;
  let adoptedAt: Date;

  beforeAll(async () => {
    db = await createMigCreatedDatabase(generation);
    await withClient(db.url, async (client) => {
      await fillWithMigShapedRows(client, generation);
      columnsBefore = await migColumns(client);
      before = await dump(client, columnsBefore);
    });
    const config = readServiceConfig({
      DATABASE_URL: db.url,
      MIG_DATA_LISTEN: '127.0.0.1:0',
      MIG_DATA_DB_POOL_SIZE: '3',
      MIG_DATA_AGENT_STATUS_JOB_INTERVAL_MS: '0',
      MIG_DATA_AGENTS_STATS_JOB_INTERVAL_MS: '0',
    });
    adoptedAt = new Date();
    service = await startDataService(config, createLogger('info', (line) => logLines.push(JSON.parse(line))));
    clients = connectDataService(service.address);
    after = await withClient(db.url, (client) => dump(client, columnsBefore));
  });
  afterAll(async () => {
    clients?.close();
    await service?.stop();
    await db?.drop();
  });

  it('keeps every row of every MIG table, unchanged to the byte', () => {
    const seed = ['actions', 'agents', 'agents_stats', 'agtmodreq', 'commands', 'investigators', 'invagtmodperm', 'modules', 'signatures'];
    expect(Object.keys(before).sort()).toEqual((generation === 'final' ? [...seed, 'loaders', 'manifests', 'manifestsig'] : seed).sort());
    expect(Object.values(before).every((rows) => rows.length > 0)).toBe(true);
    expect(after).toEqual(before);
  });

  it('records the baseline as adopted and applies every later migration', async () => {
    const applied = await withClient(db.url, (client) => client.query(`SELECT name FROM mig_data_migrations ORDER BY id`));
    expect(applied.rows.map((row) => row.name)).toEqual(MIG_MIGRATIONS.map((migration) => new migration().name));
  });

  it('logs one JSON line per adoption step', () => {
    const steps = logLines.filter((line) => line.msg === 'adoption step done').map((line) => line.step);
    expect(steps).toEqual(ADOPTION_STEPS.map((step) => step.name));
    expect(logLines.find((line) => line.step === 'done')).toMatchObject({ level: 'info', elapsedMs: expect.any(Number) });
  });

  it("adds MIG's final columns where the 2015 tables lack them, from the rows' own values", async () => {
    const { rows } = await withClient(db.url, (client) =>
      client.query(`SELECT count(*)::int AS agents, count(*) FILTER (WHERE refreshtime = heartbeattime)::int AS refreshed FROM agents`),
    );
    expect(rows[0]).toEqual({ agents: 3, refreshed: 3 });
    const permissions = await withClient(db.url, (client) => client.query(`SELECT id::int, permissions::int FROM investigators ORDER BY id`));
    expect(permissions.rows).toEqual(
      generation === 'final'
        ? [{ id: 1, permissions: 0 }, { id: 2, permissions: 1023 }, { id: 3, permissions: 4 }]
        : [{ id: 1, permissions: 0 }, { id: 2, permissions: 0 }, { id: 3, permissions: 0 }],
    );
  });

  it("hands out new ids above MIG's ids and above what MIG's time-based generator gave when adopted", async () => {
    const { rows } = await withClient(db.url, (client) => client.query(`SELECT nextval('mig_id_seq')::bigint AS next`));
    const generatorAtAdoption = (Math.floor(adoptedAt.getTime() / 1000) - 1_367_258_400 + 1) * 65_536;
    expect(Number(rows[0].next)).toBeGreaterThan(MIG_IDS.compressedAction);
    expect(Number(rows[0].next)).toBeGreaterThanOrEqual(generatorAtAdoption);
  });

  it('stores actions.pgpsignatures as json holding the very text MIG wrote', async () => {
    const { rows } = await withClient(db.url, (client) =>
      client.query(`SELECT data_type, is_nullable FROM information_schema.columns WHERE table_name = 'actions' AND column_name = 'pgpsignatures'`),
    );
    expect(rows).toEqual([{ data_type: 'json', is_nullable: 'NO' }]);
  });

  it('serves agents, actions, commands and investigators read through gRPC', async () => {
    const { agent } = await clients.agents.getAgent({ id: MIG_IDS.online });
    expect(agent).toMatchObject({ id: MIG_IDS.online, name: 'web1.example.net', status: 'online', queueloc: 'linux.web1.example.net.4f3e2d1c' });
    expect(agent?.environment).toMatchObject({ ident: 'Ubuntu 18.04 bionic', os: 'linux' });
    const listed = await clients.agents.listAgents({ name: 'web1.example.net', heartbeatAfter: undefined, pageSize: 10, pageToken: '' });
    expect(listed.agents.map((a) => a.id).sort()).toEqual([MIG_IDS.online, MIG_IDS.destroyed]);

    const plain = (await clients.actions.getAction({ id: MIG_IDS.plainAction })).action;
    expect(plain).toMatchObject({ name: 'find passwd', status: 'completed', syntaxversion: 2, pgpsignatures: [expect.stringMatching(/=6W1q$/)] });
    expect(plain?.operations[0]).toMatchObject({ module: 'file', parameters: COMPRESSED_PARAMETERS });
    expect(plain?.counters).toMatchObject({ sent: 2, success: 1, expired: 1, done: 2 });
    expect(plain?.investigators.map((i) => i.name)).toEqual(['Alice Kelso']);
    const compressed = (await clients.actions.getAction({ id: MIG_IDS.compressedAction })).action;
    const parameters = compressed?.operations[0].parameters as string;
    expect(JSON.parse(gunzipSync(Buffer.from(parameters, 'base64')).toString())).toEqual(COMPRESSED_PARAMETERS);

    const { command } = await clients.commands.getCommand({ id: MIG_IDS.successCommand });
    expect(command).toMatchObject({ status: 'success', actionId: MIG_IDS.plainAction, agentId: MIG_IDS.online });
    expect(command?.results[0]).toMatchObject({ foundanything: true });
    const commands = await clients.commands.listCommands({ actionId: MIG_IDS.compressedAction, pageSize: 10, pageToken: '' });
    expect(commands.commands.map((c) => [c.id, c.status])).toEqual([[MIG_IDS.compressedCommand, 'sent']]);

    const alice = (await clients.investigators.getInvestigator({ id: MIG_IDS.alice })).investigator;
    expect(alice).toMatchObject({ name: 'Alice Kelso', status: 'active', pgpfingerprint: 'B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1' });
    const bob = (await clients.investigators.getInvestigatorByFingerprint({ pgpfingerprint: 'C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2' })).investigator;
    expect(bob).toMatchObject({ id: MIG_IDS.bob, status: 'disabled' });
    const everyone = await clients.investigators.listInvestigators({ pageSize: 10, pageToken: '' });
    expect(everyone.investigators.map((i) => i.id).sort()).toEqual([MIG_IDS.scheduler, MIG_IDS.alice, MIG_IDS.bob]);
    expect((await clients.investigators.getSchedulerInvestigator({})).investigator).toMatchObject({ id: MIG_IDS.scheduler });
  });

  it('serves fleet queries and search over the adopted rows', async () => {
    const stats = await clients.fleet.listAgentsStats({ pageSize: 10, pageToken: '' });
    expect(stats.stats).toHaveLength(1);
    const expanded = await expandedAgents(clients.fleet, { target: "queueloc LIKE 'linux.%'", withEnvironment: true });
    expect(expanded.map((a) => a.id)).toEqual([MIG_IDS.online]);

    const filter = { limit: 0, offset: 0, after: undefined, before: undefined };
    const actions = await clients.search.searchActions({ filter: { ...filter, actionName: 'find passwd%' } });
    expect(actions.actions.map((a) => a.id).sort()).toEqual([MIG_IDS.plainAction, MIG_IDS.compressedAction]);
    const found = await clients.search.searchCommands({ filter: { ...filter, foundanything: true } as never });
    expect(found.commands.map((c) => c.id)).toEqual([MIG_IDS.successCommand]);
    const agents = await clients.search.searchAgents({ filter: { ...filter, agentName: 'laptop1%' } as never });
    expect(agents.agents.map((a) => a.id)).toEqual([MIG_IDS.offline]);
  });

  it('runs every adoption step again without error and without changing a row (idempotent)', async () => {
    await withClient(db.url, async (client) => {
      const now = await dump(client, columnsBefore);
      await client.query('BEGIN');
      for (const step of ADOPTION_STEPS) await client.query(step.sql);
      await client.query('COMMIT');
      expect(await dump(client, columnsBefore)).toEqual(now);
    });
  });
});

describe('adopting a MIG database the service cannot take as it is', () => {
  const refused = async (spoil: (client: Client) => Promise<unknown>): Promise<{ error: unknown; changed: boolean; db: MigCreatedDatabase }> => {
    const db = await createMigCreatedDatabase('final');
    await withClient(db.url, async (client) => {
      await fillWithMigShapedRows(client, 'final');
      await spoil(client);
    });
    const error = await openMigratedDataSource(db.url, { poolSize: 2, log: () => undefined }).then(
      (dataSource) => dataSource.destroy(),
      (failure: unknown) => failure,
    );
    const changed = await withClient(db.url, async (client) => {
      const { rows } = await client.query(
        `SELECT to_regclass('mig_data_migrations') IS NOT NULL OR to_regclass('mig_id_seq') IS NOT NULL OR to_regclass('commands_actionid_agentid_idx') IS NOT NULL AS changed`,
      );
      return rows[0].changed as boolean;
    });
    return { error, changed, db };
  };

  it('refuses duplicate commands and several private keys, naming the rows, and changes nothing', async () => {
    const { error, changed, db } = await refused(async (client) => {
      await client.query(`INSERT INTO commands (id, actionid, agentid, status, results, starttime, finishtime) VALUES (77, $1, $2, 'sent', '[]', now(), now())`, [
        MIG_IDS.plainAction,
        MIG_IDS.online,
      ]);
      await client.query(`UPDATE investigators SET privatekey = 'ANOTHER KEY' WHERE id = $1`, [MIG_IDS.bob]);
    });
    try {
      expect(error).toBeInstanceOf(MigAdoptionRefusedError);
      const message = (error as Error).message;
      expect(message).toContain('nothing was changed');
      expect(message).toContain('commands must be unique per (actionid, agentid)');
      expect(message).toContain(`"ids":[77,${MIG_IDS.successCommand}]`);
      expect(message).toContain('at most one investigator may hold a private key');
      expect(message).toContain('"name":"Bob Kelso"');
      expect(changed).toBe(false);
    } finally {
      await db.drop();
    }
  });

  it("refuses MIG's intermediate loaders table, saying which columns it lacks", async () => {
    const { error, changed, db } = await refused((client) => client.query(`ALTER TABLE loaders DROP COLUMN keyprefix, DROP COLUMN expectenv`));
    try {
      expect((error as Error).message).toContain('loaders lacks keyprefix, expectenv');
      expect(changed).toBe(false);
    } finally {
      await db.drop();
    }
  });
});
