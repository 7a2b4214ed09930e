import type { DataSource } from 'typeorm';
import { NotFoundError, type Heartbeat, type Page } from '@mig-data/domain';
import { ADVISORY_LOCKS } from '../advisory-locks';
import { AgentEntity, type AgentRow } from '../entities/agent.entity';
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
   * Records heartbeats in one transaction with two statements, whatever their number: the live
   * agents (same queueloc and pid, not offline) are updated and set online, the rest registered.
   * Heartbeats of one agent repeated in the batch collapse to its latest. The transaction holds
   * an advisory lock so that two replicas never register the same agent twice.
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

    const outcomeByAgent = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.agentRegistration]);
      const updated = await returnedRows<{ id: string; queueloc: string; pid: number }>(
        manager,
        `WITH hb AS (
           SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[])
             AS hb(queueloc, pid, heartbeattime, environment, tags)
         ), live AS (
           SELECT DISTINCT ON (a.queueloc, a.pid) a.id, hb.heartbeattime, hb.environment, hb.tags
           FROM hb JOIN agents a ON a.queueloc = hb.queueloc AND a.pid = hb.pid AND a.status IS DISTINCT FROM 'offline'
           ORDER BY a.queueloc, a.pid, a.heartbeattime DESC, a.id DESC
         )
         UPDATE agents a
         SET heartbeattime = GREATEST(a.heartbeattime, live.heartbeattime), status = 'online',
             environment = live.environment::json, tags = live.tags::json
         FROM live WHERE a.id = live.id
         RETURNING a.id, a.queueloc, a.pid`,
        [
          unique.map((h) => h.queueloc),
          unique.map((h) => h.pid),
          unique.map((h) => h.heartbeatts),
          unique.map((h) => JSON.stringify(h.environment ?? null)),
          unique.map((h) => JSON.stringify(h.tags ?? null)),
        ],
      );
      const outcomes = new Map<string, HeartbeatOutcome>();
      for (const row of updated) outcomes.set(agentKey(row.queueloc, row.pid), { agentId: Number(row.id), registered: false });

      const fresh = unique.filter((h) => !outcomes.has(agentKey(h.queueloc, h.pid)));
      if (fresh.length > 0) {
        const registered = await returnedRows<{ id: string; queueloc: string; pid: number }>(
          manager,
          `INSERT INTO agents (id, name, queueloc, mode, version, pid, starttime, heartbeattime, status, environment, tags)
           SELECT nextval('mig_id_seq'), name, queueloc, mode, version, pid, starttime, heartbeattime, 'online', environment::json, tags::json
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
          ],
        );
        for (const row of registered) outcomes.set(agentKey(row.queueloc, row.pid), { agentId: Number(row.id), registered: true });
      }
      return outcomes;
    });

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

  async get(id: number): Promise<AgentRow> {
    const agent = await this.dataSource.getRepository(AgentEntity).findOneBy({ id });
    if (!agent) throw new NotFoundError('agent', id);
    return agent;
  }

  /** Newest heartbeat first. */
  async list(filter: AgentFilter, page: Page): Promise<AgentRow[]> {
    const query = this.dataSource.getRepository(AgentEntity).createQueryBuilder('agent');
    if (filter.status !== undefined) query.andWhere('agent.status = :status', { status: filter.status });
    if (filter.name !== undefined) query.andWhere('agent.name = :name', { name: filter.name });
    if (filter.queueloc !== undefined) query.andWhere('agent.queueloc = :queueloc', { queueloc: filter.queueloc });
    if (filter.version !== undefined) query.andWhere('agent.version = :version', { version: filter.version });
    if (filter.heartbeatAfter !== undefined) query.andWhere('agent.heartbeattime >= :after', { after: filter.heartbeatAfter });
    return query.orderBy('agent.heartbeattime', 'DESC').addOrderBy('agent.id', 'DESC').offset(page.offset).limit(page.limit).getMany();
  }
}

function agentKey(queueloc: string, pid: number): string {
  return `${pid}\u0000${queueloc}`;
}
