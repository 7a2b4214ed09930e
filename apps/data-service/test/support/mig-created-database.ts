import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { asAdmin, createDatabase, dropDatabase } from '@mig-data/database';
import { TEST_ADMIN_URL_VARIABLE } from '@mig-data/test-database';
import { randomBytes } from 'node:crypto';

/** Which of MIG's schema.sql files created the database (both vendored in libs/database/test-fixtures). */
export type MigGeneration = 'final' | '2015';

const SCHEMA_FILES: Record<MigGeneration, string> = { final: 'final-schema.sql', '2015': 'schema-2015.sql' };
const FIXTURES = join(__dirname, '..', '..', '..', '..', 'libs', 'database', 'test-fixtures', 'mig-schema');

export interface MigCreatedDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database as MIG's createlocaldb.sh makes one: the roles its schema.sql names, then schema.sql
 * itself. Roles belong to the whole cluster, and test files run in parallel on one: each role is
 * created only if missing, and a concurrent creation is not an error. schema.sql's own
 * `CREATE ROLE migreadonly;` fails once the role exists, so that one line runs the same guarded way.
 */
export async function createMigCreatedDatabase(generation: MigGeneration): Promise<MigCreatedDatabase> {
  const adminUrl = process.env[TEST_ADMIN_URL_VARIABLE];
  if (!adminUrl) throw new Error('no test PostgreSQL: run under the project jest config (globalSetup)');
  const name = `mig_created_${generation}_${randomBytes(5).toString('hex')}`;
  const url = await createDatabase(adminUrl, name);
  await asAdmin(adminUrl, (admin) => admin.query(createRolesIfMissing(['migadmin', 'migscheduler', 'migapi', 'migreadonly'])));
  const schema = readFileSync(join(FIXTURES, SCHEMA_FILES[generation]), 'utf8').replace(/^CREATE ROLE migreadonly;$/m, '-- (migreadonly: created above, if missing)');
  await withClient(url, (client) => client.query(schema));
  return { url, drop: () => dropDatabase(adminUrl, name) };
}

export function createRolesIfMissing(roles: string[]): string {
  return `DO $$
    DECLARE role_name text;
    BEGIN
      FOREACH role_name IN ARRAY ARRAY[${roles.map((role) => `'${role}'`).join(', ')}] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
          BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
      END LOOP;
    END $$;`;
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

