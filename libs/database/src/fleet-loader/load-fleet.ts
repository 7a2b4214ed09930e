import { MIG_FUTURE_DATE } from '../mig-unset-values';
import { rowsOf, type SqlRunner } from '../sql-runner';
import { onLoadingSession } from './loading-session';

export type { SqlRunner } from '../sql-runner';

export interface FleetShape {
  /** Distinct endpoints (queuelocs). */
  endpoints: number;
  /** Agent rows per endpoint (default 10); ignored when `agents` is given. */
  agentsPerEndpoint?: number;
  /** Agent rows in all, spread evenly over the endpoints (the first ones get the remainder). */
  agents?: number;
  /** How far back the fleet's history goes, in days (default 30). */
  days?: number;
  /** The fleet's "now" (default: the database's clock). Seed-style queries use NOW(), so keep it near the real time. */
  now?: Date;
  /** Endpoints per INSERT statement (default 10,000); `onProgress` is called after each. */
  batchEndpoints?: number;
  onProgress?(loaded: { endpoints: number; agents: number }): void;
}

/**
 * MIG's production database (mozilla/mig#135): two years of history, about 21 million agent rows,
 * every agent restart a row, on about 200,000 live endpoints. 207,040 endpoints leave 200,000 live
 * (the fates below take 3.4% away); smaller fleets keep 10 agent rows per endpoint.
 */
export const PRODUCTION_LIKE = { maxEndpoints: 207_040, minAgentsPerEndpoint: 10, days: 730 } as const;

/** The fleet of `agents` rows shaped as MIG's production one: loadFleet(db, { ...productionLikeFleet(agents), now, onProgress }). */
export function productionLikeFleet(agents: number): Required<Pick<FleetShape, 'endpoints' | 'agents' | 'days'>> {
  return { endpoints: Math.max(1, Math.min(PRODUCTION_LIKE.maxEndpoints, Math.floor(agents / PRODUCTION_LIKE.minAgentsPerEndpoint))), agents, days: PRODUCTION_LIKE.days };
}

export interface LoadedFleet {
  endpoints: number;
  agents: number;
  elapsedMs: number;
}

/**
 * Builds a MIG fleet as MIG's production database kept it, inside PostgreSQL with generate_series
 * (nothing crosses the wire but the statement). Every agent restart left a row: each endpoint has
 * a history of agents over `days`, one after the other, the older ones offline, the latest one
 * heartbeating within the last minute. Among endpoints (by number, so the same shape every time):
 * - 2% (n % 50 = 7) went silent between 10 minutes and `days` ago: the seed's offline agents;
 * - 1% (n % 100 = 3) still run their previous agent too: double agents;
 * - 1% (n % 100 = 5) appeared in the last 20 hours: new endpoints;
 * - 1% (n % 100 = 11): the endpoint's only recent agent died (destroyed 6 to 9 minutes ago);
 * - 1% (n % 100 = 58) share their host name with the silent endpoint before them (n % 100 = 57);
 * - 1% (n % 100 = 19) sit exactly on a window's edge, by (n / 100) % 5: last heartbeat exactly
 *   5 minutes ago (0), previous agent's exactly 10 minutes ago (1), last heartbeat exactly 30 days
 *   (2) or 7 days (3) ago, a new endpoint whose first agent started exactly 24 hours ago (4);
 * - 5% (n % 20 = 0) run in checkin mode;
 * - 70% are linux (queueloc 'linux.…'), 20% windows, 10% darwin.
 * Agents are named host<n>.fleet.example.net. Appends to what is there; numbering continues from
 * the highest endpoint number already loaded. Ends with one heartbeat round over the live agents
 * and VACUUM ANALYZE, so the table is laid out and summarised like one in service. VACUUM cannot
 * run inside a transaction: pass a pool or data source, not a transaction's manager. It runs on
 * one connection of a pool or data source, with JIT off and no statement timeout (loading-session.ts).
 * MIG's production size: `productionLikeFleet(21_000_000)`.
 * 1,000,000 agents take about 35 s on a 2-CPU machine.
 *
 *     await loadFleet(dataSource, { endpoints: 100_000, agents: 1_000_000, days: 30 });
 */
export async function loadFleet(db: SqlRunner, shape: FleetShape): Promise<LoadedFleet> {
  return onLoadingSession(db, (session) => load(session, shape));
}

