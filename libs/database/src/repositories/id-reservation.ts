import type { EntityManager } from 'typeorm';
import { parseIdArray } from './id-arrays';

/**
 * Ids taken from the shared sequence for `count` new rows: `first`, first + 1, … when they came
 * out as one unbroken block (the usual case), else the list of them (`ids`), ascending.
 */
export interface ReservedIds {
  first: number;
  ids?: number[];
}

/** The reserved id of the `index`th new row. */
export function reservedId(reserved: ReservedIds, index: number): number {
  return reserved.ids ? reserved.ids[index] : reserved.first + index;
}

/**
 * Reserves `count` ids from mig_id_seq in one statement, `count` nextval calls. Another session's
 * nextval between ours breaks the block (a range cannot be reserved safely: setval after nextval
 * would hand out ids that a concurrent caller also got), and only then does the list come back;
 * otherwise the answer is the first id, not 100,000 ids printed, sent and parsed. The array is an
 * InitPlan under the CASE, so PostgreSQL builds it only when the block is broken.
 */
export async function reserveIds(manager: EntityManager, count: number): Promise<ReservedIds> {
  const [row]: Array<{ first: string; ids: string | null }> = await manager.query(
    `WITH reserved AS MATERIALIZED (SELECT nextval('mig_id_seq') AS id FROM generate_series(1, $1::int))
     SELECT min(id)::text AS first,
            CASE WHEN max(id) - min(id) + 1 = $1::int THEN NULL ELSE (SELECT array_agg(id ORDER BY id) FROM reserved)::text END AS ids
     FROM reserved`,
    [count],
  );
  return row.ids === null ? { first: Number(row.first) } : { first: Number(row.first), ids: parseIdArray(row.ids) };
}
