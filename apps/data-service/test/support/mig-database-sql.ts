// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this
// file, You can obtain one at http://mozilla.org/MPL/2.0/.
//
// The SQL statements of MIG's Go `database` package, copied verbatim (the strings only, none of the
// Go around them) as a compatibility fixture: a test runs them against an adopted database as
// MIG's scheduler and API would. Source: https://github.com/mozilla/mig, database/actions.go at
// 76344020da33a5e4b8021af7e376556153568763, database/commands.go at
// 9f1ec22a7dc1c67de22f7a1f15d2e233daf1a545, database/agents.go at
// a5a24018efee226279dc5a898a606fa1bfc47dc5, database/investigators.go at
// e663485d021c5747f245d942a056c9bfe264260d (the stored versions that match MIG's final schema.sql).
// `nonNull` lists the result columns Go scans into non-pointer types (time.Time, string, float64,
// int) or json.Unmarshal's: a NULL there fails MIG's method.

import { MIG_ACTIVE_AGENTS_BY_QUEUE, MIG_MULTI_AGENT_QUEUES, migAgentsStatsQueries } from '@mig-data/database';
import { MIG_FUTURE, MIG_IDS } from './mig-shaped-rows';

export interface MigStatement {
  /** The Go method of mozilla/mig database/*.go that runs it. */
  method: string;
  /** The role MIG's component connects as. */
  role: 'migscheduler' | 'migapi';
  sql: string;
  parameters: unknown[];
  nonNull: string[];
  /** Rows the statement must return or change on the fixture's rows (MIG checks some counts itself). */
  rows: number | 'some';
  /**
   * `SET (column) = (value)` with one column: PostgreSQL 10 and later refuse it on any schema, MIG's
   * own included ("source for a multiple-column UPDATE item must be a sub-SELECT or ROW()
   * expression"); MIG ran on 9.x. Nothing a schema can change: the test checks it fails for that reason only.
   */
  refusedSincePostgres10?: true;
}

const ACTION_COLUMNS_SCANNED = ['id', 'name', 'target', 'description', 'threat', 'operations', 'validfrom', 'expireafter', 'starttime', 'finishtime', 'lastupdatetime', 'status', 'pgpsignatures', 'syntaxversion'];
const NOW = '2019-06-10 12:30:00+00';
// The fleet statements are kept once, in libs/database (mig-fleet-queries.ts), the bench and the tests comparing with them.
const MIG_STATS = migAgentsStatsQueries(new Date(NOW));
const s = (method: string, role: MigStatement['role'], sql: string, parameters: unknown[], nonNull: string[], rows: MigStatement['rows'], refused?: true): MigStatement =>
  refused ? { method, role, sql, parameters, nonNull, rows, refusedSincePostgres10: true } : { method, role, sql, parameters, nonNull, rows };

