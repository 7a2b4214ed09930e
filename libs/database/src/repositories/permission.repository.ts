import type { DataSource } from 'typeorm';
import { AlreadyExistsError, NotFoundError, type Page, type PAGED_LISTS } from '@mig-data/domain';
import { returnedRows } from './structured-query';
import { FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION } from './postgres-errors';

export interface ModuleRecord {
  id: number;
  name: string;
}

export interface AgentModuleRequirementRecord {
  agentId: number;
  moduleId: number;
  module: string;
  minimumWeight: number;
}

export interface InvestigatorModulePermissionRecord {
  investigatorId: number;
  agentId: number;
  moduleId: number;
  module: string;
  weight: number;
}

/** One operation on one agent, as the ACL judges it. */
export interface OperationPermissionRecord {
  agentId: number;
  operationIndex: number;
  module: string;
  /** The module whose requirement applied (the operation's own or "default"); null when the agent has neither. */
  permission: string | null;
  minimumWeight: number | null;
  signersWeight: number;
}

/** The permission module every agent falls back to (MIG's ACL "default"). */
export const DEFAULT_PERMISSION = 'default';

/** Modules, per-agent minimum weights (agtmodreq) and per-investigator weights (invagtmodperm). */
export class PermissionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async createModule(name: string): Promise<ModuleRecord> {
    try {
      const [row] = await returnedRows<ModuleRecord>(this.dataSource.manager, `INSERT INTO modules (id, name) VALUES (nextval('mig_id_seq'), $1) RETURNING id, name`, [name]);
      return row;
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new AlreadyExistsError(`module "${name}" already exists`);
      throw error;
    }
  }

  /** By name (keyset: names are unique and never change). */
  async listModules(page: Page<typeof PAGED_LISTS.modules.key>): Promise<ModuleRecord[]> {
    const rows =
      page.after === undefined
        ? await this.dataSource.query(`SELECT id, name FROM modules ORDER BY name LIMIT $1`, [page.limit])
        : await this.dataSource.query(`SELECT id, name FROM modules WHERE name > $2 ORDER BY name LIMIT $1`, [page.limit, page.after[0]]);
    return rows;
  }

  async setRequirement(agentId: number, module: string, minimumWeight: number): Promise<AgentModuleRequirementRecord> {
    const moduleId = await this.moduleId(module);
    await this.upsert(
      `INSERT INTO agtmodreq (moduleid, agentid, minimumweight) VALUES ($1, $2, $3)
       ON CONFLICT (moduleid, agentid) DO UPDATE SET minimumweight = excluded.minimumweight`,
      [moduleId, agentId, minimumWeight],
      { agentId },
    );
    return { agentId, moduleId, module, minimumWeight };
  }

  /** An agent's requirements, by module name (keyset: a requirement's module never changes). */
  async listRequirements(agentId: number, page: Page<typeof PAGED_LISTS.agentModuleRequirements.key>): Promise<AgentModuleRequirementRecord[]> {
    return this.dataSource.query(
      `SELECT r.agentid AS "agentId", r.moduleid AS "moduleId", m.name AS module, r.minimumweight AS "minimumWeight"
       FROM agtmodreq r JOIN modules m ON m.id = r.moduleid
       WHERE r.agentid = $1 ${page.after ? 'AND m.name > $3::text' : ''}
       ORDER BY m.name LIMIT $2`,
      [agentId, page.limit, ...(page.after ?? [])],
    );
  }

  async setPermission(investigatorId: number, agentId: number, module: string, weight: number): Promise<InvestigatorModulePermissionRecord> {
    const moduleId = await this.moduleId(module);
    await this.upsert(
      `INSERT INTO invagtmodperm (investigatorid, agentid, moduleid, weight) VALUES ($1, $2, $3, $4)
       ON CONFLICT (investigatorid, agentid, moduleid) DO UPDATE SET weight = excluded.weight`,
      [investigatorId, agentId, moduleId, weight],
      { agentId, investigatorId },
    );
    return { investigatorId, agentId, moduleId, module, weight };
  }

  /** An investigator's weights, by agent then module name (keyset on that pair, which a weight's update never changes). */
  async listPermissions(
    investigatorId: number,
    agentId: number | undefined,
    page: Page<typeof PAGED_LISTS.investigatorModulePermissions.key>,
  ): Promise<InvestigatorModulePermissionRecord[]> {
    return this.dataSource.query(
      `SELECT p.investigatorid AS "investigatorId", p.agentid AS "agentId", p.moduleid AS "moduleId", m.name AS module, p.weight
       FROM invagtmodperm p JOIN modules m ON m.id = p.moduleid
       WHERE p.investigatorid = $1 AND ($2::numeric IS NULL OR p.agentid = $2)
         ${page.after ? 'AND (p.agentid, m.name) > ($4::numeric, $5::text)' : ''}
       ORDER BY p.agentid, m.name LIMIT $3`,
      [investigatorId, agentId ?? null, page.limit, ...(page.after ?? [])],
    );
  }

  /**
   * MIG's ACL in one query, for every agent and operation: the requirement of the operation's
   * module on the agent (module names compared case-insensitively, as MIG did), else the
   * agent's "default"; and the summed weights, under that same permission, of the distinct active
   * investigators who signed the action.
   */
  async check(actionId: number, agentIds: readonly number[], modules: readonly string[]): Promise<OperationPermissionRecord[]> {
    const rows = await this.dataSource.query(
      `WITH signers AS (
         SELECT DISTINCT s.investigatorid FROM signatures s JOIN investigators i ON i.id = s.investigatorid
         WHERE s.actionid = $1 AND i.status = 'active'
       ),
       target AS (SELECT DISTINCT agentid FROM unnest($2::numeric[]) AS requested(agentid)),
       operation AS (SELECT module, position - 1 AS index FROM unnest($3::text[]) WITH ORDINALITY AS requested(module, position))
       SELECT target.agentid, operation.index, operation.module, applied.name AS permission, applied.minimumweight,
              coalesce((SELECT sum(p.weight) FROM invagtmodperm p JOIN signers ON signers.investigatorid = p.investigatorid
                        WHERE p.agentid = target.agentid AND p.moduleid = applied.moduleid), 0) AS signersweight
       FROM target CROSS JOIN operation
       LEFT JOIN LATERAL (
         SELECT m.name, r.moduleid, r.minimumweight FROM agtmodreq r JOIN modules m ON m.id = r.moduleid
         WHERE r.agentid = target.agentid AND lower(m.name) IN (lower(operation.module), '${DEFAULT_PERMISSION}')
         ORDER BY lower(m.name) = '${DEFAULT_PERMISSION}' AND lower(operation.module) <> '${DEFAULT_PERMISSION}'
         LIMIT 1
       ) applied ON true
       ORDER BY target.agentid, operation.index`,
      [actionId, agentIds, modules],
    );
    return rows.map((row: { agentid: number; index: number; module: string; permission: string | null; minimumweight: number | null; signersweight: number }) => ({
      agentId: row.agentid,
      operationIndex: row.index,
      module: row.module,
      permission: row.permission,
      minimumWeight: row.minimumweight,
      signersWeight: row.signersweight,
    }));
  }

  private async moduleId(name: string): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT id FROM modules WHERE name = $1`, [name]);
    if (!row) throw new NotFoundError('module', name);
    return row.id;
  }

  /** An upsert whose foreign keys name what is missing when they fail. */
  private async upsert(sql: string, parameters: unknown[], refs: { agentId: number; investigatorId?: number }): Promise<void> {
    try {
      await this.dataSource.query(sql, parameters);
    } catch (error) {
      if (sqlState(error) !== FOREIGN_KEY_VIOLATION) throw error;
      const constraint = String((error as { driverError?: { constraint?: string } }).driverError?.constraint ?? '');
      if (constraint.endsWith('investigatorid_fkey') && refs.investigatorId !== undefined) throw new NotFoundError('investigator', refs.investigatorId);
      throw new NotFoundError('agent', refs.agentId);
    }
  }
}
