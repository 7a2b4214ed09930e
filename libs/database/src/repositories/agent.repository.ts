import type { DataSource } from 'typeorm';
import { NotFoundError, type Heartbeat, type Page, type PAGED_LISTS } from '@mig-data/domain';
import { ADVISORY_LOCKS } from '../advisory-locks';
import { AgentEntity, type AgentRow } from '../entities/agent.entity';
import { MIG_FUTURE_DATE } from '../mig-unset-values';
import { AGENT_COLUMNS } from './agent-rows';
import { poolQuery, type PreparedStatement } from './pool-query';
import { DEADLOCK_DETECTED, sqlState } from './postgres-errors';
import { returnedRows } from './structured-query';

export interface HeartbeatOutcome {
  agentId: number;
  registered: boolean;
}

export interface AgentFilter {
  status?: string;
  name?: string;
  queueloc?: string;
  version?: string;
  heartbeatAfter?: Date;
}

/** Agents: heartbeats (the hottest write of the system) and plain reads. */
export class AgentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records heartbeats, whatever their number: the live agents (same queueloc and pid, not
   * offline) are updated and set online in one statement, which is its own transaction (nearly
   * every batch is of known agents only: one round trip, no BEGIN and COMMIT around it); the rest
   * are registered in a second transaction. Heartbeats of one agent repeated in the batch collapse
   * to its latest. Nothing is answered before both have committed; when the second fails, the
   * first stays committed and the call fails: the caller's retry of the whole batch is harmless, as
   * a heartbeat never moves a stored time back.
   * Only registering takes the advisory lock (two replicas never register the same agent twice):
   * batches of known agents, nearly all of them, run side by side. After the lock, the update is
   * tried again for the unknown ones, in case another transaction registered them meanwhile. Two
   * batches sharing agents can deadlock on their rows; PostgreSQL then aborts one, which is retried.
   * A new agent is not destroyed: its destructiontime is MIG's future date, as MIG writes it.
   * Returns one outcome per heartbeat, in order.
   */
  async recordHeartbeats(heartbeats: readonly Heartbeat[]): Promise<HeartbeatOutcome[]> {
    if (heartbeats.length === 0) return [];
    const latestByAgent = new Map<string, Heartbeat>();
    for (const heartbeat of heartbeats) {
      const key = agentKey(heartbeat.queueloc, heartbeat.pid);
      const seen = latestByAgent.get(key);
      if (!seen || seen.heartbeatts.getTime() <= heartbeat.heartbeatts.getTime()) latestByAgent.set(key, heartbeat);
    }
    const unique = [...latestByAgent.values()];

    const updatedAtOnce = await retryOnDeadlock(() => poolQuery<{ id: number; queueloc: string; pid: number }>(this.dataSource, UPDATE_LIVE_AGENTS, updateLiveValues(unique)));
    const known = new Map(updatedAtOnce.map((row): [string, HeartbeatOutcome] => [agentKey(row.queueloc, row.pid), { agentId: row.id, registered: false }]));
    const rest = unique.filter((h) => !known.has(agentKey(h.queueloc, h.pid)));
    // Registering, for the agents the update did not find: a transaction under the registration lock.
    const registering = async () => retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const outcomes = new Map<string, HeartbeatOutcome>();
        const updateLive = async (batch: Heartbeat[]) => {
          const updated = await returnedRows<{ id: number; queueloc: string; pid: number }>(manager, UPDATE_LIVE_AGENTS.text, updateLiveValues(batch));
          for (const row of updated) outcomes.set(agentKey(row.queueloc, row.pid), { agentId: row.id, registered: false });
        };
        const unknown = () => rest.filter((h) => !outcomes.has(agentKey(h.queueloc, h.pid)));

        await manager.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.agentRegistration]);
        await updateLive(unknown());
        const fresh = unknown();
        if (fresh.length > 0) {
          const registered = await returnedRows<{ id: number; queueloc: string; pid: number }>(
            manager,
            `INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, destructiontime, heartbeattime, refreshtime, status, environment, tags, loadername)
             SELECT nextval('mig_id_seq'), hb.name, hb.queueloc, hb.mode, hb.version, hb.pid, hb.starttime, $10::timestamptz, hb.heartbeattime, hb.heartbeattime,
                    'online', hb.environment::json, hb.tags::json,
                    (SELECT loaders.loadername FROM loaders WHERE loaders.queueloc = hb.queueloc)
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[])
               AS hb(name, queueloc, mode, version, pid, starttime, heartbeattime, environment, tags)
             RETURNING id, queueloc, pid`,
            [
              fresh.map((h) => h.name),
              fresh.map((h) => h.queueloc),
              fresh.map((h) => h.mode),
              fresh.map((h) => h.version),
              fresh.map((h) => h.pid),
              fresh.map((h) => h.starttime),
              fresh.map((h) => h.heartbeatts),
              fresh.map((h) => JSON.stringify(h.environment ?? null)),
              fresh.map((h) => JSON.stringify(h.tags ?? null)),
              MIG_FUTURE_DATE,
            ],
          );
          for (const row of registered) outcomes.set(agentKey(row.queueloc, row.pid), { agentId: row.id, registered: true });
        }
        return outcomes;
      }),
    );
    const outcomeByAgent = rest.length === 0 ? known : new Map([...known, ...(await registering())]);

    // A heartbeat repeated in the batch reports the same agent; only the first mention "registered" it.
    const reported = new Set<string>();
    return heartbeats.map((heartbeat) => {
      const key = agentKey(heartbeat.queueloc, heartbeat.pid);
      const outcome = outcomeByAgent.get(key)!;
      const first = !reported.has(key);
      reported.add(key);
      return { agentId: outcome.agentId, registered: outcome.registered && first };
    });
  }

  /** By primary key, in hand-written SQL on the pool itself: a get-by-id is mostly fixed cost. */
  async get(id: number): Promise<AgentRow> {
    const [row] = await poolQuery<AgentRow>(this.dataSource, GET_AGENT, [id]);
    if (!row) throw new NotFoundError('agent', id);
    return row;
  }

  /** By id (keyset: a heartbeat moves an agent's heartbeat time, never its id). */
  async list(filter: AgentFilter, page: Page<typeof PAGED_LISTS.agents.key>): Promise<AgentRow[]> {
    const query = this.dataSource.getRepository(AgentEntity).createQueryBuilder('agent');
    if (filter.status !== undefined) query.andWhere('agent.status = :status', { status: filter.status });
    if (filter.name !== undefined) query.andWhere('agent.name = :name', { name: filter.name });
    if (filter.queueloc !== undefined) query.andWhere('agent.queueloc = :queueloc', { queueloc: filter.queueloc });
    if (filter.version !== undefined) query.andWhere('agent.version = :version', { version: filter.version });
    if (filter.heartbeatAfter !== undefined) query.andWhere('agent.heartbeattime >= :after', { after: filter.heartbeatAfter });
    if (page.after !== undefined) query.andWhere('agent.id > :afterId', { afterId: page.after[0] });
    return query.orderBy('agent.id', 'ASC').limit(page.limit).getMany();
  }
}

