import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionFileFromMessage } from '@mig-data/client';
import type { Action, Command } from '@mig-data/contract';
import { listWorkFiles, moveFiles, placeFile, placeFiles, spoolLayout, type SpoolFile, type SpoolLayout } from '@mig-data/spool';
// The data service's own test support (a real service in-process on a fresh database, real signing):
// test code shared between the apps' tests, not a dependency of the spool app.
/* eslint-disable @nx/enforce-module-boundaries */
import { heartbeat } from '../../data-service/test/support/fixtures';
import { signedAction } from '../../data-service/test/support/signing';
import { startTestService, type TestService } from '../../data-service/test/support/test-service';
/* eslint-enable @nx/enforce-module-boundaries */
import { runSpool } from '../src/main';

const FLEET = 1000;

/**
 * A minimal relay and agent: moves commands ready → inflight (the relay's publish, one rename each)
 * and, unless the action is told to stay silent, drops each command once into command/returned
 * with a result.
 */
class TestRelay {
  private timer?: NodeJS.Timeout;
  readonly silentActions = new Set<number>();
  private readonly answered = new Set<string>();
  constructor(private readonly layout: SpoolLayout) {}
  start(): void {
    const tick = async () => {
      const moved = await moveFiles(this.layout.command.ready, this.layout.command.inflight, (await listWorkFiles(this.layout.command.ready)).map((name) => ({ name })));
      const names = (await listWorkFiles(this.layout.command.inflight)).filter((name) => !this.answered.has(name));
      const answers: SpoolFile[] = [];
      for (const name of names) {
        const command = JSON.parse(await readFile(join(this.layout.command.inflight, name), 'utf8'));
        this.answered.add(name);
        if (this.silentActions.has(command.action.id)) continue;
        const returned = { ...command, status: 'success', results: [{ foundanything: true, elements: { agent: command.agent.name } }], finishtime: new Date().toISOString() };
        answers.push({ name, content: JSON.stringify(returned) });
      }
      await placeFiles(this.layout, this.layout.command.returned, answers);
      this.timer = setTimeout(tick, moved.length > 0 ? 0 : 50);
    };
    void tick();
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 400_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('mig-spool run: the whole flow against the real data service and a real spool', () => {
  let t: TestService;
  let root: string;
  let layout: SpoolLayout;
  let relay: TestRelay;
  const stop = new AbortController();
  let daemon: Promise<number>;
  const logLines: Array<Record<string, unknown>> = [];

  const dropAction = async (fileName: string, action: Action) => {
    await placeFile(layout, layout.action.new, fileName, actionFileFromMessage(action));
  };
  const allCommands = async (actionId: number): Promise<Command[]> => {
    const commands: Command[] = [];
    let pageToken = '';
    do {
      const page = await t.clients.commands.listCommands({ actionId, status: undefined, pageSize: 10_000, pageToken });
      commands.push(...page.commands);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return commands;
  };
  const actionIdOf = (logMessage: string, file: string) => waitFor(`${logMessage} of ${file}`, () => logLines.find((line) => line.msg === logMessage && line.file === file)?.actionId as number | undefined);
  const reasonOf = (name: string) => readFileSync(join(layout.action.invalid, `${name}.reason.txt`), 'utf8');

  beforeAll(async () => {
    t = await startTestService();
    root = mkdtempSync(join(tmpdir(), 'mig-spool-'));
    layout = spoolLayout(join(root, 'spool'));
    for (let start = 0; start < FLEET; start += 500) {
      await t.clients.agents.recordHeartbeats({ heartbeats: Array.from({ length: Math.min(500, FLEET - start) }, (_, i) => heartbeat(`fleet-${start + i}.example.net`)) });
    }
    await t.clients.agents.recordHeartbeats({ heartbeats: [heartbeat('quiet.example.net'), heartbeat('api.example.net')] });
    daemon = runSpool(['--spool', layout.root, '--address', t.service.address, '--rescan', '200ms', '--periodic', '1s', '--max-file-bytes', '100000', 'run'], {
      out: () => undefined,
      err: (text) => logLines.push({ msg: 'stderr', text }),
      log: { info: (msg, fields) => logLines.push({ msg, ...fields }), warn: (msg, fields) => logLines.push({ msg, ...fields }), error: (msg, fields) => logLines.push({ msg, level: 'error', ...fields }) },
      env: {},
      signal: stop.signal,
    });
    await waitFor('the daemon running', () => logLines.some((line) => line.msg === 'mig-spool running'));
    relay = new TestRelay(layout);
    relay.start();
  });
  afterAll(async () => {
    relay?.stop();
    stop.abort();
    expect(await daemon).toBe(0);
    expect(logLines.filter((line) => line.level === 'error')).toEqual([]);
    await t?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('takes a signed action file without an id to 1,000 agents from action/new to action/done, every result recorded', async () => {
    const action = await signedAction(t, { name: 'fleet sweep', target: "name LIKE 'fleet-%'" });
    await dropAction('fleet sweep.json', action);
    const id = await actionIdOf('action named', 'fleet sweep.json');
    await waitFor('the action in action/done', async () => (await listWorkFiles(layout.action.done)).includes(`${id}.json`));
    const stored = (await t.clients.actions.getAction({ id })).action!;
    expect(stored.status).toBe('completed');
    expect(stored.counters).toMatchObject({ sent: FLEET, done: FLEET, success: FLEET, inflight: 0 });
    const commands = await allCommands(id);
    expect(commands).toHaveLength(FLEET);
    expect(commands.every((command) => command.status === 'success' && (command.results[0] as { foundanything: boolean }).foundanything)).toBe(true);
    const done = (await listWorkFiles(layout.command.done)).filter((name) => name.startsWith(`${id}-`));
    expect(done).toHaveLength(FLEET);
    for (const state of ['ready', 'inflight', 'returned'] as const) expect((await listWorkFiles(layout.command[state])).filter((name) => name.startsWith(`${id}-`))).toEqual([]);
    expect(await listWorkFiles(layout.action.new)).not.toContain('fleet sweep.json');
    expect(JSON.parse(readFileSync(join(layout.action.done, `${id}.json`), 'utf8'))).toMatchObject({ id, status: 'completed', counters: { done: FLEET } });
    // Each transition has its log line.
    expect(logLines.filter((line) => line.actionId === id).map((line) => line.msg)).toEqual(expect.arrayContaining(['action named', 'action preparing', 'commands ready', 'action inflight', 'commands sent', 'commands returned', 'action done']));
  });

  it('sets an expired action and an unsigned one aside in action/invalid with the reason beside them', async () => {
    const expired = await signedAction(t, { validfrom: new Date(Date.now() - 7_200_000), expireafter: new Date(Date.now() - 3_600_000) });
    await dropAction('expired.json', expired);
    const unsigned = { ...(await signedAction(t, { name: 'unsigned' })), pgpsignatures: [] };
    await dropAction('unsigned.json', unsigned);
    await waitFor('both in action/invalid', async () => {
      const invalid = await listWorkFiles(layout.action.invalid);
      return invalid.includes('expired.json') && invalid.some((name) => name !== 'expired.json' && reasonOf(name).includes('pgpsignatures'));
    });
    expect(reasonOf('expired.json')).toMatch(/expired at/);
    const unsignedName = (await listWorkFiles(layout.action.invalid)).find((name) => reasonOf(name).includes('pgpsignatures'))!;
    expect(reasonOf(unsignedName)).toMatch(/INVALID_ARGUMENT: action.pgpsignatures/);
    const { actions } = await t.clients.actions.listActions({ status: undefined, pageSize: 100, pageToken: '' });
    expect(actions.map((action) => action.name)).not.toContain('unsigned');
  });

  it('counts a returned command delivered twice once, and never overwrites its success', async () => {
    const action = await signedAction(t, { name: 'one agent', target: "name = 'fleet-7.example.net'" });
    await dropAction('one agent.json', action);
    const id = await actionIdOf('action named', 'one agent.json');
    await waitFor('the action done', async () => (await listWorkFiles(layout.action.done)).includes(`${id}.json`));
    const [name] = (await listWorkFiles(layout.command.done)).filter((file) => file.startsWith(`${id}-`));
    const first = JSON.parse(readFileSync(join(layout.command.done, name), 'utf8'));
    // The same command returned again, this time as failed: recorded once, success kept.
    await placeFile(layout, layout.command.returned, name, JSON.stringify({ ...first, status: 'failed', results: [{ again: true }] }));
    await waitFor('the second delivery handled', async () => !(await listWorkFiles(layout.command.returned)).includes(name));
    const [command] = await allCommands(id);
    expect(command).toMatchObject({ status: 'success', results: first.results });
    expect((await t.clients.actions.getAction({ id })).action!.counters).toMatchObject({ sent: 1, done: 1, success: 1, failed: 0 });
    expect((await listWorkFiles(layout.command.done)).filter((file) => file.startsWith(`${id}-`))).toEqual([name]);
  });

  it('never stops for bad files: not JSON, empty, huge, dot-files, half-written; the good actions beside them flow', async () => {
    writeFileSync(join(layout.action.new, 'garbage.json'), '{"name": "half a fi');
    writeFileSync(join(layout.action.new, 'empty.json'), '');
    writeFileSync(join(layout.action.new, 'huge.json'), JSON.stringify({ name: 'x'.repeat(200_000) }));
    writeFileSync(join(layout.action.new, '.being-edited.json'), '{');
    writeFileSync(join(layout.command.returned, '123-456.json'), 'not json at all');
    writeFileSync(join(layout.command.returned, 'stray.json'), '{}');
    const good = await signedAction(t, { name: 'beside the bad', target: "name = 'fleet-8.example.net'" });
    await dropAction('good.json', good);
    // A writer breaking the rename rule, writing in place in two goes: the half file is left alone, the whole one taken.
    const slow = actionFileFromMessage(await signedAction(t, { name: 'slow writer', target: "name = 'fleet-9.example.net'" }));
    writeFileSync(join(layout.action.new, 'slow writer.json'), slow.slice(0, 200));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await listWorkFiles(layout.action.invalid)).not.toContain('slow writer.json');
    appendFileSync(join(layout.action.new, 'slow writer.json'), slow.slice(200));
    const slowId = await actionIdOf('action named', 'slow writer.json');
    const id = await actionIdOf('action named', 'good.json');
    await waitFor('the good actions done', async () => (await listWorkFiles(layout.action.done)).filter((name) => name === `${id}.json` || name === `${slowId}.json`).length === 2);
    await waitFor('the bad ones set aside', async () => (await listWorkFiles(layout.action.invalid)).filter((name) => ['garbage.json', 'empty.json', 'huge.json'].includes(name)).length === 3);
    expect(reasonOf('garbage.json')).toMatch(/is not JSON/);
    expect(reasonOf('empty.json')).toMatch(/is empty/);
    expect(reasonOf('huge.json')).toMatch(/more than the 100000 bytes/);
    expect(readdirSync(layout.action.new)).toContain('.being-edited.json');
    await waitFor('bad returned files set aside', async () => (await listWorkFiles(layout.command.invalid)).length === 2);
    expect(readFileSync(join(layout.command.invalid, '123-456.json.reason.txt'), 'utf8')).toMatch(/is not JSON/);
  });

  it('claims a pending action created through the service, spools it and takes it to done', async () => {
    const { action } = await t.clients.actions.createAction({ action: await signedAction(t, { name: 'via the api', target: "name = 'api.example.net'" }) });
    expect(action!.status).toBe('pending');
    await waitFor('the claimed action done', async () => (await listWorkFiles(layout.action.done)).includes(`${action!.id}.json`));
    expect((await t.clients.actions.getAction({ id: action!.id })).action).toMatchObject({ status: 'completed', counters: { sent: 1, success: 1 } });
    expect(logLines.find((line) => line.msg === 'action claimed' && line.actionId === action!.id)).toBeDefined();
  });

  it('returns commands no agent answered as expired once their action expires, and completes the action', async () => {
    const action = await signedAction(t, { name: 'nobody answers', target: "name = 'quiet.example.net'", expireafter: new Date(Date.now() + 4_000) });
    const id = action.id || 4242424242;
    relay.silentActions.add(id);
    await dropAction(`${id}.json`, { ...action, id });
    await waitFor('the expired action done', async () => (await listWorkFiles(layout.action.done)).includes(`${id}.json`));
    const [command] = await allCommands(id);
    expect(command.status).toBe('expired');
    expect((await t.clients.actions.getAction({ id })).action!.counters).toMatchObject({ sent: 1, expired: 1, done: 1 });
  });
});