async function load(db: SqlRunner, shape: FleetShape): Promise<LoadedFleet> {
  const started = Date.now();
  const endpoints = shape.endpoints;
  const totalAgents = shape.agents ?? endpoints * (shape.agentsPerEndpoint ?? 10);
  if (!Number.isInteger(endpoints) || endpoints < 1) throw new Error(`endpoints must be a positive integer, got ${endpoints}`);
  if (!Number.isInteger(totalAgents) || totalAgents < endpoints) throw new Error(`agents (${totalAgents}) must be an integer of at least one per endpoint (${endpoints})`);
  const days = shape.days ?? 30;
  if (!(days > 0)) throw new Error(`days must be positive, got ${days}`);
  const batch = Math.max(1, shape.batchEndpoints ?? 10_000);

  const [{ first }] = rowsOf<{ first: number }>(
    await db.query(
      `SELECT coalesce(max(substring(queueloc FROM '^[a-z]+\\.host([0-9]+)\\.fleet\\.example\\.net\\.')::int), 0) + 1 AS first FROM agents WHERE queueloc LIKE '%.host%.fleet.example.net.%'`,
    ),
  );
  const [{ now }] = rowsOf<{ now: Date }>(await db.query(`SELECT coalesce($1::timestamptz, now()) AS now`, [shape.now ?? null]));

  let loadedAgents = 0;
  for (let offset = 0; offset < endpoints; offset += batch) {
    const count = Math.min(batch, endpoints - offset);
    await db.query(INSERT_FLEET, [first, first + offset, first + offset + count - 1, endpoints, totalAgents, days * 86_400, now, MIG_FUTURE_DATE]);
    loadedAgents += agentsIn(offset, count, endpoints, totalAgents);
    shape.onProgress?.({ endpoints: offset + count, agents: loadedAgents });
  }
  // One heartbeat round over the live agents, as a running fleet does every minute. A heartbeat
  // rewrites its row, and PostgreSQL puts the new version where there is room: after a while the
  // live agents of a real database sit together in recent pages, not spread one per page among
  // their predecessors as a plain load leaves them. This moves them the same way.
  await db.query(`UPDATE agents SET heartbeattime = heartbeattime WHERE status IN ('online', 'idle')`);
  // What autovacuum would do next: statistics for the planner (the endpoint summary's too), the visibility map for index-only scans.
  await db.query('VACUUM ANALYZE agents, mig_data_endpoints');
  return { endpoints, agents: loadedAgents, elapsedMs: Date.now() - started };
}

/** Agents of the endpoints [offset, offset + count): the first `total % endpoints` endpoints get one more. */
function agentsIn(offset: number, count: number, endpoints: number, total: number): number {
  const base = Math.floor(total / endpoints);
  const extra = total % endpoints;
  return count * base + Math.max(0, Math.min(offset + count, extra) - offset);
}

