import { asAdmin, InexactNumberError } from '@mig-data/database';
import { TEST_ADMIN_URL_VARIABLE } from '@mig-data/test-database';
import { heartbeat } from './support/fixtures';
import { startTestService, type TestService } from './support/test-service';

/** MIG's ids (numeric) and counts (int8) as plain numbers, on every pool libs/database makes; never rounded. */
describe('numeric and int8 values read through libs/database', () => {
  let t: TestService;
  const LARGEST_EXACT = '9007199254740991'; // 2^53 - 1
  const IDS_AND_COUNTS = `SELECT agents.id, count(*) OVER () AS agents, ${LARGEST_EXACT}::numeric AS largest, ${LARGEST_EXACT}::int8 AS largest_int8 FROM agents`;

  beforeAll(async () => {
    t = await startTestService();
    await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('parsers.example.net')] });
  });
  afterAll(async () => t.stop());

  /** Every query runner the service and its tools use, by name. */
  function runners(): Record<string, (sql: string) => Promise<Array<Record<string, unknown>>>> {
    return {
      'the service pool (TypeORM)': (sql) => t.service.dataSource.query(sql),
      'the target sandbox pool': async (sql) => {
        const client = await t.service.targetSandbox.connect();
        try {
          return (await client.query(sql)).rows;
        } finally {
          client.release();
        }
      },
      'the scratch-database admin client': (sql) => asAdmin(process.env[TEST_ADMIN_URL_VARIABLE]!, async (admin) => (await admin.query(sql)).rows),
    };
  }

  it.each(Object.keys(runners()))('%s returns ids and counts as numbers, exact up to 2^53 - 1', async (name) => {
    const query = runners()[name];
    const rows = name.startsWith('the scratch') ? await query(`SELECT 42::numeric AS id, count(*) AS agents, ${LARGEST_EXACT}::numeric AS largest, ${LARGEST_EXACT}::int8 AS largest_int8`) : await query(IDS_AND_COUNTS);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({ id: expect.any(Number), agents: 1, largest: Number.MAX_SAFE_INTEGER, largest_int8: Number.MAX_SAFE_INTEGER });
  });

  it.each(Object.keys(runners()))('%s fails loudly, and stays usable, on a value a number cannot hold exactly', async (name) => {
    const query = runners()[name];
    for (const inexact of ['9007199254740993::numeric', '9007199254740992::int8', '1.5::numeric', `'NaN'::numeric`]) {
      await expect(query(`SELECT ${inexact} AS value`)).rejects.toThrow(`the database returned ${new InexactNumberError(inexact.split('::')[0].replace(/'/g, '')).text}, which a JavaScript number cannot hold exactly`);
    }
    await expect(query(`SELECT 7::numeric AS value`)).resolves.toEqual([{ value: 7 }]);
  });

  it('reads ids through the ORM as numbers (no transformer in between)', async () => {
    const id = Number((await t.sql.query(`SELECT id::text AS id FROM agents`)).rows[0].id);
    await expect(t.service.dataSource.getRepository('agent').findOneByOrFail({ id })).resolves.toMatchObject({ id });
  });

  it("leaves pg's process-wide parsers alone: another pool in the process still reads numeric as text", async () => {
    const { rows } = await t.sql.query(`SELECT 42::numeric AS id, count(*) AS agents FROM agents`);
    expect(rows[0]).toEqual({ id: '42', agents: '1' });
  });
});
