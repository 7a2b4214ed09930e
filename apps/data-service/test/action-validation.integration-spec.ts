import { status } from '@grpc/grpc-js';
import { action, grpcCode } from './support/fixtures';
import { signedAction } from './support/signing';
import { startTestService, type TestService } from './support/test-service';

describe('CreateAction refuses what MIG refuses, naming the field, and stores nothing', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  const actionCount = async () => (await t.sql.query(`SELECT count(*)::int AS n FROM actions`)).rows[0].n as number;

  it.each([
    ['an empty name', { name: '' }, 'action.name'],
    ['an empty target', { target: '  ' }, 'action.target'],
    ['validfrom after expireafter', { validfrom: new Date(Date.now() + 7_200_000), expireafter: new Date(Date.now() + 3_600_000) }, 'action.validfrom'],
    ['an expired action', { validfrom: new Date(Date.now() - 7_200_000), expireafter: new Date(Date.now() - 3_600_000) }, 'action.expireafter'],
    ['no validfrom', { validfrom: undefined }, 'action.validfrom'],
    ['syntax version 1', { syntaxversion: 1 }, 'action.syntaxversion'],
    ['no operations', { operations: [] }, 'action.operations'],
    ['no signature', { pgpsignatures: [] }, 'action.pgpsignatures'],
    ['an unknown status', { status: 'exploded' }, 'action.status'],
    ['a final status', { status: 'completed' }, 'action.status'],
    ['a target longer than its column', { target: `queueloc LIKE '${'x'.repeat(2100)}'` }, 'action.target'],
    ['a NUL character in the name', { name: 'a\u0000b' }, 'action.name'],
  ])('refuses %s', async (_case, overrides, field) => {
    const before = await actionCount();
    const refused = await grpcCode(t.clients.actions.createAction({ action: action(overrides) }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toContain(field);
    expect(await actionCount()).toBe(before);
  });

  it('keeps an id the action already has, and refuses a second action with it as ALREADY_EXISTS', async () => {
    const id = 2 ** 53 - 1;
    const { action: stored } = await t.clients.actions.createAction({ action: await signedAction(t, { id }) });
    expect(stored!.id).toBe(id);
    const { rows } = await t.sql.query(`SELECT id::text FROM actions WHERE id = $1`, [String(id)]);
    expect(rows[0].id).toBe('9007199254740991');
    expect((await t.clients.actions.getAction({ id })).action!.id).toBe(id);
    expect((await grpcCode(t.clients.actions.createAction({ action: await signedAction(t, { id }) }))).code).toBe(status.ALREADY_EXISTS);
  });
});
