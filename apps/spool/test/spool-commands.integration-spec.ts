import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionFileFromMessage } from '@mig-data/client';
import type { Action } from '@mig-data/contract';
import { actionFileName, commandFileName, placeFile, spoolLayout, type SpoolLayout } from '@mig-data/spool';
// The data service's own test support (a real service in-process on a fresh database, real signing):
// test code shared between the apps' tests, not a dependency of the spool app.
/* eslint-disable @nx/enforce-module-boundaries */
import { heartbeat } from '../../data-service/test/support/fixtures';
import { signedAction } from '../../data-service/test/support/signing';
import { startTestService, type TestService } from '../../data-service/test/support/test-service';
/* eslint-enable @nx/enforce-module-boundaries */
import { runSpool } from '../src/main';

describe('mig-spool init, status, submit, inspect and reconcile, against the real data service and a real spool', () => {
  let t: TestService;
  let dir: string;
  let root: string;
  let layout: SpoolLayout;
  let agents: Array<{ id: number; queueloc: string; pid: number }>;

  /** `mig-spool --spool <root> --address <service> …argv`, in-process, with no environment unless given. */
  async function spool(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const code = await runSpool(['--spool', root, '--address', t.service.address, ...argv], { out: (text) => out.push(text), err: (text) => err.push(text), env, log });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  /** An action stored through the service and moved to `status` as the daemon would move it. */
  async function storedAction(name: string, statuses: string[]): Promise<Action> {
    const { action } = await t.clients.actions.createAction({ action: await signedAction(t, { name }) });
    let current = action!;
    for (const status of statuses) current = (await t.clients.actions.updateActionStatus({ id: current.id, status })).action!;
    return current;
  }

  beforeAll(async () => {
    t = await startTestService();
    dir = mkdtempSync(join(tmpdir(), 'mig-spool-commands-'));
    root = join(dir, 'spool');
    layout = spoolLayout(root);
    const { results } = await t.clients.agents.recordHeartbeats({ heartbeats: ['a1', 'a2', 'a3', 'a4'].map((host) => heartbeat(`${host}.example.net`)) });
    agents = results.map((result, index) => ({ id: result.agentId, queueloc: `linux.a${index + 1}.example.net.abcdef`, pid: 4242 }));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.stop();
  });

  it('init creates the layout 0750 whatever the umask, says what existed, and warns of a directory more open than that', async () => {
    const umask = process.umask(0o077);
    try {
      const created = await spool(['--json', 'init']);
      expect(created).toMatchObject({ code: 0, err: '' });
      const report = JSON.parse(created.out);
      expect(report.spool).toBe(root);
      for (const state of ['new', 'inflight', 'done', 'invalid']) expect(statSync(layout.action[state as 'new']).mode & 0o777).toBe(0o750);
      for (const state of ['ready', 'inflight', 'returned', 'done']) expect(statSync(layout.command[state as 'ready']).mode & 0o777).toBe(0o750);
      expect(report.directories.every((entry: { created: boolean; mode: string }) => entry.created && entry.mode === '0750')).toBe(true);
    } finally {
      process.umask(umask);
    }
    chmodSync(layout.command.ready, 0o777);
    const again = await spool(['init']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^action\/new +0750 +existed$/m);
    expect(again.err).toBe(`warning: ${layout.command.ready} is 0777, more open than 0750: chmod 0750 it unless this is on purpose`);
    chmodSync(layout.command.ready, 0o750);
  });

  it('submit places a signed file byte for byte in action/new (0640), named by its id or left for the daemon to name; refuses what the daemon would set aside', async () => {
    const signed = await signedAction(t, { name: 'submitted by hand' });
    const withoutId = join(dir, 'without-id.json');
    writeFileSync(withoutId, actionFileFromMessage(signed));
    const placed = JSON.parse((await spool(['--json', 'submit', withoutId])).out);
    expect(placed.file).toMatch(new RegExp(`^${layout.action.new}/submitted-\\d{8}T\\d{9}Z-[0-9a-f]{8}\\.json$`));
    expect(placed.actionId).toBeNull();
    expect(readFileSync(placed.file, 'utf8')).toBe(readFileSync(withoutId, 'utf8'));
    expect(statSync(placed.file).mode & 0o777).toBe(0o640);

    const withId = join(dir, 'with-id.json');
    writeFileSync(withId, actionFileFromMessage({ ...signed, id: 7_000_123 }));
    expect(await spool(['submit', withId])).toMatchObject({ code: 0, out: expect.stringContaining(`placed ${join(layout.action.new, '7000123.json')} (action 7000123); it is taken at once`) });
    expect(await spool(['submit', withId])).toMatchObject({ code: 1, err: 'submit: action 7000123 is already in the spool, in action/new/7000123.json: handed in twice?' });

    const unsigned = join(dir, 'unsigned.json');
    writeFileSync(unsigned, actionFileFromMessage({ ...signed, pgpsignatures: [] }));
    expect((await spool(['submit', unsigned])).err).toContain('is not signed');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"name": 3}');
    expect((await spool(['submit', broken])).err).toBe(`submit: ${broken}: action.name: must be a string`);
    expect(await spool(['submit', join(dir, 'missing.json')])).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
    expect(readdirSync(layout.action.new)).toHaveLength(2);
    for (const name of readdirSync(layout.action.new)) rmSync(join(layout.action.new, name));
  });

  it('status counts the files of every directory with the oldest one\'s age, for people and as JSON', async () => {
    await placeFile(layout, layout.command.ready, commandFileName(1, 2), '{}');
    await placeFile(layout, layout.command.ready, commandFileName(1, 3), '{}');
    utimesSync(join(layout.command.ready, commandFileName(1, 2)), new Date(Date.now() - 7_500_000), new Date(Date.now() - 7_500_000));
    const report = JSON.parse((await spool(['--json', 'status'])).out);
    expect(report.directories).toHaveLength(9);
    expect(report.directories.find((entry: { directory: string }) => entry.directory === 'command/ready')).toEqual({ directory: 'command/ready', files: 2, oldestAgeSeconds: expect.any(Number), oldestFile: '1-2.json' });
    expect(report.directories.find((entry: { directory: string }) => entry.directory === 'command/ready').oldestAgeSeconds).toBeGreaterThanOrEqual(7500);
    expect(report.directories.find((entry: { directory: string }) => entry.directory === 'action/new')).toEqual({ directory: 'action/new', files: 0, oldestAgeSeconds: null, oldestFile: null });
    const human = await spool(['status']);
    expect(human.out).toMatch(/^command\/ready +2 +2h0\dm +1-2\.json$/m);
    expect(human.out).toMatch(/^action\/new +0 +-$/m);
    for (const name of readdirSync(layout.command.ready)) rmSync(join(layout.command.ready, name));
  });

  it('takes its settings with one precedence for every command: flags > environment > scheduler.cfg > defaults', async () => {
    const cfg = join(dir, 'scheduler.cfg');
    const other = join(dir, 'other-spool');
    writeFileSync(cfg, `[directories]\n    spool = "${root}"\n    tmp = "${join(root, 'tmp')}"\n[collector]\n    freq = "7s"\n[periodic]\n    freq = "87s"\n    deleteafter = "72h"\n`);
    const run = async (argv: string[], env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runSpool(argv, { out: (text) => out.push(text), err: (text) => err.push(text), env });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    expect(JSON.parse((await run(['--config', cfg, '--json', 'status'], {})).out).spool).toBe(root);
    expect(JSON.parse((await run(['--json', 'status'], { MIG_SCHEDULER_CFG: cfg })).out).spool).toBe(root);
    expect(await run(['--json', 'status'], { MIG_SCHEDULER_CFG: cfg, MIG_SPOOL_DIR: other })).toMatchObject({ code: 1, err: expect.stringContaining(`no spool at ${other}`) });
    expect(JSON.parse((await run(['--json', 'status', '--spool', root], { MIG_SCHEDULER_CFG: cfg, MIG_SPOOL_DIR: other })).out).spool).toBe(root);
    expect(await run(['status'], { MIG_SCHEDULER_CFG: cfg, MIG_SPOOL_RESCAN: 'soon' })).toMatchObject({ code: 2, err: expect.stringContaining('MIG_SPOOL_RESCAN must be a Go duration such as 1s, got "soon"') });
    // The same resolution serves every command: init with the flag makes the spool the environment named.
    expect((await run(['init', '--spool', other], { MIG_SPOOL_DIR: join(dir, 'unused') })).code).toBe(0);
    expect(existsSync(join(other, 'action', 'new'))).toBe(true);
    expect(existsSync(join(dir, 'unused'))).toBe(false);
  });

  it('inspect says where an action and a command are and what the database says, with the reason of what was set aside', async () => {
    const action = await storedAction('inspected', ['scheduled', 'preparing']);
    const { commandIds: commands } = await t.clients.commands.createCommands({ actionId: action.id, agentIds: [agents[0].id, agents[1].id], starttime: undefined });
    await t.clients.actions.updateActionStatus({ id: action.id, status: 'inflight' });
    await t.clients.commands.markCommandSent({ id: commands[0] });
    await placeFile(layout, layout.action.inflight, actionFileName(action.id), actionFileFromMessage(action));
    await placeFile(layout, layout.command.inflight, commandFileName(action.id, commands[0]), '{}');
    await placeFile(layout, layout.command.invalid, commandFileName(action.id, commands[1]), '{}');
    await placeFile(layout, layout.command.invalid, `${commandFileName(action.id, commands[1])}.reason.txt`, `2026-12-01T18:00:00.000Z ${layout.command.returned}\nhas no status\n`);

    const shown = await spool(['inspect', String(action.id)]);
    expect(shown).toMatchObject({ code: 0, err: '' });
    expect(shown.out).toContain(`action ${action.id} "inspected"`);
    expect(shown.out).toContain(`  spool:     ${join(layout.action.inflight, actionFileName(action.id))}`);
    expect(shown.out).toContain('  commands:  1 in command/inflight, 1 in command/invalid');
    expect(shown.out).toMatch(/ {2}database: {2}inflight, valid from .* sent 2, inflight 2, done 0 \(success 0\)/);

    const command = JSON.parse((await spool(['--json', 'inspect', commandFileName(action.id, commands[1])])).out);
    expect(command.action).toBeUndefined();
    expect(command.command).toMatchObject({ id: commands[1], actionId: action.id, files: [{ place: 'command/invalid', reason: 'has no status' }], database: { status: 'prepared', agent: expect.objectContaining({ id: agents[1].id }) } });
    const byId = await spool(['inspect', String(commands[0])]);
    expect(byId.out).toContain(`command ${commands[0]} of action ${action.id} for agent ${agents[0].id} a1.example.net`);
    expect(byId.out).toContain(`  spool:     ${join(layout.command.inflight, commandFileName(action.id, commands[0]))}`);
    expect(byId.out).toContain('  database:  sent, 0 result(s)');

    expect(await spool(['inspect', '987654321'])).toMatchObject({ code: 1, err: 'inspect: 987654321 is neither in the spool nor in the database' });
    expect(await spool(['inspect', 'abc'])).toMatchObject({ code: 2 });
    // Leave nothing for reconcile's test to find: a fresh spool, and the action cancelled.
    await t.clients.actions.updateActionStatus({ id: action.id, status: 'cancelled' });
    rmSync(root, { recursive: true, force: true });
    expect((await spool(['init'])).code).toBe(0);
  });

  it('reconcile reports each kind of drift, --fix repairs the safe ones under the action lock, and a clean spool exits 0', async () => {
    // An inflight action whose file and some command files are lost, with a stale copy and an answer the database lacks.
    const inflight = await storedAction('lost files', ['scheduled', 'preparing']);
    const { commandIds: commands } = await t.clients.commands.createCommands({ actionId: inflight.id, agentIds: agents.map((agent) => agent.id), starttime: undefined });
    await t.clients.actions.updateActionStatus({ id: inflight.id, status: 'inflight' });
    const [prepared, sent, finished, unrecorded] = commands;
    await t.clients.commands.markCommandSent({ id: sent });
    await t.clients.commands.finishCommand({ id: finished, status: 'success', results: [{ foundanything: false }], finishtime: new Date(), agentQueueloc: agents[2].queueloc, agentPid: agents[2].pid });
    await placeFile(layout, layout.command.inflight, commandFileName(inflight.id, finished), '{"stale": true}');
    await placeFile(layout, layout.command.done, commandFileName(inflight.id, finished), '{"answer": true}');
    const answer = { id: unrecorded, status: 'success', results: [{ foundanything: true }], agent: { queueloc: agents[3].queueloc, pid: agents[3].pid }, finishtime: new Date().toISOString() };
    await placeFile(layout, layout.command.done, commandFileName(inflight.id, unrecorded), JSON.stringify(answer));
    // A cancelled action still in action/inflight, a command file the database never had, an action file of an unknown action.
    const cancelled = await storedAction('cancelled', ['cancelled']);
    await placeFile(layout, layout.action.inflight, actionFileName(cancelled.id), actionFileFromMessage(cancelled));
    await placeFile(layout, layout.command.ready, commandFileName(cancelled.id, 8_888_888), '{}');
    await placeFile(layout, layout.action.done, actionFileName(9_999_999), '{}');

    const report = await spool(['--json', 'reconcile']);
    expect(report.code).toBe(1);
    const found = JSON.parse(report.out);
    const kinds = (entries: Array<{ kind: string; actionId: number; commandId?: number }>) => entries.map(({ kind, actionId, commandId }) => [kind, actionId, commandId]);
    expect(kinds(found.drift)).toEqual(
      expect.arrayContaining([
        ['action-file-missing', inflight.id, undefined],
        ['command-file-missing', inflight.id, prepared],
        ['command-file-missing', inflight.id, sent],
        ['command-stale-copy', inflight.id, finished],
        ['command-result-unrecorded', inflight.id, unrecorded],
        ['action-finished-in-inflight', cancelled.id, undefined],
        ['command-without-row', cancelled.id, 8_888_888],
        ['action-without-row', 9_999_999, undefined],
      ]),
    );
    expect(found.drift).toHaveLength(8);
    const human = await spool(['reconcile']);
    expect(human.out).toMatch(/^action-without-row +action 9999999 +file in action\/done$/m);
    expect(human.out).toContain('mig-spool reconcile --fix repairs what can be repaired');

    const fixed = await spool(['--json', 'reconcile', '--fix']);
    expect(fixed.code).toBe(1); // the unknown action's file has no safe fix
    expect(JSON.parse(fixed.out).drift.map((entry: { kind: string; result: { outcome: string } }) => [entry.kind, entry.result.outcome])).toEqual(
      expect.arrayContaining([
        ['action-file-missing', 'fixed'],
        ['command-file-missing', 'fixed'],
        ['action-without-row', 'no-fix'],
      ]),
    );
    // Where the fixes put things: where the daemon's own steps pick them up.
    expect(JSON.parse(readFileSync(join(layout.action.new, actionFileName(inflight.id)), 'utf8'))).toMatchObject({ id: inflight.id, status: 'inflight' });
    const rewritten = JSON.parse(readFileSync(join(layout.command.ready, commandFileName(inflight.id, prepared)), 'utf8'));
    expect(rewritten).toMatchObject({ id: prepared, status: 'prepared', action: { id: inflight.id, name: 'lost files' }, agent: { id: agents[0].id, queueloc: agents[0].queueloc } });
    expect(existsSync(join(layout.command.inflight, commandFileName(inflight.id, sent)))).toBe(true);
    expect(existsSync(join(layout.command.inflight, commandFileName(inflight.id, finished)))).toBe(false);
    expect(readFileSync(join(layout.command.done, commandFileName(inflight.id, finished)), 'utf8')).toBe('{"answer": true}');
    expect(existsSync(join(layout.command.returned, commandFileName(inflight.id, unrecorded)))).toBe(true);
    expect(existsSync(join(layout.action.new, actionFileName(cancelled.id)))).toBe(true);
    expect(readFileSync(join(layout.command.invalid, `${commandFileName(cancelled.id, 8_888_888)}.reason.txt`), 'utf8')).toContain(`command 8888888 of action ${cancelled.id} is not in the database`);

    // What is left is the daemon's work (action/new, command/returned), which is not drift, and the file nobody can place.
    rmSync(join(layout.action.done, actionFileName(9_999_999)));
    expect(await spool(['reconcile'])).toMatchObject({ code: 0, out: expect.stringContaining('spool and database agree') });
    // The daemon's own steps take the repairs from there.
    expect((await spool(['run', '--once'])).code).toBe(0);
    expect(existsSync(join(layout.action.inflight, actionFileName(inflight.id)))).toBe(true);
    expect(readFileSync(join(layout.action.invalid, `${actionFileName(cancelled.id)}.reason.txt`), 'utf8')).toContain('cancelled');
    expect((await t.clients.commands.getCommand({ id: unrecorded })).command).toMatchObject({ status: 'success', results: [{ foundanything: true }] });
    expect(await spool(['reconcile'])).toMatchObject({ code: 0, out: expect.stringContaining('spool and database agree') });
  });
});
