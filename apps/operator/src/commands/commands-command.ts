import { parseArgs } from 'node:util';
import type { DataServiceClients } from '@mig-data/client';
import type { Agent, Command } from '@mig-data/contract';
import { PAGE_OPTIONS, parseId, parsePage } from '../args/options';
import { renderPage } from '../output/page';
import { renderTable } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

/** How much of a command's results the table shows; --json prints them whole. */
const RESULTS_SHOWN = 120;
/** GetAgent calls in flight at once while naming a page's agents. */
const AGENT_LOOKUPS_IN_FLIGHT = 16;

/** The commands of an action, one per agent by agent id: status, finish time and results. */
export const commandsCommand: OperatorCommand = {
  name: 'commands',
  summary: "an action's commands: status and results per agent",
  usage:
    'mig-operator commands ACTION_ID [--status prepared|sent|success|failed|expired|cancelled|timeout] [--limit N] [--page-token TOKEN]\n' +
    '  the table shortens long results to ' + RESULTS_SHOWN + ' characters; --json prints them whole, with each agent',
  async run({ args, clients, json, out }) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { status: { type: 'string' }, ...PAGE_OPTIONS } });
    if (positionals.length !== 1) throw new UsageError('give one action id');
    const actionId = parseId(positionals[0], 'action');
    const { commands, nextPageToken } = await clients().commands.listCommands({ actionId, status: values.status, ...parsePage(values) });
    const named = await withAgents(clients(), commands);
    const next = `mig-operator commands ${actionId}${values.status ? ` --status ${values.status}` : ''} --limit ${values.limit}`;
    out(renderPage(json, 'commands', named, nextPageToken, renderCommands, next));
  },
};

/** ListCommands gives agent ids; the agents (name, queueloc) are looked up for the page shown. */
async function withAgents(clients: DataServiceClients, commands: Command[]): Promise<Command[]> {
  const agents = new Map<number, Agent | undefined>();
  const ids = [...new Set(commands.map((command) => command.agentId))];
  for (let start = 0; start < ids.length; start += AGENT_LOOKUPS_IN_FLIGHT) {
    const batch = ids.slice(start, start + AGENT_LOOKUPS_IN_FLIGHT);
    const found = await Promise.all(batch.map((id) => clients.agents.getAgent({ id })));
    batch.forEach((id, index) => agents.set(id, found[index].agent));
  }
  return commands.map((command) => ({ ...command, agent: agents.get(command.agentId) }));
}

function renderCommands(commands: Command[]): string {
  return renderTable(
    ['id', 'agent_id', 'agent', 'status', 'finishtime', 'found', 'results'],
    commands.map((c) => [c.id, c.agentId, c.agent?.name ?? '', c.status, c.finishtime?.toISOString() ?? '', foundAnything(c), shorten(c.results.length > 0 ? JSON.stringify(c.results) : '')]),
  );
}

/** MIG's modules put `foundanything` in each operation's result: "yes" when any says true. */
function foundAnything(command: Command): string {
  if (command.results.length === 0) return '';
  return command.results.some((result) => (result as { foundanything?: unknown } | null)?.foundanything === true) ? 'yes' : 'no';
}

function shorten(text: string): string {
  return text.length <= RESULTS_SHOWN ? text : `${text.slice(0, RESULTS_SHOWN - 1)}…`;
}
