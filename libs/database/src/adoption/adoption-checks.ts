import type { QueryRunner } from 'typeorm';

/**
 * What a database created by MIG's own schema.sql must hold before the service adopts it, and the
 * rows that would break a rule the service's schema enforces. Nothing here changes the database:
 * every problem is collected first and reported together, so an operator fixes them in one pass
 * (the service never deletes or rewrites MIG's rows to make them fit).
 */

/** Columns of the seed's tables that the service reads and writes (spec/data-model.md). */
const SEED_COLUMNS: Record<string, string[]> = {
  actions: ['id', 'name', 'target', 'description', 'threat', 'operations', 'validfrom', 'expireafter', 'starttime', 'finishtime', 'lastupdatetime', 'status', 'syntaxversion', 'pgpsignatures'],
  agents: ['id', 'name', 'queueloc', 'mode', 'version', 'pid', 'starttime', 'destructiontime', 'heartbeattime', 'status', 'environment', 'tags'],
  commands: ['id', 'actionid', 'agentid', 'status', 'results', 'starttime', 'finishtime'],
  investigators: ['id', 'name', 'pgpfingerprint', 'publickey', 'privatekey', 'status', 'createdat', 'lastmodified'],
  signatures: ['actionid', 'investigatorid', 'pgpsignature'],
  modules: ['id', 'name'],
  agtmodreq: ['moduleid', 'agentid', 'minimumweight'],
  invagtmodperm: ['investigatorid', 'agentid', 'moduleid', 'weight'],
  agents_stats: ['timestamp', 'online_agents', 'online_agents_by_version', 'online_endpoints', 'idle_agents', 'idle_agents_by_version', 'idle_endpoints', 'new_endpoints', 'multi_agents_endpoints', 'disappeared_endpoints', 'flapping_endpoints'],
};

/**
 * MIG's final tables, when present, must be the final ones: between 2015 and 2019 MIG's loaders
 * table had other columns (loaderkey varchar(64), no keyprefix, salt, expectenv, queueloc), which
 * the final-schema migration would not add.
 */
const FINAL_COLUMNS: Record<string, string[]> = {
  loaders: ['id', 'loadername', 'keyprefix', 'loaderkey', 'salt', 'name', 'env', 'tags', 'lastseen', 'enabled', 'expectenv', 'queueloc'],
  manifests: ['id', 'name', 'content', 'timestamp', 'status', 'target'],
  manifestsig: ['manifestid', 'investigatorid', 'pgpsignature'],
};

/** Offending rows shown per problem; the query behind each finds them all. */
const SHOWN_ROWS = 20;

/** Rows that break a rule of the service's schema, with the SQL that finds them all. */
const DATA_RULES: { rule: string; sql: string }[] = [
  {
    rule: 'actions.pgpsignatures must be JSON text (MIG marshals a list of signatures into it); it becomes a json column',
    sql: `SELECT id, name, left(pgpsignatures::text, 80) AS pgpsignatures FROM actions WHERE NOT pg_temp.is_json(pgpsignatures::text) ORDER BY id`,
  },
  {
    rule: 'commands must be unique per (actionid, agentid): the service creates an action\'s commands idempotently',
    sql: `SELECT actionid, agentid, count(*) AS commands, array_agg(id ORDER BY id) AS ids FROM commands GROUP BY actionid, agentid HAVING count(*) > 1 ORDER BY actionid, agentid`,
  },
  {
    rule: 'at most one investigator may hold a private key (the scheduler\'s identity)',
    sql: `SELECT id, name, pgpfingerprint FROM investigators
          WHERE privatekey IS NOT NULL AND (SELECT count(*) FROM investigators WHERE privatekey IS NOT NULL) > 1 ORDER BY id`,
  },
  {
    rule: 'investigators\' fingerprints must be unique whatever their case (they are looked up case-insensitively)',
    sql: `SELECT upper(pgpfingerprint) AS fingerprint, array_agg(id ORDER BY id) AS ids FROM investigators WHERE pgpfingerprint IS NOT NULL GROUP BY upper(pgpfingerprint) HAVING count(*) > 1 ORDER BY 1`,
  },
  {
    rule: 'module names must be unique (permissions name modules)',
    sql: `SELECT name, array_agg(id ORDER BY id) AS ids FROM modules GROUP BY name HAVING count(*) > 1 ORDER BY name`,
  },
  {
    rule: 'agtmodreq.minimumweight must be at least 1 (a minimum weight below 1 is invalid)',
    sql: `SELECT moduleid, agentid, minimumweight FROM agtmodreq WHERE minimumweight < 1 ORDER BY moduleid, agentid`,
  },
  {
    rule: 'agtmodreq.agentid must name an agent',
    sql: `SELECT moduleid, agentid FROM agtmodreq r WHERE NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = r.agentid) ORDER BY moduleid, agentid`,
  },
];

/** One problem per line, ready to show an operator; empty when the database can be adopted. */
export async function adoptionProblems(runner: QueryRunner): Promise<string[]> {
  const columns = await existingColumns(runner);
  const problems = [...missingColumns(columns, SEED_COLUMNS, true), ...missingColumns(columns, FINAL_COLUMNS, false)];
  // The data rules read these tables: with a table or column missing, they cannot run.
  if (problems.length > 0) return problems;
  // pg_input_is_valid is PostgreSQL 16's; a session-local function does the same on older servers.
  await runner.query(`CREATE FUNCTION pg_temp.is_json(value text) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN PERFORM value::json; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$`);
  for (const { rule, sql } of DATA_RULES) {
    const offending: Record<string, unknown>[] = await runner.query(`SELECT * FROM (${sql}) AS offending LIMIT ${SHOWN_ROWS + 1}`);
    if (offending.length === 0) continue;
    const shown = offending.slice(0, SHOWN_ROWS).map((row) => JSON.stringify(row));
    const more = offending.length > SHOWN_ROWS ? `\n    … and more: ${sql}` : '';
    problems.push(`${rule}; offending rows:\n    ${shown.join('\n    ')}${more}`);
  }
  return problems;
}

async function existingColumns(runner: QueryRunner): Promise<Set<string>> {
  const rows: { name: string }[] = await runner.query(
    `SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  return new Set(rows.map((row) => row.name));
}

function missingColumns(have: Set<string>, want: Record<string, string[]>, tablesRequired: boolean): string[] {
  const problems: string[] = [];
  for (const [table, columns] of Object.entries(want)) {
    const missing = columns.filter((column) => !have.has(`${table}.${column}`));
    if (missing.length === columns.length) {
      if (tablesRequired) problems.push(`table ${table} is missing: this is not a database created by MIG's schema.sql`);
      continue;
    }
    if (missing.length > 0) {
      problems.push(
        `${table} lacks ${missing.join(', ')}: not a schema this service adopts (MIG's 2015 tables or MIG's final schema.sql); ` +
          `bring it to MIG's final database/schema.sql first`,
      );
    }
  }
  return problems;
}
