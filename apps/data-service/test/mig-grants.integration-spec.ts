import { Client } from 'pg';
import { createMigDataSource, MIG_MIGRATIONS } from '@mig-data/database';
import { createTestDatabase, type TestDatabase } from '@mig-data/test-database';

type Operation = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
/** table → '*' (the whole table) or the columns granted. */
type Grants = Partial<Record<Operation, Record<string, '*' | string[]>>>;

const MIG_TABLES = ['actions', 'agents', 'agents_stats', 'agtmodreq', 'commands', 'investigators', 'invagtmodperm', 'loaders', 'manifests', 'manifestsig', 'modules', 'signatures'];
const all = (tables: string[]) => Object.fromEntries(tables.map((table) => [table, '*' as const]));

/** The GRANTs that end MIG's final schema.sql (mozilla/mig database/schema.sql), written out as data. */
const MIG_GRANTS: Record<'migscheduler' | 'migapi' | 'migreadonly', Grants> = {
  migscheduler: {
    SELECT: all(MIG_TABLES),
    INSERT: all(['actions', 'commands', 'agents', 'agents_stats', 'signatures', 'investigators']),
    UPDATE: all(['actions', 'commands', 'agents', 'agents_stats', 'signatures']),
  },
  migapi: {
    SELECT: {
      ...all(['actions', 'agents', 'agents_stats', 'agtmodreq', 'commands', 'invagtmodperm', 'loaders', 'manifests', 'manifestsig', 'modules', 'signatures']),
      investigators: ['id', 'name', 'pgpfingerprint', 'publickey', 'status', 'createdat', 'lastmodified', 'permissions', 'apikey', 'apisalt'],
    },
    INSERT: {
      ...all(['agents', 'actions', 'signatures', 'manifests', 'manifestsig', 'loaders']),
      investigators: ['name', 'pgpfingerprint', 'publickey', 'status', 'createdat', 'lastmodified', 'permissions'],
    },
    UPDATE: {
      investigators: ['permissions', 'status', 'lastmodified', 'apikey', 'apisalt'],
      loaders: ['name', 'env', 'tags', 'loaderkey', 'salt', 'lastseen', 'enabled', 'expectenv', 'queueloc'],
      manifests: ['status'],
    },
    DELETE: all(['manifestsig']),
  },
  migreadonly: {
    SELECT: {
      ...all(['actions', 'agents', 'agtmodreq', 'commands', 'invagtmodperm', 'modules', 'signatures']),
      loaders: ['id', 'env', 'tags', 'expectenv', 'loadername', 'queueloc'],
      investigators: ['id', 'name', 'pgpfingerprint', 'publickey', 'status', 'createdat', 'lastmodified'],
    },
  },
};
const SEQUENCE_USAGE: Record<keyof typeof MIG_GRANTS, string[]> = {
  migscheduler: ['investigators_id_seq'],
  migapi: ['investigators_id_seq', 'loaders_id_seq', 'manifests_id_seq'],
  migreadonly: [],
};
/** MIG grants migreadonly to both login roles, which inherit what it may do. */
const MEMBER_OF: Record<keyof typeof MIG_GRANTS, Array<keyof typeof MIG_GRANTS>> = { migscheduler: ['migreadonly'], migapi: ['migreadonly'], migreadonly: [] };

function allowed(role: keyof typeof MIG_GRANTS, operation: Operation, table: string, column?: string): boolean {
  return [role, ...MEMBER_OF[role]].some((granted) => {
    const grant = MIG_GRANTS[granted][operation]?.[table];
    return grant === '*' || (column !== undefined && grant !== undefined && grant.includes(column));
  });
}

/** The statement that needs exactly `operation` on `table` (or on one of its columns), touching no row. */
function probe(operation: Operation, table: string, column?: string): string {
  const t = `"${table}"`;
  const c = `"${column}"`;
  switch (operation) {
    case 'SELECT':
      return `SELECT ${c} FROM ${t} WHERE false`;
    case 'INSERT':
      return `INSERT INTO ${t} (${c}) SELECT NULL WHERE false`;
    case 'UPDATE':
      return `UPDATE ${t} SET ${c} = NULL WHERE false`;
    case 'DELETE':
      return `DELETE FROM ${t} WHERE false`;
  }
}

