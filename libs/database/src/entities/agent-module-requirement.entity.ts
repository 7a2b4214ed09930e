import { EntitySchema } from 'typeorm';
import { numericId } from './numeric-id.transformer';

/** `agtmodreq`: the minimum summed signer weight a module needs to run on an agent. */
export interface AgentModuleRequirementRow {
  moduleid: number;
  agentid: number;
  minimumweight: number;
}

export const AgentModuleRequirementEntity = new EntitySchema<AgentModuleRequirementRow>({
  name: 'agentModuleRequirement',
  tableName: 'agtmodreq',
  columns: {
    moduleid: { type: 'numeric', primary: true, transformer: numericId },
    agentid: { type: 'numeric', primary: true, transformer: numericId },
    minimumweight: { type: 'integer' },
  },
});