export const MIG_SCHEDULER_STATEMENTS: MigStatement[] = [
  // actions.go
  s('LastActions', 'migscheduler', `SELECT id, name, target, description, threat, operations,
		validfrom, expireafter, starttime, finishtime, lastupdatetime,
		status, pgpsignatures, syntaxversion
		FROM actions ORDER BY starttime DESC LIMIT $1`, [10], ACTION_COLUMNS_SCANNED, 2),
  s('ActionByID', 'migscheduler', `SELECT id, name, target, description, threat, operations,
		validfrom, expireafter, starttime, finishtime, lastupdatetime,
		status, pgpsignatures, syntaxversion
		FROM actions WHERE id=$1`, [MIG_IDS.compressedAction], ACTION_COLUMNS_SCANNED, 1),
  s('ActionMetaByID', 'migscheduler', `SELECT id, name, validfrom, expireafter, starttime, finishtime, lastupdatetime,
		status FROM actions WHERE id=$1`, [MIG_IDS.plainAction], ['id', 'name', 'validfrom', 'expireafter', 'starttime', 'finishtime', 'lastupdatetime', 'status'], 1),
  s('InsertAction', 'migscheduler', `INSERT INTO actions
		(id, name, target, description, threat, operations,
		validfrom, expireafter, starttime, finishtime, lastupdatetime,
		status, pgpsignatures, syntaxversion)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [MIG_IDS.plainAction + 1000, 'new', "queueloc LIKE 'linux.%'", '{}', '{}', '[{"module":"file","parameters":{}}]', NOW, '2019-06-11 12:30:00+00', NOW, '0001-01-01 00:00:00+00', NOW, 'pending', '["sig=abcd"]', 2], [], 1),
  s('UpdateAction', 'migscheduler', `UPDATE actions SET (starttime, lastupdatetime, status) = ($2, $3, $4) WHERE id=$1`, [MIG_IDS.compressedAction, NOW, NOW, 'inflight'], [], 1),
  s('UpdateActionStatus', 'migscheduler', `UPDATE actions SET (status) = ($2) WHERE id=$1`, [MIG_IDS.compressedAction, 'inflight'], [], 1, true),
  s('UpdateRunningAction', 'migscheduler', `UPDATE actions SET (lastupdatetime) = ($2) WHERE id=$1`, [MIG_IDS.compressedAction, NOW], [], 1, true),
  s('FinishAction', 'migscheduler', `UPDATE actions SET (finishtime, lastupdatetime, status) = ($1, $2, $3) WHERE id=$4`, [NOW, NOW, 'completed', MIG_IDS.compressedAction], [], 1),
  s('InsertSignature', 'migscheduler', `INSERT INTO signatures(actionid, investigatorid, pgpsignature)
		VALUES($1, $2, $3)`, [MIG_IDS.compressedAction, MIG_IDS.scheduler, 'sig=abcd'], [], 1),
  s('GetActionCounters', 'migscheduler', `SELECT DISTINCT(status), COUNT(id) FROM commands
		WHERE actionid = $1 GROUP BY status`, [MIG_IDS.plainAction], ['status', 'count'], 2),
  s('SetupRunnableActions', 'migscheduler', `UPDATE actions SET status='scheduled'
		WHERE status='pending' AND validfrom < NOW() AND expireafter > NOW()
		RETURNING id, name, target, description, threat, operations,
		validfrom, expireafter, status, pgpsignatures, syntaxversion`, [], ['id', 'name', 'target', 'description', 'threat', 'operations', 'validfrom', 'expireafter', 'status', 'pgpsignatures', 'syntaxversion'], 0),
  // commands.go
  s('CommandByID', 'migscheduler', `SELECT commands.id, commands.status, commands.results, commands.starttime, commands.finishtime,
		actions.id, actions.name, actions.target, actions.description, actions.threat,
		actions.operations, actions.validfrom, actions.expireafter,
		actions.pgpsignatures, actions.syntaxversion,
		agents.id, agents.name, agents.queueloc, agents.mode, agents.version
		FROM commands, actions, agents
		WHERE commands.id=$1
		AND commands.actionid = actions.id AND commands.agentid = agents.id`, [MIG_IDS.compressedCommand], ['*'], 1),
  s('CommandsByActionID', 'migscheduler', `SELECT commands.id, commands.status, commands.results, commands.starttime, commands.finishtime,
		actions.id, actions.name, actions.target, actions.description, actions.threat,
		actions.operations, actions.validfrom, actions.expireafter,
		actions.pgpsignatures, actions.syntaxversion,
		agents.id, agents.name, agents.version
		FROM commands, actions, agents
		WHERE commands.actionid=actions.id AND commands.agentid=agents.id AND actions.id=$1`, [MIG_IDS.plainAction], ['*'], 2),
  s('InsertCommand', 'migscheduler', `INSERT INTO commands
		(id, actionid, agentid, status, results, starttime, finishtime)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, [MIG_IDS.compressedCommand + 1000, MIG_IDS.compressedAction, MIG_IDS.offline, 'sent', 'null', NOW, MIG_FUTURE], [], 1),
  s('InsertCommands', 'migscheduler', 'INSERT INTO commands (id, actionid, agentid, status, starttime, finishtime, results) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [MIG_IDS.compressedCommand + 2000, MIG_IDS.compressedAction, MIG_IDS.offline, 'sent', NOW, MIG_FUTURE, 'null'], [], 1),
  s('UpdateSentCommand', 'migscheduler', `UPDATE commands SET status=$1 WHERE id=$2 and status!=$3`, ['sent', MIG_IDS.compressedCommand, 'success'], [], 1),
  s('FinishCommand', 'migscheduler', `UPDATE commands SET status=$1, results=$2, finishtime=$3
		WHERE id=$4 AND status!=$5 AND agentid IN (
			SELECT id FROM agents
			WHERE agents.queueloc=$6 AND agents.pid=$7 AND status IN ('online','idle')
		)`, ['success', '[{"foundanything":false}]', NOW, MIG_IDS.compressedCommand, 'success', 'linux.web1.example.net.4f3e2d1c', 4242], [], 1),
  // agents.go
  s('AgentByQueueAndPID', 'migscheduler', `SELECT id, name, queueloc, mode, version, pid, starttime, heartbeattime,
		refreshtime, status FROM agents WHERE queueloc=$1 AND pid=$2 AND status!=$3`, ['linux.web1.example.net.4f3e2d1c', 4242, 'offline'], ['*'], 'some'),
  s('AgentByID', 'migscheduler', `SELECT id, name, queueloc, mode, version, pid, starttime, heartbeattime,
		refreshtime, status, tags, environment FROM agents WHERE id=$1`, [MIG_IDS.online], ['*'], 1),
  s('AgentsActiveSince', 'migscheduler', `SELECT DISTINCT(agents.queueloc), agents.name FROM agents
		WHERE agents.heartbeattime >= $1 AND agents.heartbeattime <= NOW()
		GROUP BY agents.queueloc, agents.name`, ['2019-06-01 00:00:00+00'], ['*'], 'some'),
  s('InsertAgent', 'migscheduler', `INSERT INTO agents
		(id, name, queueloc, mode, version, pid, starttime, destructiontime,
		heartbeattime, refreshtime, status, environment, tags)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [MIG_IDS.online + 1000, 'web2.example.net', 'linux.web2.example.net.11112222', 'daemon', '20190601-0.abcdef0.prod', 77, NOW, '0001-01-01 00:00:00+00', NOW, NOW, 'online', '{}', '{}'], [], 1),
  s('UpdateAgentHeartbeat', 'migscheduler', `UPDATE agents SET status=$1, heartbeattime=$2 WHERE id=$3`, ['online', NOW, MIG_IDS.online], [], 1),
  s('ReplaceRefreshedAgent', 'migscheduler', `UPDATE agents SET status=$1 WHERE id=$2`, ['offline', MIG_IDS.online], [], 1),
  s('ListMultiAgentsQueues', 'migscheduler', MIG_MULTI_AGENT_QUEUES, ['2019-01-01 00:00:00+00'], ['*'], 1),
  s('ActiveAgentsByQueue', 'migscheduler', MIG_ACTIVE_AGENTS_BY_QUEUE, ['2019-06-01 00:00:00+00', 'linux.web1.example.net.4f3e2d1c', 'offline'], ['*'], 'some'),
  s('MarkAgentDestroyed', 'migscheduler', `UPDATE agents
		SET destructiontime=$1, status=$2 WHERE id=$3`, [NOW, 'destroyed', MIG_IDS.offline], [], 1),
  s('GetAgentsStats', 'migscheduler', `SELECT timestamp, online_agents, online_agents_by_version,
		online_endpoints, idle_agents, idle_agents_by_version, idle_endpoints, new_endpoints,
		multi_agents_endpoints, disappeared_endpoints, flapping_endpoints
		FROM agents_stats ORDER BY timestamp DESC LIMIT $1`, [10], ['*'], 1),
  s('StoreAgentsStats', 'migscheduler', `INSERT INTO agents_stats
		(timestamp, online_agents, online_agents_by_version, online_endpoints,
		idle_agents, idle_agents_by_version, idle_endpoints, new_endpoints,
		multi_agents_endpoints, disappeared_endpoints, flapping_endpoints)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [NOW, 1, '[]', 1, 0, '[]', 0, 0, 0, 0, 0], [], 1),
  s('SumOnlineAgentsByVersion', 'migscheduler', MIG_STATS.onlineAgentsByVersion.sql, ['online'], ['*'], 1),
  s('SumIdleAgentsByVersion', 'migscheduler', MIG_STATS.idleAgentsByVersion.sql, ['idle', 'online'], ['*'], 0),
  s('CountOnlineEndpoints', 'migscheduler', MIG_STATS.onlineEndpoints.sql, ['online'], ['*'], 1),
  s('CountIdleEndpoints', 'migscheduler', MIG_STATS.idleEndpoints.sql, ['idle', 'online'], ['*'], 1),
  s('CountNewEndpoints', 'migscheduler', MIG_STATS.newEndpoints.sql, ['2019-06-01 00:00:00+00', '2019-05-01 00:00:00+00'], ['*'], 1),
  // investigators.go
  s('ActiveInvestigatorsKeys', 'migscheduler', "SELECT publickey FROM investigators WHERE status='active'", [], [], 2),
  s('InvestigatorByID', 'migscheduler', `SELECT id, name, pgpfingerprint, publickey, status,
		createdat, lastmodified, permissions FROM investigators WHERE id=$1`, [MIG_IDS.alice], ['id', 'name', 'pgpfingerprint', 'status', 'createdat', 'lastmodified', 'permissions'], 1),
  s('InvestigatorByFingerprint', 'migscheduler', `SELECT investigators.id, investigators.name, investigators.pgpfingerprint,
		investigators.publickey, investigators.status, investigators.createdat,
		investigators.lastmodified, investigators.permissions
		FROM investigators WHERE LOWER(pgpfingerprint)=LOWER($1)`, ['C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2C2'], ['id', 'name', 'pgpfingerprint', 'status', 'createdat', 'lastmodified', 'permissions'], 1),
  s('InvestigatorByActionID', 'migscheduler', `SELECT investigators.id, investigators.name, investigators.pgpfingerprint,
		investigators.status, investigators.createdat, investigators.lastmodified,
		investigators.permissions
		FROM investigators, signatures
		WHERE signatures.actionid=$1
		AND signatures.investigatorid=investigators.id`, [MIG_IDS.plainAction], ['*'], 1),
  s('GetSchedulerPrivKey', 'migscheduler', `SELECT privatekey FROM investigators
		WHERE name ='migscheduler' AND status='active'
		ORDER BY id ASC LIMIT 1`, [], ['*'], 1),
  s('GetSchedulerInvestigator', 'migscheduler', `SELECT id, name, pgpfingerprint, publickey, status, createdat, lastmodified
		FROM investigators WHERE name ='migscheduler' AND status='active' ORDER BY id ASC LIMIT 1`, [], ['*'], 1),
  s('InsertInvestigator', 'migapi', `INSERT INTO investigators
		(name, pgpfingerprint, publickey, status, createdat, lastmodified, permissions)
		VALUES ($1, $2, $3, 'active', $4, $5, $6)`, ['Carol', 'D3D3D3D3D3D3D3D3D3D3D3D3D3D3D3D3D3D3D3D3', Buffer.from('key'), NOW, NOW, 4], [], 1),
  s('UpdateInvestigatorStatus', 'migapi', `UPDATE investigators SET (status) = ($1) WHERE id=$2`, ['disabled', MIG_IDS.alice], [], 1, true),
];

/** ActiveAgentsByTarget (agents.go): the target runs as migreadonly, in a transaction, then MIG switches back. */
export const MIG_ACTIVE_AGENTS_BY_TARGET = (target: string) => `SELECT DISTINCT ON (queueloc) id, name, queueloc,
		version, pid, starttime, destructiontime, heartbeattime, refreshtime, status,
		mode, environment, tags
		FROM agents WHERE agents.status IN ('online', 'idle') AND (${target})
		ORDER BY agents.queueloc ASC`;
