import { EntitySchema } from 'typeorm';
import { numericId } from './numeric-id.transformer';

/** `invagtmodperm`: the weight an investigator's signature carries for a module on an agent. */
export interface InvestigatorModulePermissionRow {
  investigatorid: number;
  agentid: number;
  moduleid: number;
  weight: number;
}

export const InvestigatorModulePermissionEntity = new EntitySchema<InvestigatorModulePermissionRow>({
  name: 'investigatorModulePermission',
  tableName: 'invagtmodperm',
  columns: {
    investigatorid: { type: 'numeric', primary: true, transformer: numericId },
    agentid: { type: 'numeric', primary: true, transformer: numericId },
    moduleid: { type: 'numeric', primary: true, transformer: numericId },
    weight: { type: 'integer' },
  },
});
