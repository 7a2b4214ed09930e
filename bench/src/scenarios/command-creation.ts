import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { BenchInvestigator } from '../data/bench-action';
import type { BenchContext } from '../harness/bench-context';
import { rate, secondsSince, type Scenario } from '../harness/scenario';

const COPY_CHUNK = 10_000;

/**
 * Creating one action's commands for 100,000 agents: CreateCommands (one RPC, packed arrays of
 * agent and command ids back) against the fastest plain way to put the same rows in the table, COPY with the id block
 * reserved from the same sequence in one statement. Each run gets a fresh signed action.
 */
export function commandCreationScenario(context: BenchContext): Scenario {
  const { pool, clients, fleet } = context;
  const count = context.sizes.commandAgents;
  const agentIds = Array.from({ length: count }, (_, index) => fleet.firstAgentId + index);
  const investigator = new BenchInvestigator(clients);
  const freshAction = (side: string, repetition: number) => investigator.createAction(`bench: commands by ${side}, run ${repetition + 1}`);
  const commandsOf = async (actionId: number) =>
    Number((await pool.query<{ count: string }>('SELECT count(*) AS count FROM commands WHERE actionid = $1', [actionId])).rows[0].count);

  return {
    title: 'create the commands of one action',
    size: `${count.toLocaleString('en-US')} agents`,
    unit: 'rows/s',
    service: {
      id: 'service',
      label: 'CreateCommands RPC',
      run: async (repetition) => {
        const actionId = await freshAction('service', repetition);
        const start = performance.now();
        const response = await clients.commands.createCommands({ actionId, agentIds, starttime: new Date() });
        const seconds = secondsSince(start);
        if (response.createdCount !== count || response.commandIds.length !== count) {
          throw new Error(`CreateCommands created ${response.createdCount} and returned ${response.commandIds.length} commands, expected ${count}`);
        }
        return rate(await commandsOf(actionId), seconds);
      },
    },
    baselines: [
      {
        id: 'copy',
        label: 'COPY into commands',
        run: async (repetition) => {
          const actionId = await freshAction('copy', repetition);
          const client = await pool.connect();
          try {
            const start = performance.now();
            const { rows } = await client.query<{ last: string }>(`SELECT setval('mig_id_seq', nextval('mig_id_seq') + $1 - 1) AS last`, [count]);
            const firstId = Number(rows[0].last) - count + 1;
            const starttime = new Date().toISOString();
            await pipeline(
              Readable.from(copyRows(firstId, actionId, agentIds, starttime)),
              client.query(copyFrom('COPY commands (id, actionid, agentid, status, starttime) FROM STDIN')),
            );
            const seconds = secondsSince(start);
            return rate(await commandsOf(actionId), seconds);
          } finally {
            client.release();
          }
        },
      },
    ],
    targets: [{ baseline: 'copy', op: '>=', value: 0.8 }],
  };
}

function* copyRows(firstId: number, actionId: number, agentIds: readonly number[], starttime: string): Generator<string> {
  for (let from = 0; from < agentIds.length; from += COPY_CHUNK) {
    let chunk = '';
    for (let index = from; index < Math.min(agentIds.length, from + COPY_CHUNK); index++) {
      chunk += `${firstId + index}\t${actionId}\t${agentIds[index]}\tsent\t${starttime}\n`;
    }
    yield chunk;
  }
}
