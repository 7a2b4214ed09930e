import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openMigratedDataSource } from './data-source';
import { startEmbeddedPostgres } from './embedded-postgres/embedded-postgres';
import { MIG_PG_TYPES } from './pg-type-parsers';

/**
 * Throwaway MIG databases for tests and benchmarks: a PostgreSQL to create them on (the server
 * given, or an embedded one in a temporary directory), and fresh migrated databases on it, so
 * that no run ever touches a database someone else named.
 */
export interface ScratchServer {
  /** The server's maintenance database URL, for creating and dropping databases. */
  adminUrl: string;
  /** True when this process started the server (an embedded PostgreSQL). */
  embedded: boolean;
  /** Stops the embedded PostgreSQL and removes its files; a given server is left as it was. */
  stop(): Promise<void>;
}

/** The server of `serverUrl` when given, else an embedded PostgreSQL in a new temporary directory. */
export async function openScratchServer(serverUrl: string | undefined, purpose: string): Promise<ScratchServer> {
  if (serverUrl) return { adminUrl: serverUrl, embedded: false, stop: async () => undefined };
  // The directory itself (not a child of it): as root, embedded-postgres hands it to the postgres user.
  const server = await startEmbeddedPostgres({ dataDir: await mkdtemp(join(tmpdir(), `mig-${purpose}-pg-`)), ephemeral: true });
  return { adminUrl: server.adminUrl, embedded: true, stop: () => server.stop() };
}

/** Creates database `name` (a copy of `template` when given) and returns its URL. */
export async function createDatabase(adminUrl: string, name: string, options: { template?: string; migrate?: boolean } = {}): Promise<string> {
  await asAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${quoteIdentifier(name)}${options.template ? ` TEMPLATE ${quoteIdentifier(options.template)}` : ''}`));
  const url = withDatabase(adminUrl, name);
  if (options.migrate) await (await openMigratedDataSource(url, { poolSize: 2 })).destroy();
  return url;
}

/**
 * Drops database `name`, closing whatever connections it still has, and its target sandbox role
 * once no other database (a copy, or the template it was copied from) still grants it anything.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sandboxRoles = await targetSandboxRoles(withDatabase(adminUrl, name));
  await asAdmin(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
    for (const role of sandboxRoles) {
      await admin.query(`DROP ROLE IF EXISTS ${quoteIdentifier(role)}`).catch(() => undefined); // still granted elsewhere
    }
  });
}

async function targetSandboxRoles(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url, types: MIG_PG_TYPES });
  try {
    await client.connect();
    const { rows } = await client.query<{ rolname: string }>(`SELECT rolname FROM mig_data_target_sandbox`);
    return rows.map((row) => row.rolname);
  } catch {
    return []; // no such database, or not migrated that far
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` on a connection to the maintenance database; `SHOW`s and the like. */
export async function asAdmin<T>(adminUrl: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: adminUrl, types: MIG_PG_TYPES });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
