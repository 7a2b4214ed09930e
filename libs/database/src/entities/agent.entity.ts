import { EntitySchema } from 'typeorm';
import type { AgentEnvironment } from '@mig-data/domain';

export interface AgentRow {
  id: number;
  name: string;
  queueloc: string;
  mode: string;
  version: string;
  pid: number;
  starttime: Date;
  destructiontime: Date | null;
  heartbeattime: Date;
  refreshtime: Date;
  status: string | null;
  environment: AgentEnvironment | null;
  tags: unknown;
  loadername: string | null;
}

export const AgentEntity = new EntitySchema<AgentRow>({
  name: 'agent',
  tableName: 'agents',
  columns: {
    id: { type: 'numeric', primary: true },
    name: { type: 'varchar', length: 2048 },
    queueloc: { type: 'varchar', length: 2048 },
    mode: { type: 'varchar', length: 2048 },
    version: { type: 'varchar', length: 2048 },
    pid: { type: 'integer' },
    starttime: { type: 'timestamptz' },
    destructiontime: { type: 'timestamptz', nullable: true },
    heartbeattime: { type: 'timestamptz' },
    refreshtime: { type: 'timestamptz' },
    status: { type: 'varchar', length: 255, nullable: true },
    environment: { type: 'json', nullable: true },
    tags: { type: 'json', nullable: true },
    loadername: { type: 'varchar', length: 2048, nullable: true },
  },
});
