import { EntitySchema } from 'typeorm';
import { numericCount } from './numeric-id.transformer';

/** One snapshot of the fleet's health, as MIG's scheduler stored it periodically. */
export interface AgentsStatsRow {
  timestamp: Date;
  online_agents: number;
  online_agents_by_version: unknown;
  online_endpoints: number;
  idle_agents: number;
  idle_agents_by_version: unknown;
  idle_endpoints: number;
  new_endpoints: number;
  multi_agents_endpoints: number;
  disappeared_endpoints: number;
  flapping_endpoints: number;
}

const count = { type: 'numeric', nullable: true, transformer: numericCount } as const;

// No primary key in MIG's table; snapshots are told apart by their timestamp.
export const AgentsStatsEntity = new EntitySchema<AgentsStatsRow>({
  name: 'agentsStats',
  tableName: 'agents_stats',
  columns: {
    timestamp: { type: 'timestamptz', primary: true },
    online_agents: count,
    online_agents_by_version: { type: 'json', nullable: true },
    online_endpoints: count,
    idle_agents: count,
    idle_agents_by_version: { type: 'json', nullable: true },
    idle_endpoints: count,
    new_endpoints: count,
    multi_agents_endpoints: count,
    disappeared_endpoints: count,
    flapping_endpoints: count,
  },
});
