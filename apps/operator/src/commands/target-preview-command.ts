import { parseArgs } from 'node:util';
import type { Agent } from '@mig-data/contract';
import { readActionFile } from '../args/files';
import { parseCount } from '../args/options';
import { renderJson, renderTable } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';
import { expandTarget } from './target-expansion';

/**
 * Which agents a target would reach if the action were launched now, before anyone signs it:
 * the same expansion the spool daemon makes. The count covers every agent; the list shows the
 * first --limit.
 */
export const targetPreviewCommand: OperatorCommand = {
  name: 'target preview',
  summary: 'the agents a target expression (or an action file\'s target) would reach now, before signing',
  usage: 'mig-operator target preview TARGET_EXPRESSION | --file ACTION_FILE [--limit N]\n' + `  e.g. mig-operator target preview "queueloc LIKE 'linux.%' AND environment->>'ident' ILIKE '%ubuntu%'"`,
  async run({ args, clients, json, out }) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { file: { type: 'string' }, limit: { type: 'string', default: '100' } } });
    if ((positionals.length === 1) === Boolean(values.file) || positionals.length > 1) throw new UsageError('give a target expression (quoted, as one word) or --file ACTION_FILE');
    const limit = parseCount(values.limit!, '--limit');
    const target = values.file ? (await readActionFile(values.file)).target : positionals[0];
    const shown: Agent[] = [];
    let count = 0;
    for await (const agent of expandTarget(clients(), target)) {
      count += 1;
      if (shown.length < limit) shown.push(agent);
    }
    if (json) return out(renderJson({ target, count, agents: shown }));
    const table = renderTable(['id', 'name', 'queueloc', 'status', 'heartbeat'], shown.map((a) => [a.id, a.name, a.queueloc, a.status, a.heartbeattime?.toISOString() ?? '']));
    out(`${count} agent(s) match ${target}${count > shown.length ? `; the first ${shown.length} by queueloc:` : ':'}\n${table}`);
  },
};

