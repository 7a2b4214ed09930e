import type { Investigator, InvestigatorSummary } from '@mig-data/contract';
import type { InvestigatorRow } from '@mig-data/database';

// There is deliberately no field for a private key here: nothing the service returns carries one.

export function investigatorToMessage(row: InvestigatorRow): Investigator {
  return {
    id: row.id,
    name: row.name,
    pgpfingerprint: row.pgpfingerprint ?? '',
    publickey: row.publickey ? row.publickey.toString('utf8') : '',
    status: row.status,
    createdat: row.createdat,
    lastmodified: row.lastmodified,
    permissions: row.permissions,
  };
}

export function investigatorSummary(row: InvestigatorRow): InvestigatorSummary {
  return { id: row.id, name: row.name, pgpfingerprint: row.pgpfingerprint ?? '', status: row.status };
}
