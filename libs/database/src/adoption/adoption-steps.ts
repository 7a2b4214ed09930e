/**
 * What adopting a MIG-created database changes, step by step: what the baseline migration
 * (1764288000000-mig-schema) would have added to MIG's tables, and nothing else. Every step is
 * idempotent (IF NOT EXISTS, or a catalog lookup first) and changes no row of MIG's.
 * - actions.pgpsignatures becomes json, as the baseline makes it: MIG's varchar(4096) holds the JSON
 *   text MIG marshalled, which json keeps byte for byte (spec/data-model.md allows varchar or json
 *   text), and the service reads the column as JSON (read as varchar it would see a string, not a
 *   list). MIG's Go code reads and writes it as bytes either way. It rewrites the actions table once
 *   (MIG keeps thousands of actions, not millions). MIG's NOT NULL stays: MIG's Go code needs a value.
 * Kept as MIG has it, deliberately:
 * - MIG's own indexes (commands_agentid, commands_actionid, agtmodreq_* …) stay; the baseline's
 *   commands_agentid_idx is not added, MIG's commands_agentid serves the same lookups.
 */
export interface AdoptionStep {
  name: string;
  /** Why the service needs it, for the log. */
  why: string;
  sql: string;
}

/** The original generator's value now: seconds since 2013-04-29T18:00:00Z, plus one, shifted 16 bits. */
const MIG_GENERATOR_NOW = `(floor(extract(epoch FROM now()))::bigint - 1367258400 + 1) * 65536`;

export const ADOPTION_STEPS: AdoptionStep[] = [
  {
    name: 'mig_id_seq',
    why: 'one id sequence for every replica, above every id MIG stored and above MIG\'s time-based generator',
    sql: `
      CREATE SEQUENCE IF NOT EXISTS mig_id_seq AS bigint MAXVALUE 9007199254740991;
      SELECT setval('mig_id_seq', GREATEST(
        ${MIG_GENERATOR_NOW},
        (SELECT coalesce(max(id), 0) FROM actions)::bigint + 1,
        (SELECT coalesce(max(id), 0) FROM commands)::bigint + 1,
        (SELECT coalesce(max(id), 0) FROM agents)::bigint + 1,
        (SELECT coalesce(max(id), 0) FROM modules)::bigint + 1,
        (SELECT last_value FROM mig_id_seq)));`,
  },
  {
    name: 'investigators_id_seq',
    why: 'investigator ids stay below 2^53 and above those MIG stored',
    sql: `
      ALTER SEQUENCE investigators_id_seq MAXVALUE 9007199254740991;
      SELECT setval('investigators_id_seq', m) FROM (SELECT coalesce(max(id), 0)::bigint AS m FROM investigators) AS stored
        WHERE m >= (SELECT last_value FROM investigators_id_seq);`,
  },
  {
    name: 'investigators defaults',
    why: 'the seed\'s hand-written INSERT of an investigator names neither status nor dates',
    sql: `
      ALTER TABLE investigators ALTER COLUMN status SET DEFAULT 'active';
      ALTER TABLE investigators ALTER COLUMN createdat SET DEFAULT now();
      ALTER TABLE investigators ALTER COLUMN lastmodified SET DEFAULT now();`,
  },
  {
    name: 'actions.pgpsignatures json',
    why: 'the service reads signatures as a JSON list; the text MIG stored is kept as it is',
    sql: `
      DO $$
      BEGIN
        IF (SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema()
            AND table_name = 'actions' AND column_name = 'pgpsignatures') <> 'json' THEN
          ALTER TABLE actions ALTER COLUMN pgpsignatures TYPE json USING pgpsignatures::json;
        END IF;
      END $$;`,
  },
  {
    name: 'actions indexes',
    why: 'actions are listed by start time and claimed by status',
    sql: `
      CREATE INDEX IF NOT EXISTS actions_starttime_idx ON actions (starttime DESC);
      CREATE INDEX IF NOT EXISTS actions_status_idx ON actions (status);`,
  },
  {
    name: 'commands unique (actionid, agentid)',
    why: 'creating an action\'s commands is idempotent; reads every command row once to build',
    sql: `CREATE UNIQUE INDEX IF NOT EXISTS commands_actionid_agentid_idx ON commands (actionid, agentid);`,
  },
  {
    name: 'modules unique name',
    why: 'permissions name modules',
    sql: `CREATE UNIQUE INDEX IF NOT EXISTS modules_name_idx ON modules (name);`,
  },
  {
    name: 'agtmodreq constraints',
    why: 'a minimum weight below 1 is invalid, and a requirement names an existing agent',
    sql: `
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'agtmodreq'::regclass AND conname = 'agtmodreq_minimumweight_check') THEN
          ALTER TABLE agtmodreq ADD CONSTRAINT agtmodreq_minimumweight_check CHECK (minimumweight >= 1);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'agtmodreq'::regclass AND contype = 'f'
                       AND confrelid = 'agents'::regclass) THEN
          ALTER TABLE agtmodreq ADD CONSTRAINT agtmodreq_agentid_fkey FOREIGN KEY (agentid) REFERENCES agents (id);
        END IF;
      END $$;`,
  },
  {
    name: 'agents_stats index',
    why: 'statistics are read latest first',
    sql: `CREATE INDEX IF NOT EXISTS agents_stats_timestamp_idx ON agents_stats (timestamp DESC);`,
  },
];
