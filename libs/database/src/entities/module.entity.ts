import { EntitySchema } from 'typeorm';
import { numericId } from './numeric-id.transformer';

export interface ModuleRow {
  id: number;
  name: string;
}

export const ModuleEntity = new EntitySchema<ModuleRow>({
  name: 'module',
  tableName: 'modules',
  columns: {
    id: { type: 'numeric', primary: true, transformer: numericId },
    name: { type: 'varchar', length: 256 },
  },
});
