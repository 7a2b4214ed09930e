import type { DataSource, EntityManager } from 'typeorm';
import { AlreadyExistsError, NotFoundError, type InvestigatorStatus, type Page, type PAGED_LISTS } from '@mig-data/domain';
import { InvestigatorEntity, type InvestigatorRow } from '../entities/investigator.entity';
import { returnedRows } from './structured-query';
import { sqlState, UNIQUE_VIOLATION } from './postgres-errors';

export interface NewInvestigator {
  name: string;
  /** Read from the key by the caller (libs/pgp), upper case. */
  pgpfingerprint: string;
  /** Armored public key. */
  publickey: string;
}

/** What verifying a signature needs to know of a possible signer. */
export interface SignerCandidate {
  id: number;
  name: string;
  pgpfingerprint: string;
  status: string;
  publickey: string;
}

// Every query here names its columns or goes through the entity, whose privatekey has
// `select: false`: the private key is read by `schedulerPrivateKey` and nowhere else.
const PUBLIC_COLUMNS = 'id, name, pgpfingerprint, publickey, status, createdat, lastmodified, permissions';

/** Investigators: registering them, reading them, the scheduler's own identity. */
export class InvestigatorRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Registers an active investigator; a key already registered is refused, naming its holder. */
  async create(investigator: NewInvestigator, now: Date): Promise<InvestigatorRow> {
    return this.insert(investigator, null, now);
  }

  /** Registers the scheduler's identity: the only investigator with a private key. */
  async createScheduler(investigator: NewInvestigator & { privatekey: string }, now: Date): Promise<InvestigatorRow> {
    return this.insert(investigator, investigator.privatekey, now);
  }

  private async insert(investigator: NewInvestigator, privatekey: string | null, now: Date): Promise<InvestigatorRow> {
    try {
      const [row] = await returnedRows<{ id: number }>(
        this.dataSource.manager,
        `INSERT INTO investigators (name, pgpfingerprint, publickey, privatekey, status, createdat, lastmodified)
         VALUES ($1, $2, $3, $4, 'active', $5, $5) RETURNING id`,
        [investigator.name, investigator.pgpfingerprint, Buffer.from(investigator.publickey, 'utf8'), privatekey === null ? null : Buffer.from(privatekey, 'utf8'), now],
      );
      return this.get(row.id);
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      if (privatekey !== null) await this.requireNoScheduler();
      const holder = await this.findByFingerprint(investigator.pgpfingerprint);
      throw new AlreadyExistsError(`the key ${investigator.pgpfingerprint} is already registered to investigator ${holder?.id} "${holder?.name}"`);
    }
  }

  async get(id: number): Promise<InvestigatorRow> {
    const investigator = await this.dataSource.getRepository(InvestigatorEntity).findOneBy({ id });
    if (!investigator) throw new NotFoundError('investigator', id);
    return investigator;
  }

  async findByFingerprint(fingerprint: string): Promise<InvestigatorRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${PUBLIC_COLUMNS} FROM investigators WHERE upper(pgpfingerprint) = upper($1)`, [fingerprint]);
    return row ? investigatorFromSql(row) : undefined;
  }

  /** By id (keyset), optionally only one status. */
  async list(status: InvestigatorStatus | undefined, page: Page<typeof PAGED_LISTS.investigators.key>): Promise<InvestigatorRow[]> {
    const query = this.dataSource.getRepository(InvestigatorEntity).createQueryBuilder('investigator');
    if (status !== undefined) query.andWhere('investigator.status = :status', { status });
    if (page.after !== undefined) query.andWhere('investigator.id > :afterId', { afterId: page.after[0] });
    return query.orderBy('investigator.id', 'ASC').limit(page.limit).getMany();
  }

  async updateStatus(id: number, status: InvestigatorStatus, now: Date): Promise<InvestigatorRow> {
    const updated = await returnedRows(this.dataSource.manager, `UPDATE investigators SET status = $2, lastmodified = $3 WHERE id = $1 RETURNING id`, [id, status, now]);
    if (updated.length === 0) throw new NotFoundError('investigator', id);
    return this.get(id);
  }

  /** The scheduler's identity, public part only. */
  async findScheduler(): Promise<InvestigatorRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${PUBLIC_COLUMNS} FROM investigators WHERE privatekey IS NOT NULL ORDER BY id LIMIT 1`);
    return row ? investigatorFromSql(row) : undefined;
  }

  /** Throws ALREADY_EXISTS naming the scheduler's identity when it has one. */
  async requireNoScheduler(): Promise<void> {
    const scheduler = await this.findScheduler();
    if (scheduler) throw new AlreadyExistsError(`the scheduler already has its identity: investigator ${scheduler.id} (${scheduler.pgpfingerprint})`);
  }

  /**
   * The scheduler's private key as stored (armored, or sealed by the service: the caller opens it),
   * to sign with inside the service; never to be returned or logged.
   */
  async schedulerPrivateKey(): Promise<{ investigator: InvestigatorRow; storedPrivateKey: string } | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${PUBLIC_COLUMNS}, privatekey FROM investigators WHERE privatekey IS NOT NULL ORDER BY id LIMIT 1`);
    if (!row) return undefined;
    const storedPrivateKey = (row.privatekey as Buffer).toString('utf8');
    delete row.privatekey;
    return { investigator: investigatorFromSql(row), storedPrivateKey };
  }

  /** Replaces the stored private key of investigator `id` if it is still `from` (another replica may have done it). */
  async replaceSchedulerPrivateKey(id: number, from: string, to: string): Promise<void> {
    await this.dataSource.query(`UPDATE investigators SET privatekey = $3 WHERE id = $1 AND privatekey = $2`, [id, Buffer.from(from, 'utf8'), Buffer.from(to, 'utf8')]);
  }

  /**
   * Investigators whose key may have made a signature naming these key ids (16 hex digits each):
   * the primary key's id is the end of its fingerprint. Any status: the caller says "disabled"
   * rather than "unknown" when it applies.
   */
  async signerCandidates(keyIds: readonly string[]): Promise<SignerCandidate[]> {
    const rows = await this.dataSource.query(
      `SELECT id, name, pgpfingerprint, status, publickey FROM investigators
       WHERE publickey IS NOT NULL AND right(upper(pgpfingerprint), 16) = ANY($1::text[])`,
      [keyIds.map((keyId) => keyId.toUpperCase())],
    );
    return rows.map(toCandidate);
  }

  /** Every investigator with a public key: where a signature by a subkey is looked for. */
  async allWithPublicKeys(): Promise<SignerCandidate[]> {
    const rows = await this.dataSource.query(`SELECT id, name, pgpfingerprint, status, publickey FROM investigators WHERE publickey IS NOT NULL ORDER BY id`);
    return rows.map(toCandidate);
  }

  /**
   * Within the transaction storing an action: the ids among `ids` still active, their rows
   * locked against a status change until it commits.
   */
  async lockActive(ids: readonly number[], manager: EntityManager): Promise<Set<number>> {
    const rows: Array<{ id: number }> = await manager.query(`SELECT id FROM investigators WHERE id = ANY($1::numeric[]) AND status = 'active' FOR SHARE`, [ids]);
    return new Set(rows.map((row) => row.id));
  }
}

/** An investigators row read with plain SQL (public columns), as the entity would give it. */
export function investigatorFromSql(row: Record<string, unknown>): InvestigatorRow {
  return {
    id: row.id as number,
    name: row.name as string,
    pgpfingerprint: row.pgpfingerprint as string | null,
    publickey: row.publickey as Buffer | null,
    status: row.status as string,
    createdat: row.createdat as Date,
    lastmodified: row.lastmodified as Date,
    permissions: row.permissions as number,
  };
}

function toCandidate(row: Record<string, unknown>): SignerCandidate {
  return {
    id: row.id as number,
    name: row.name as string,
    pgpfingerprint: row.pgpfingerprint as string,
    status: row.status as string,
    publickey: (row.publickey as Buffer).toString('utf8'),
  };
}
