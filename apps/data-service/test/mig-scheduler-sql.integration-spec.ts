import { openMigratedDataSource } from '@mig-data/database';
import { createMigCreatedDatabase, withClient, type MigCreatedDatabase, type MigGeneration } from './support/mig-created-database';
import { LIVE_AGENTS_DRIFT } from './support/live-agents-drift';
import { MIG_ACTIVE_AGENTS_BY_TARGET, MIG_SCHEDULER_STATEMENTS, type MigStatement } from './support/mig-database-sql';
import { fillWithMigShapedRows, MIG_IDS } from './support/mig-shaped-rows';

/**
 * MIG's own Go scheduler and API keep working on a database the service adopted: every SQL statement
 * of MIG's database package they run (vendored verbatim) succeeds as MIG's role, touches the rows
 * MIG's code expects, and returns no NULL where Go scans into a non-null type. Each runs in a
 * transaction rolled back afterwards, so each sees the rows as MIG left them.
 */
describe.each<MigGeneration>(['final', '2015'])("MIG's database SQL on an adopted database created by MIG's %s schema.sql", (generation) => {
  let db: MigCreatedDatabase;

  beforeAll(async () => {
    db = await createMigCreatedDatabase(generation);
    await withClient(db.url, (client) => fillWithMigShapedRows(client, generation));
    await (await openMigratedDataSource(db.url, { poolSize: 2, log: () => undefined })).destroy();
  });
  afterAll(() => db?.drop());

  it.each(MIG_SCHEDULER_STATEMENTS.map((statement) => [statement.method, statement] as [string, MigStatement]))('%s', async (_method, statement) => {
    await withClient(db.url, async (client) => {
      await client.query('BEGIN');
      try {
        await client.query(`SET ROLE ${statement.role}`);
        // Every value as PostgreSQL's text, so that SQL NULL (null here) is told apart from the JSON text null.
        const query = { text: statement.sql, values: statement.parameters, rowMode: 'array' as const, types: { getTypeParser: () => (value: string) => value } };
        if (statement.refusedSincePostgres10) {
          await expect(client.query(query)).rejects.toThrow('source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression');
          return;
        }
        const result = await client.query(query);
        const count = result.command === 'SELECT' || result.rows.length > 0 ? result.rows.length : result.rowCount;
        if (statement.rows === 'some') expect(count).toBeGreaterThan(0);
        else expect(count).toBe(statement.rows);
        const names = result.fields.map((field) => field.name);
        for (const row of result.rows as unknown[][]) {
          row.forEach((value, index) => {
            if (statement.nonNull.includes('*') || statement.nonNull.includes(names[index])) expect([names[index], value]).not.toEqual([names[index], null]);
          });
        }
        // Whatever it wrote, the service's table of live agents still matches agents (its triggers run as their owner, not as MIG's role).
        await client.query('RESET ROLE');
        expect((await client.query(LIVE_AGENTS_DRIFT)).rows).toEqual([]);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });

  it.each(['migscheduler', 'migapi'])('ActiveAgentsByTarget as %s: SET ROLE migreadonly, the target, back to the role', async (role) => {
    await withClient(db.url, async (client) => {
      await client.query('BEGIN');
      try {
        await client.query(`SET ROLE ${role}`);
        const [{ current_user: dbuser }] = (await client.query('SELECT CURRENT_USER')).rows;
        await client.query('SET ROLE migreadonly');
        const { rows } = await client.query(MIG_ACTIVE_AGENTS_BY_TARGET("queueloc LIKE 'linux.%' AND environment->>'ident' ILIKE '%ubuntu%'"));
        expect(rows.map((row) => Number(row.id))).toEqual([MIG_IDS.online]);
        for (const row of rows) expect(Object.entries(row).filter(([, value]) => value === null)).toEqual([]);
        await client.query(`SET ROLE ${dbuser}`);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  });
});
