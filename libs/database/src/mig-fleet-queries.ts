// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this
// file, You can obtain one at http://mozilla.org/MPL/2.0/.
//
// The fleet statements of MIG's scheduler, verbatim (the SQL strings only, none of the Go around
// them): what the service's own fleet queries must answer alike, and what the bench times them
// against. Source: https://github.com/mozilla/mig, database/agents.go at
// a5a24018efee226279dc5a898a606fa1bfc47dc5. MIG passed its times from Go (time.Now() minus a
// window): here they are parameters too. Disappeared endpoints count GetDisappearedEndpoints'
// queues (offline agents seen since $1, no idle or online agent), the definition spec/operations.md
// keeps; MIG's CountDisappearedEndpoints left the offline condition out.

import { rowsOf, type SqlRunner } from './sql-runner';

/** ListMultiAgentsQueues: $1 the point in time. */
export const MIG_MULTI_AGENT_QUEUES = `SELECT queueloc FROM agents
		WHERE heartbeattime > $1 AND mode != 'checkin'
		GROUP BY queueloc HAVING COUNT(queueloc) > 1`;

/** ActiveAgentsByQueue: $1 the point in time, $2 the queueloc, $3 'offline'. */
export const MIG_ACTIVE_AGENTS_BY_QUEUE = `SELECT id, name, queueloc, mode, version, pid, starttime,
		heartbeattime, refreshtime, status
		FROM agents WHERE agents.heartbeattime > $1 AND agents.queueloc=$2
		AND agents.status!=$3`;

/** The statements behind one agents_stats row, each with its parameters (recent = now - 24 h, old = now - 7 days). */
export function migAgentsStatsQueries(now: Date): Record<MigStatsFigure, { sql: string; parameters: unknown[] }> {
  const recent = new Date(now.getTime() - 24 * 3_600_000);
  const old = new Date(now.getTime() - 7 * 24 * 3_600_000);
  return {
    onlineAgentsByVersion: { sql: `SELECT COUNT(*), version FROM agents
		WHERE agents.status=$1 GROUP BY version`, parameters: ['online'] },
    idleAgentsByVersion: { sql: `SELECT COUNT(*), version FROM agents
		WHERE agents.status=$1 AND agents.queueloc NOT IN (
			SELECT distinct(queueloc) FROM agents
			WHERE agents.status=$2)
		GROUP BY version`, parameters: ['idle', 'online'] },
    onlineEndpoints: { sql: `SELECT COUNT(DISTINCT(queueloc)) FROM agents WHERE status=$1`, parameters: ['online'] },
    idleEndpoints: { sql: `SELECT COUNT(*) FROM (
			SELECT queueloc FROM agents
			WHERE status=$1
			AND queueloc NOT IN (
				SELECT queueloc FROM agents
				WHERE status=$2
				GROUP BY queueloc
			) GROUP BY queueloc
		) AS idleendpoints`, parameters: ['idle', 'online'] },
    newEndpoints: { sql: `SELECT COUNT(*) FROM (
				SELECT queueloc FROM agents
				WHERE queueloc NOT IN (
					SELECT queueloc FROM agents
					WHERE heartbeattime > $2
					AND heartbeattime < $1
					GROUP BY queueloc
				)
				AND starttime > $1
				GROUP BY queueloc
			)AS newendpoints`, parameters: [recent, old] },
    multiAgentsEndpoints: { sql: `SELECT COUNT(*) FROM (
			SELECT queueloc FROM agents
			WHERE queueloc IN (
				SELECT queueloc FROM agents
				WHERE status=$1
				GROUP BY queueloc
				HAVING count(queueloc) > 1
			)
			GROUP BY queueloc
		) AS doubleagents`, parameters: ['online'] },
    disappearedEndpoints: { sql: `SELECT COUNT(*) FROM (SELECT queueloc FROM agents
		WHERE status='offline' AND heartbeattime > $1 AND queueloc NOT IN (
			SELECT queueloc FROM agents
			WHERE status='idle' or status='online'
			GROUP BY queueloc
			)
		GROUP BY queueloc) AS disappeared`, parameters: [old] },
    flappingEndpoints: { sql: `SELECT COUNT(*) FROM (
				SELECT queueloc FROM agents
				WHERE status=$1 OR status=$2
				GROUP BY queueloc
				HAVING count(queueloc) > 1
			) AS flapping`, parameters: ['online', 'idle'] },
  };
}

export type MigStatsFigure =
  | 'onlineAgentsByVersion'
  | 'idleAgentsByVersion'
  | 'onlineEndpoints'
  | 'idleEndpoints'
  | 'newEndpoints'
  | 'multiAgentsEndpoints'
  | 'disappearedEndpoints'
  | 'flappingEndpoints';

/** One agents_stats row as MIG's statements compute it: the figures, versions ordered by version. */
export interface MigAgentsStats {
  onlineAgents: number;
  onlineAgentsByVersion: Array<{ version: string; count: number }>;
  onlineEndpoints: number;
  idleAgents: number;
  idleAgentsByVersion: Array<{ version: string; count: number }>;
  idleEndpoints: number;
  newEndpoints: number;
  multiAgentsEndpoints: number;
  disappearedEndpoints: number;
  flappingEndpoints: number;
}

/** Runs MIG's statistics statements one after the other, as MIG's scheduler did, as of `now`. */
export async function runMigAgentsStats(db: SqlRunner, now: Date): Promise<MigAgentsStats> {
  const queries = migAgentsStatsQueries(now);
  const rows = async (figure: MigStatsFigure) => rowsOf<Record<string, unknown>>(await db.query(queries[figure].sql, queries[figure].parameters));
  const count = async (figure: MigStatsFigure) => Number((await rows(figure))[0].count);
  const byVersion = async (figure: MigStatsFigure) =>
    (await rows(figure)).map((row) => ({ version: String(row.version), count: Number(row.count) })).sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  const onlineAgentsByVersion = await byVersion('onlineAgentsByVersion');
  const idleAgentsByVersion = await byVersion('idleAgentsByVersion');
  return {
    onlineAgents: onlineAgentsByVersion.reduce((sum, entry) => sum + entry.count, 0),
    onlineAgentsByVersion,
    onlineEndpoints: await count('onlineEndpoints'),
    idleAgents: idleAgentsByVersion.reduce((sum, entry) => sum + entry.count, 0),
    idleAgentsByVersion,
    idleEndpoints: await count('idleEndpoints'),
    newEndpoints: await count('newEndpoints'),
    multiAgentsEndpoints: await count('multiAgentsEndpoints'),
    disappearedEndpoints: await count('disappearedEndpoints'),
    flappingEndpoints: await count('flappingEndpoints'),
  };
}
