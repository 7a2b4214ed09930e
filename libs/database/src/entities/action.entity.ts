import { EntitySchema } from 'typeorm';
import type { ActionDescription, ActionThreat, Operation } from '@mig-data/domain';
import { storedOperations } from './stored-operations.transformer';

export interface ActionRow {
  id: number;
  name: string;
  target: string;
  description: ActionDescription | null;
  threat: ActionThreat | null;
  operations: Operation[] | null;
  validfrom: Date;
  expireafter: Date;
  starttime: Date | null;
  finishtime: Date | null;
  lastupdatetime: Date | null;
  status: string | null;
  syntaxversion: number | null;
  pgpsignatures: string[] | null;
}

export const ActionEntity = new EntitySchema<ActionRow>({
  name: 'action',
  tableName: 'actions',
  columns: {
    id: { type: 'numeric', primary: true },
    name: { type: 'varchar', length: 2048 },
    target: { type: 'varchar', length: 2048 },
    description: { type: 'json', nullable: true },
    threat: { type: 'json', nullable: true },
    operations: { type: 'json', nullable: true, transformer: storedOperations },
    validfrom: { type: 'timestamptz' },
    expireafter: { type: 'timestamptz' },
    starttime: { type: 'timestamptz', nullable: true },
    finishtime: { type: 'timestamptz', nullable: true },
    lastupdatetime: { type: 'timestamptz', nullable: true },
    status: { type: 'varchar', length: 256, nullable: true },
    syntaxversion: { type: 'integer', nullable: true },
    pgpsignatures: { type: 'json', nullable: true },
  },
});
