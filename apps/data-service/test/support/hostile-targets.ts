/**
 * Targets that try to be more than a read of the agents table: write, read what the read-only
 * role may not, run a second statement, switch roles back, reach files or other databases, hold
 * locks, or run forever. Each must be refused, with the data untouched. `wall` says which wall is
 * expected to stop it first (the parser, or PostgreSQL's role/transaction/timeout).
 */
export const HOSTILE_TARGETS: Array<{ target: string; wall: 'parser' | 'database' | 'timeout' }> = [
  { target: "name = 'x'; DROP TABLE agents", wall: 'parser' },
  { target: "true; UPDATE agents SET status = 'offline'", wall: 'parser' },
  { target: 'id IN (WITH gone AS (DELETE FROM agents RETURNING id) SELECT id FROM gone)', wall: 'parser' },
  { target: "id IN (WITH moved AS (UPDATE agents SET status = 'destroyed' RETURNING id) SELECT id FROM moved)", wall: 'parser' },
  { target: 'pg_sleep(30) IS NULL', wall: 'parser' },
  { target: '"pg_sleep"(30) IS NULL', wall: 'parser' },
  { target: '(SELECT count(*) FROM investigators) > 0', wall: 'database' },
  { target: 'EXISTS (SELECT 1 FROM investigators WHERE privatekey IS NOT NULL)', wall: 'database' },
  { target: '(SELECT publickey FROM investigators LIMIT 1) IS NOT NULL', wall: 'database' },
  { target: '(SELECT count(*) FROM pg_authid) > 0', wall: 'database' },
  { target: "EXISTS (SELECT 1 FROM pg_shadow WHERE usename = 'postgres')", wall: 'database' },
  { target: "set_config('role', session_user, true) IS NOT NULL", wall: 'parser' },
  { target: "pg_catalog.set_config('statement_timeout', '0', false) IS NOT NULL", wall: 'parser' },
  { target: 'U&"\\0073et_config"(\'role\', session_user, true) IS NOT NULL', wall: 'parser' },
  { target: 'SET ROLE postgres', wall: 'parser' },
  { target: 'RESET ROLE', wall: 'parser' },
  { target: 'true) OR (true', wall: 'parser' },
  { target: "((queueloc LIKE 'linux.%')", wall: 'parser' },
  { target: 'true -- AND false', wall: 'parser' },
  { target: 'true /* AND false */', wall: 'parser' },
  { target: "queueloc = 'x'' OR 1=1", wall: 'parser' },
  { target: "name = E'\\' OR true; DROP TABLE agents --'", wall: 'parser' },
  { target: '$$ ; DROP TABLE agents $$ = name', wall: 'parser' },
  { target: "lo_import('/etc/passwd') > 0", wall: 'parser' },
  { target: "length(pg_read_file('/etc/passwd')) > 0", wall: 'parser' },
  { target: "COPY agents TO '/tmp/agents.csv'", wall: 'parser' },
  { target: "dblink('dbname=postgres', 'DROP TABLE agents') IS NOT NULL", wall: 'parser' },
  { target: "query_to_xml('SELECT privatekey FROM investigators', true, true, '') IS NOT NULL", wall: 'parser' },
  { target: 'EXISTS (SELECT 1 FROM agents FOR UPDATE)', wall: 'parser' },
  { target: 'pg_advisory_lock(1296647972) IS NOT NULL', wall: 'parser' },
  { target: 'pg_terminate_backend(pg_backend_pid())', wall: 'parser' },
  { target: 'no_such_column = 1', wall: 'database' },
  { target: "(SELECT count(*) FROM agents a1, agents a2, agents a3, agents a4, agents a5, agents a6) > 0", wall: 'timeout' },
];