describe("MIG's grants and role membership", () => {
  let database: TestDatabase;
  let client: Client;
  let columns: Map<string, string[]>;
  let sequences: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    // Re-applied on a database that already has them (as on one MIG's own schema.sql made): harmless.
    const dataSource = createMigDataSource(database.url, { poolSize: 1 });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      const migration = MIG_MIGRATIONS.find((candidate) => candidate.name === 'MigGrants1796000100002');
      await new migration!().up(runner);
    } finally {
      await runner.release();
      await dataSource.destroy();
    }
    client = new Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; columns: string[] }>(
      `SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS columns
       FROM information_schema.columns WHERE table_schema = current_schema() GROUP BY table_name ORDER BY table_name`,
    );
    columns = new Map(rows.map((row) => [row.table_name, row.columns]));
    sequences = (await client.query(`SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1`)).rows.map((row) => row.sequencename);
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  /** Runs `sql` as `role` in a transaction that is rolled back: 'allowed', 'refused', or the unexpected error. */
  async function as(role: string, sql: string): Promise<string> {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL ROLE ${role}`);
      await client.query(sql);
      return 'allowed';
    } catch (error) {
      return (error as { code?: string }).code === '42501' ? 'refused' : `failed: ${(error as Error).message}`;
    } finally {
      await client.query('ROLLBACK');
    }
  }

  it("covers MIG's tables and the service's own", () => {
    for (const table of [...MIG_TABLES, 'mig_data_migrations', 'mig_data_job_runs', 'mig_data_target_sandbox']) expect([table, columns.has(table)]).toEqual([table, true]);
  });

  for (const role of Object.keys(MIG_GRANTS) as Array<keyof typeof MIG_GRANTS>) {
    it(`${role} may do on every table and column what MIG's schema.sql allows, and nothing else`, async () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const [table, tableColumns] of columns) {
        for (const operation of ['SELECT', 'INSERT', 'UPDATE'] as const) {
          for (const column of tableColumns) {
            const expected = allowed(role, operation, table, column) ? 'allowed' : 'refused';
            const got = await as(role, probe(operation, table, column));
            checked++;
            if (got !== expected) wrong.push(`${operation} ${table}.${column}: ${got}, MIG's schema.sql: ${expected}`);
          }
        }
        const expected = allowed(role, 'DELETE', table) ? 'allowed' : 'refused';
        const got = await as(role, probe('DELETE', table));
        checked++;
        if (got !== expected) wrong.push(`DELETE ${table}: ${got}, MIG's schema.sql: ${expected}`);
      }
      for (const sequence of sequences) {
        const expected = SEQUENCE_USAGE[role].includes(sequence) ? 'allowed' : 'refused';
        const got = await as(role, `SELECT nextval('${sequence}')`);
        checked++;
        if (got !== expected) wrong.push(`USAGE ${sequence}: ${got}, MIG's schema.sql: ${expected}`);
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(300);
    });
  }

  it('keeps the private key from migapi and migreadonly and gives it to migscheduler, which signs with it', async () => {
    expect(await as('migscheduler', 'SELECT privatekey FROM investigators')).toBe('allowed');
    expect(await as('migapi', 'SELECT privatekey FROM investigators')).toBe('refused');
    expect(await as('migreadonly', 'SELECT privatekey FROM investigators')).toBe('refused');
    expect(await as('migapi', 'SELECT * FROM investigators')).toBe('refused');
  });

  it.each(['migscheduler', 'migapi'])('lets %s, logged in as itself, SET ROLE migreadonly as MIG\'s target expansion does', async (role) => {
    await client.query('BEGIN');
    try {
      // SET ROLE is checked against the session user: become the login role first, as MIG's components are.
      await client.query(`SET LOCAL SESSION AUTHORIZATION ${role}`);
      await client.query('SET LOCAL ROLE migreadonly');
      const { rows } = await client.query(`SELECT current_user::text AS role, session_user::text AS session, count(*)::int AS n FROM agents WHERE status IN ('online', 'idle') AND (true)`);
      expect(rows[0]).toEqual({ role: 'migreadonly', session: role, n: 0 });
      await expect(client.query('SELECT privatekey FROM investigators')).rejects.toThrow('permission denied');
    } finally {
      await client.query('ROLLBACK');
    }
    // and no further: membership of migreadonly is all MIG gives them.
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL SESSION AUTHORIZATION ${role}`);
      await expect(client.query('SET LOCAL ROLE migadmin')).rejects.toThrow('permission denied to set role');
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
