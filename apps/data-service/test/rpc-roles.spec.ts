import type { ServiceDefinition } from '@grpc/grpc-js';
import * as contract from '@mig-data/contract';
import { ROLES, RPC_ROLES } from '../src/access/rpc-roles';
import { AUDITED } from '../src/access/audit';

/** Every RPC of every service in the generated contract, as "package.Service/Method". */
function contractRpcs(): string[] {
  const rpcs: string[] = [];
  for (const [name, value] of Object.entries(contract)) {
    if (!name.endsWith('ServiceService')) continue;
    for (const method of Object.values(value as ServiceDefinition)) rpcs.push(method.path.slice(1));
  }
  return rpcs.sort();
}

describe('RPC_ROLES, the one table of who may call what', () => {
  it('has exactly one entry for every RPC of every service in the contract, each naming known roles', () => {
    const rpcs = contractRpcs();
    expect(rpcs.length).toBeGreaterThanOrEqual(47);
    expect(Object.keys(RPC_ROLES).sort()).toEqual(rpcs);
    for (const roles of Object.values(RPC_ROLES)) {
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(ROLES).toContain(role);
    }
  });

  it('keeps registering, disabling and permissions for admin, and the scheduler key and results for the scheduler', () => {
    const only = (method: string) => [...RPC_ROLES[`mig.data.v1.${method}`]].sort();
    for (const method of ['InvestigatorService/CreateInvestigator', 'InvestigatorService/UpdateInvestigatorStatus', 'PermissionService/SetInvestigatorModulePermission', 'PermissionService/SetAgentModuleRequirement', 'PermissionService/CreateModule']) {
      expect(only(method)).toEqual(['admin']);
    }
    for (const method of ['InvestigatorService/SignActionAsScheduler', 'InvestigatorService/GetSchedulerInvestigator', 'InvestigatorService/CreateSchedulerInvestigator', 'CommandService/FinishCommand']) {
      expect(only(method)).toEqual(['scheduler']);
    }
    // Writes are never open to readonly.
    for (const [method, roles] of Object.entries(RPC_ROLES)) {
      if (/\/(Create|Update|Set|Mark|Record|Finish|Claim|Sign)/.test(method)) expect([method, roles.includes('readonly')]).toEqual([method, false]);
    }
  });

  it('audits only RPCs of the contract', () => {
    const rpcs = new Set(contractRpcs());
    for (const method of Object.keys(AUDITED)) expect(rpcs.has(method) ? method : `not in the contract: ${method}`).toBe(method);
  });
});