function agentKey(queueloc: string, pid: number): string {
  return `${pid}\u0000${queueloc}`;
}

// The live agent (not offline) at each heartbeat's queueloc and pid gets the heartbeat; of several
// such agents, the one seen last. A later heartbeat already stored is never moved back.
// refreshtime moves with heartbeattime and loadername follows the loader that claims the queueloc,
// as MIG's final schema has them (spec/data-model.md, "MIG's final schema").
const UPDATE_LIVE_AGENTS: PreparedStatement = {
  name: 'mig-data: update live agents',
  text: `WITH hb AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[])
      AS hb(queueloc, pid, heartbeattime, environment, tags)
  ), live AS (
    SELECT DISTINCT ON (a.queueloc, a.pid) a.id, hb.heartbeattime, hb.environment, hb.tags, loaders.loadername
    FROM hb JOIN agents a ON a.queueloc = hb.queueloc AND a.pid = hb.pid AND a.status IS DISTINCT FROM 'offline'
    LEFT JOIN loaders ON loaders.queueloc = hb.queueloc
    ORDER BY a.queueloc, a.pid, a.heartbeattime DESC, a.id DESC
  )
  UPDATE agents a
  SET heartbeattime = GREATEST(a.heartbeattime, live.heartbeattime), refreshtime = GREATEST(a.refreshtime, live.heartbeattime),
      status = 'online', environment = live.environment::json, tags = live.tags::json, loadername = live.loadername
  FROM live WHERE a.id = live.id
  RETURNING a.id, a.queueloc, a.pid`,
};

function updateLiveValues(batch: readonly Heartbeat[]): unknown[] {
  return [
    batch.map((h) => h.queueloc),
    batch.map((h) => h.pid),
    batch.map((h) => h.heartbeatts),
    batch.map((h) => JSON.stringify(h.environment ?? null)),
    batch.map((h) => JSON.stringify(h.tags ?? null)),
  ];
}

const GET_AGENT: PreparedStatement = { name: 'mig-data: get agent', text: `SELECT ${AGENT_COLUMNS} FROM agents WHERE agents.id = $1` };

const DEADLOCK_ATTEMPTS = 3;

/** Runs a whole transaction again when PostgreSQL aborted it to break a deadlock (nothing of it was kept). */
async function retryOnDeadlock<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (sqlState(error) !== DEADLOCK_DETECTED || attempt >= DEADLOCK_ATTEMPTS) throw error;
    }
  }
}
