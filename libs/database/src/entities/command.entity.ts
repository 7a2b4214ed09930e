import { EntitySchema } from 'typeorm';

export interface CommandRow {
  id: number;
  actionid: number;
  agentid: number;
  status: string;
  results: unknown[] | null;
  starttime: Date;
  finishtime: Date | null;
}

export const CommandEntity = new EntitySchema<CommandRow>({
  name: 'command',
  tableName: 'commands',
  columns: {
    id: { type: 'numeric', primary: true },
    actionid: { type: 'numeric' },
    agentid: { type: 'numeric' },
    status: { type: 'varchar', length: 255 },
    results: { type: 'json', nullable: true },
    starttime: { type: 'timestamptz' },
    finishtime: { type: 'timestamptz', nullable: true },
  },
});
