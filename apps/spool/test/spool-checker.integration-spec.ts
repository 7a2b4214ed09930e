import { copyFile, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionMessageFromFile } from '@mig-data/client';
import { formatActionFile, parseActionFile } from '@mig-data/domain';
import { startDataServiceProcess, type DataServiceProcess } from './support/data-service-process';
import type { AgentAnswer } from './support/relay-simulator';
import { checkSpoolAgainstDatabase, type ExpectedAction } from './support/spool-checker';
import { actionFileText, groupTarget, registerAgents, registerSigner, type TestAgent, type TestSigner } from './support/spool-fixtures';

// The checker is what the crash and two-daemon tests rest on: here it must pass a spool settled by
// hand through the service, and name each kind of drift put into it on purpose.
describe('the spool/database checker', () => {
  let service: DataServiceProcess;
  let signer: TestSigner;
  let agents: TestAgent[];
  let spoolDir: string;
  let actionId: number;
  let commandIds: number[];
  const answers = new Map<number, AgentAnswer>();
  const expected: ExpectedAction[] = [];

  beforeAll(async () => {
    service = await startDataServiceProcess();
    signer = await registerSigner(service.clients);
    agents = await registerAgents(service.clients, 'checker', 3);
    spoolDir = await mkdtemp(join(tmpdir(), 'mig-spool-checker-'));
    for (const half of ['action/new', 'action/inflight', 'action/done', 'action/invalid', 'command/ready', 'command/inflight', 'command/returned', 'command/done', 'command/invalid']) {
      await mkdir(join(spoolDir, half), { recursive: true });
    }
    // What a daemon would have done for one action to three agents, each answering success.
    const text = await actionFileText(signer, { name: 'checked', target: groupTarget('checker') });
    const file = parseActionFile(text);
    const { action } = await service.clients.actions.createAction({ action: { ...actionMessageFromFile(text), status: 'preparing' } });
    actionId = action!.id;
    const created = await service.clients.commands.createCommands({ actionId, agentIds: agents.map((agent) => agent.id), starttime: undefined });
    const commands = created.commandIds.map((id, index) => ({ id, agentId: created.agentIds[index] }));
    commandIds = created.commandIds;
    await service.clients.actions.updateActionStatus({ id: actionId, status: 'inflight' });
    for (const [index, command] of commands.entries()) {
      const agent = agents.find((candidate) => candidate.id === command.agentId)!;
      const answer: AgentAnswer = { status: 'success', results: [{ foundanything: true, elements: { command: command.id } }, { foundanything: false }] };
      answers.set(command.id, answer);
      await service.clients.commands.markCommandSent({ id: command.id });
      await service.clients.commands.finishCommand({ id: command.id, status: answer.status, results: answer.results, agentQueueloc: agent.queueloc, agentPid: agent.pid, finishtime: undefined });
      await writeFile(join(spoolDir, 'command/done', `${actionId}-${command.id}.json`), JSON.stringify({ id: command.id, action: { id: actionId }, agent, status: 'success', results: answer.results, index }));
    }
    await service.clients.actions.finishAction({ id: actionId, finishtime: undefined, force: false });
    await writeFile(join(spoolDir, 'action/done', `${actionId}.json`), JSON.stringify(formatActionFile({ ...file, id: actionId, status: 'completed' })));
    // An unsigned action that never got a row, in action/invalid.
    await writeFile(join(spoolDir, 'action/invalid', 'unsigned.json'), await actionFileText(signer, { name: 'refused', target: groupTarget('checker'), unsigned: true }));
    expected.push({ name: 'checked', outcome: 'completed', agents }, { name: 'refused', outcome: 'invalid' });
  });
  afterAll(async () => {
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
    await service?.stop();
  });

  const check = () => checkSpoolAgainstDatabase({ spoolDir, sql: service.sql, clients: service.clients, actions: expected, answers });

  it('finds nothing wrong with a spool that agrees with the database', async () => {
    const result = await check();
    expect(result.problems).toEqual([]);
    expect(result.commands).toBe(3);
  });

  it('names a command file that is in two directories', async () => {
    const name = `${actionId}-${commandIds[0]}.json`;
    await copyFile(join(spoolDir, 'command/done', name), join(spoolDir, 'command/inflight', name));
    try {
      expect((await check()).problems).toEqual(
        expect.arrayContaining([
          `command/inflight/${name}: still inflight after the spool settled`,
          `command ${commandIds[0]} of action ${actionId}: 2 files in the spool (inflight/${name}, done/${name}), expected exactly 1`,
        ]),
      );
    } finally {
      await unlink(join(spoolDir, 'command/inflight', name));
    }
  });

  it('names a lost command file and a lost action file', async () => {
    const commandName = `${actionId}-${commandIds[1]}.json`;
    await rm(join(spoolDir, 'command/done', commandName));
    await rm(join(spoolDir, 'action/invalid', 'unsigned.json'));
    expect((await check()).problems).toEqual([
      `command ${commandIds[1]} of action ${actionId}: 0 files in the spool (none), expected exactly 1`,
      `action "refused": 0 files in the spool (none), expected exactly 1`,
    ]);
  });

  it('names results that are not what the agent answered, and an action recorded twice', async () => {
    answers.set(commandIds[2], { status: 'success', results: [{ foundanything: true, elements: { command: -1 } }] });
    const { action: twin } = await service.clients.actions.createAction({ action: actionMessageFromFile(await actionFileText(signer, { name: 'checked', target: groupTarget('checker') })) });
    const problems = (await check()).problems;
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^command ${commandIds[2]} of action ${actionId}: database results .* are not what the agent answered`)), `action "checked": 2 database rows (ids ${[actionId, twin!.id].sort().join(', ')}), expected at most 1`]));
  });
});
