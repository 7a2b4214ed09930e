import { EntitySchema } from 'typeorm';

export interface InvestigatorRow {
  id: number;
  name: string;
  pgpfingerprint: string | null;
  publickey: Buffer | null;
  /** Only the scheduler's own identity has one; never selected unless asked for by name. */
  privatekey?: Buffer | null;
  status: string;
  createdat: Date;
  lastmodified: Date;
  /** MIG's API permission bitmask (MIG's final schema; 0 = none). */
  permissions: number;
}

export const InvestigatorEntity = new EntitySchema<InvestigatorRow>({
  name: 'investigator',
  tableName: 'investigators',
  columns: {
    id: { type: 'numeric', primary: true },
    name: { type: 'varchar', length: 1024 },
    pgpfingerprint: { type: 'varchar', length: 128, nullable: true },
    publickey: { type: 'bytea', nullable: true },
    // select: false keeps private keys out of every ordinary query.
    privatekey: { type: 'bytea', nullable: true, select: false },
    status: { type: 'varchar', length: 255 },
    createdat: { type: 'timestamptz' },
    lastmodified: { type: 'timestamptz' },
    permissions: { type: 'bigint' },
  },
});
