import { parseArgs } from 'node:util';
import { parseCount } from '../args/options';
import { renderJson } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

const OSES = ['linux', 'windows', 'darwin'] as const;

/**
 * Records one heartbeat (RecordHeartbeat) as the scheduler does when an agent checks in: the agent
 * is then online, and targets can reach it. For trying a launch from end to end without real
 * agents, and for checking a target against a known machine; real agents heartbeat on their own.
 */
export const agentHeartbeatCommand: OperatorCommand = {
  name: 'agent-heartbeat',
  summary: 'record a heartbeat for an agent, as the scheduler does when one checks in (to try a launch without real agents)',
  usage: 'mig-operator agent-heartbeat NAME [--os linux|windows|darwin] [--pid N] [--queueloc QUEUE]\n  queueloc defaults to OS.NAME',
  async run({ args, clients, json, out }) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { os: { type: 'string', default: 'linux' }, pid: { type: 'string', default: '4242' }, queueloc: { type: 'string' } } });
    if (positionals.length !== 1) throw new UsageError("give the agent's name (its host name)");
    const os = values.os as (typeof OSES)[number];
    if (!OSES.includes(os)) throw new UsageError(`--os is one of ${OSES.join(', ')}, not "${values.os}"`);
    const [name] = positionals;
    const queueloc = values.queueloc ?? `${os}.${name}`;
    const now = new Date();
    const { agentId, registered } = await clients().agents.recordHeartbeat({
      heartbeat: {
        name,
        queueloc,
        mode: 'daemon',
        version: 'mig-operator-agent-heartbeat',
        pid: parseCount(values.pid!, '--pid'),
        starttime: now,
        heartbeatts: now,
        environment: { init: '', ident: '', os, arch: 'amd64', isproxied: false, proxy: '', addresses: [], publicip: '' },
        tags: undefined,
      },
    });
    out(json ? renderJson({ agentId, name, queueloc, registered }) : `agent ${agentId} ${name} (${queueloc}) ${registered ? 'registered' : 'heard from'}, online`);
  },
};
