import { EntitySchema } from 'typeorm';
import { numericId } from './numeric-id.transformer';

export interface SignatureRow {
  actionid: number;
  investigatorid: number;
  pgpsignature: string;
}

// The table has no primary key; (actionid, investigatorid) is unique, so TypeORM treats it as one.
export const SignatureEntity = new EntitySchema<SignatureRow>({
  name: 'signature',
  tableName: 'signatures',
  columns: {
    actionid: { type: 'numeric', primary: true, transformer: numericId },
    investigatorid: { type: 'numeric', primary: true, transformer: numericId },
    pgpsignature: { type: 'varchar', length: 4096 },
  },
});
