import type { DataSource, EntityManager } from 'typeorm';
import type { Page, PAGED_LISTS } from '@mig-data/domain';
import type { InvestigatorRow } from '../entities/investigator.entity';
import { investigatorFromSql } from './investigator.repository';

export interface VerifiedSignature {
  investigatorid: number;
  pgpsignature: string;
}

/** The `signatures` rows: which investigator's verified signature an action carries. */
export class SignatureRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the signatures of a new action, in the transaction that stores the action. */
  async insert(actionId: number, signatures: readonly VerifiedSignature[], manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO signatures (actionid, investigatorid, pgpsignature)
       SELECT $1, signed.investigatorid, signed.pgpsignature FROM unnest($2::numeric[], $3::text[]) AS signed(investigatorid, pgpsignature)`,
      [actionId, signatures.map((signature) => signature.investigatorid), signatures.map((signature) => signature.pgpsignature)],
    );
  }

  /** The investigators who signed each action (public columns only), by investigator id; one query for all. */
  async signersOf(actionIds: readonly number[]): Promise<Map<number, InvestigatorRow[]>> {
    const rows = await this.dataSource.query(
      `SELECT s.actionid, i.id, i.name, i.pgpfingerprint, i.publickey, i.status, i.createdat, i.lastmodified, i.permissions
       FROM signatures s JOIN investigators i ON i.id = s.investigatorid
       WHERE s.actionid = ANY($1::numeric[]) ORDER BY s.actionid, i.id`,
      [actionIds],
    );
    const byAction = new Map<number, InvestigatorRow[]>(actionIds.map((id) => [id, []]));
    for (const row of rows) {
      byAction.get(row.actionid)?.push(investigatorFromSql(row));
    }
    return byAction;
  }

  /** One page of an action's signers, by investigator id (keyset: signatures are never changed once stored). */
  async signersPage(actionId: number, page: Page<typeof PAGED_LISTS.actionInvestigators.key>): Promise<InvestigatorRow[]> {
    const rows = await this.dataSource.query(
      `SELECT i.id, i.name, i.pgpfingerprint, i.publickey, i.status, i.createdat, i.lastmodified, i.permissions
       FROM signatures s JOIN investigators i ON i.id = s.investigatorid
       WHERE s.actionid = $1 ${page.after ? 'AND i.id > $3::numeric' : ''}
       ORDER BY i.id LIMIT $2`,
      [actionId, page.limit, ...(page.after ?? [])],
    );
    return rows.map(investigatorFromSql);
  }
}