// $1 first endpoint number of this load, $2..$3 this batch, $4 endpoints, $5 agents, $6 history
// in seconds, $7 now, $8 MIG's destructiontime of an agent not destroyed. frac(x) is a fixed
// pseudo-random fraction of x, so loads are repeatable. An agent's life is the endpoint's span
// divided among its agents; each agent's heartbeat is where the next one started (plus up to 10
// minutes of overlap), the last agent's is set by the endpoint's fate (see FLEET_FATES).
const INSERT_FLEET = `
WITH endpoint AS (
  SELECT n,
         CASE WHEN n % 10 < 7 THEN 'linux' WHEN n % 10 < 9 THEN 'windows' ELSE 'darwin' END AS os,
         'host' || n || '.fleet.example.net' AS own_name,
         ($5::bigint / $4::bigint + CASE WHEN (n - $1) < $5::bigint % $4::bigint THEN 1 ELSE 0 END)::int AS agents,
         CASE WHEN n % 100 = 5 THEN 72000 WHEN n % 100 = 19 AND (n / 100) % 5 = 4 THEN 86400 ELSE $6::float8 END AS span,
         CASE WHEN n % 50 = 7 THEN 'silent' WHEN n % 100 = 3 THEN 'double' WHEN n % 100 = 11 THEN 'died'
              WHEN n % 100 = 19 THEN 'edge' || (n / 100) % 5 ELSE 'alive' END AS fate,
         ('x' || substr(md5(n::text), 1, 8))::bit(32)::bigint / 4294967296.0 AS efrac
  FROM generate_series($2::int, $3::int) AS n
), ending AS (
  -- Where the endpoint's history ends, in seconds before now: its last agent's heartbeat then.
  SELECT e.*,
         CASE e.fate
           WHEN 'silent' THEN 600 + e.efrac * greatest(0, least(e.span / e.agents, e.span - e.span / e.agents) - 1200)
           WHEN 'died' THEN 360 + e.efrac * 180
           WHEN 'edge0' THEN 300
           WHEN 'edge2' THEN 30 * 86400
           WHEN 'edge3' THEN 7 * 86400
           ELSE 0
         END AS ends
  FROM endpoint e
), agent AS (
  SELECT e.*, k, (k = e.agents) AS latest,
         CASE WHEN e.n % 100 = 58 THEN 'host' || (e.n - 1) || '.fleet.example.net' ELSE e.own_name END AS name,
         CASE WHEN e.fate = 'edge4' AND k = 1 THEN 0 ELSE ('x' || substr(md5(e.n || ':' || k), 1, 8))::bit(32)::bigint / 4294967296.0 END AS frac,
         e.span / e.agents AS life,
         $7::timestamptz - make_interval(secs => e.ends) AS anchor
  FROM ending e CROSS JOIN LATERAL generate_series(1, e.agents) AS k
), timed AS (
  SELECT a.*,
         a.anchor - make_interval(secs => a.span - (a.k - 1) * a.life + a.frac * least(600, a.life / 4)) AS started,
         CASE
           WHEN a.k = a.agents - 1 AND a.fate = 'double' THEN $7::timestamptz - make_interval(secs => a.frac * 60)
           WHEN a.k = a.agents - 1 AND a.fate = 'edge1' THEN $7::timestamptz - interval '10 minutes'
           WHEN NOT a.latest THEN a.anchor - make_interval(secs => a.span - a.k * a.life + 1 + a.frac * least(600, a.life / 4))
           WHEN a.ends > 0 THEN a.anchor
           ELSE $7::timestamptz - make_interval(secs => a.frac * 60)
         END AS heartbeattime
  FROM agent a
)
INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, destructiontime, heartbeattime, refreshtime, status, environment, tags)
SELECT nextval('mig_id_seq'),
       p.name,
       p.os || '.' || p.own_name || '.' || substr(md5(p.n::text), 1, 8),
       CASE WHEN p.n % 20 = 0 THEN 'checkin' ELSE 'daemon' END,
       '2015' || lpad((100 + p.k)::text, 4, '0') || '+' || substr(md5(p.k::text), 1, 7) || '.prod',
       1000 + (p.n * 7 + p.k * 131) % 60000,
       least(p.started, p.heartbeattime),
       CASE WHEN p.fate = 'died' AND p.latest THEN p.heartbeattime ELSE $8::timestamptz END,
       p.heartbeattime,
       p.heartbeattime,
       CASE
         WHEN p.fate = 'died' AND p.latest THEN 'destroyed'
         WHEN p.heartbeattime >= $7::timestamptz - interval '5 minutes' THEN 'online'
         WHEN p.latest AND p.heartbeattime >= $7::timestamptz - interval '20 minutes' THEN 'idle'
         ELSE 'offline'
       END,
       json_build_object(
         'init', CASE p.os WHEN 'linux' THEN 'systemd' WHEN 'windows' THEN 'windows' ELSE 'launchd' END,
         'ident', CASE p.os
                    WHEN 'linux' THEN (ARRAY['Ubuntu 14.04 trusty', 'Red Hat Enterprise Linux Server release 6.5 (Santiago)', 'CentOS release 6.5 (Final)', 'Amazon Linux AMI release 2014.09'])[1 + p.n % 4]
                    WHEN 'windows' THEN 'Microsoft Windows Server 2012 R2 Standard'
                    ELSE 'Mac OS X 10.10.1' END,
         'os', p.os, 'arch', 'amd64', 'isproxied', false, 'proxy', '',
         'addresses', json_build_array('10.' || (p.n / 65536) % 256 || '.' || (p.n / 256) % 256 || '.' || p.n % 256 || '/16'),
         'publicip', '192.0.2.' || p.n % 256),
       json_build_object('operator', CASE WHEN p.n % 3 = 0 THEN 'OpSec' ELSE 'IT' END)
FROM timed p`;
