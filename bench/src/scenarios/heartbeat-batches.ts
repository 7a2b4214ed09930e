import { countHeartbeatsAt, freshHeartbeatTime, heartbeatOf, selectLiveAgents, type LiveAgent } from '../data/live-agents';
import type { BenchContext } from '../harness/bench-context';
import { runBounded } from '../harness/bounded-loop';
import { rate, secondsSince, type Sample, type Scenario } from '../harness/scenario';

// The update a heartbeat of a known agent makes: the live (not offline) agent at this queueloc
// and pid gets the new time, status online and the reported environment and tags.
const ONE_UPDATE = `UPDATE agents SET heartbeattime = $3, status = 'online', environment = $4::json, tags = $5::json
  WHERE queueloc = $1 AND pid = $2 AND status IS DISTINCT FROM 'offline'`;
const BATCHED_UPDATE = `UPDATE agents a SET heartbeattime = hb.heartbeattime, status = 'online', environment = hb.environment::json, tags = hb.tags::json
  FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[]) AS hb(queueloc, pid, heartbeattime, environment, tags)
  WHERE a.queueloc = hb.queueloc AND a.pid = hb.pid AND a.status IS DISTINCT FROM 'offline'`;

/**
 * Heartbeats of 20,000 known agents forwarded in batches, as a scheduler relays them:
 * RecordHeartbeats against one UPDATE per heartbeat over a pool (the ceiling without batching)
 * and against the same batches as one UPDATE … FROM unnest each. Every run stamps its own
 * heartbeat time, and the rows carrying it are counted afterwards.
 */
export function heartbeatBatchesScenario(context: BenchContext): Scenario {
  const { pool, clients, sizes } = context;
  const count = sizes.heartbeatAgents;
  const batchSize = sizes.heartbeatBatch;
  let agents: LiveAgent[] = [];
  const batches = () => Array.from({ length: Math.ceil(count / batchSize) }, (_, index) => agents.slice(index * batchSize, (index + 1) * batchSize));
  const measured = async (write: (time: Date) => Promise<unknown>): Promise<Sample> => {
    const time = freshHeartbeatTime(agents);
    const start = performance.now();
    await write(time);
    const seconds = secondsSince(start);
    return rate(await countHeartbeatsAt(pool, time), seconds);
  };

  return {
    title: 'heartbeats forwarded in batches',
    size: `${count.toLocaleString('en-US')} agents, batches of ${batchSize.toLocaleString('en-US')}, ${sizes.heartbeatBatchesInFlight} in flight`,
    unit: 'heartbeats/s',
    prepare: async () => {
      agents = await selectLiveAgents(pool, count);
    },
    service: {
      id: 'service',
      label: 'RecordHeartbeats RPC',
      run: () =>
        measured((time) => {
          const requests = batches().map((batch) => ({ heartbeats: batch.map((agent) => heartbeatOf(agent, time)) }));
          return runBounded(requests.length, sizes.heartbeatBatchesInFlight, (index) => clients.agents.recordHeartbeats(requests[index]));
        }),
    },
    baselines: [
      {
        id: 'one-update',
        label: `one UPDATE per heartbeat, pool of ${context.poolSize}`,
        run: () =>
          measured((time) =>
            runBounded(count, context.poolSize, (index) => {
              const agent = agents[index];
              return pool.query(ONE_UPDATE, [agent.queueloc, agent.pid, time, JSON.stringify(agent.environment), JSON.stringify(agent.tags)]);
            }),
          ),
      },
      {
        id: 'batched-update',
        label: 'UPDATE … FROM unnest per batch',
        run: () =>
          measured((time) => {
            const all = batches();
            return runBounded(all.length, sizes.heartbeatBatchesInFlight, (index) => {
              const batch = all[index];
              return pool.query(BATCHED_UPDATE, [
                batch.map((agent) => agent.queueloc),
                batch.map((agent) => agent.pid),
                batch.map(() => time),
                batch.map((agent) => JSON.stringify(agent.environment)),
                batch.map((agent) => JSON.stringify(agent.tags)),
              ]);
            });
          }),
      },
    ],
    targets: [
      { baseline: 'one-update', op: '>=', value: 1.5 },
      { baseline: 'batched-update', op: '>=', value: 0.7 },
    ],
  };
}
