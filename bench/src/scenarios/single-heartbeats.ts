import { RecordHeartbeatRequest } from '@mig-data/contract';
import { countHeartbeatsAt, freshHeartbeatTime, heartbeatOf, selectLiveAgents, type LiveAgent } from '../data/live-agents';
import type { BenchContext } from '../harness/bench-context';
import { runBounded } from '../harness/bounded-loop';
import { rate, secondsSince, type Scenario } from '../harness/scenario';

/**
 * Single RecordHeartbeat calls, 100 in flight (agents heartbeating one by one): the service
 * coalesces them into group commits and answers each only once its row is committed. The
 * baseline is the bare grpc-js echo at the same concurrency with the same request bytes: the
 * most calls per second grpc-js itself can carry here.
 */
export function singleHeartbeatsScenario(context: BenchContext): Scenario {
  const { pool, clients, echoClient, sizes } = context;
  const count = sizes.singleHeartbeats;
  let agents: LiveAgent[] = [];

  return {
    title: 'single heartbeat calls',
    size: `${count.toLocaleString('en-US')} calls, ${sizes.inFlight} in flight`,
    unit: 'calls/s',
    warmup: true,
    prepare: async () => {
      agents = await selectLiveAgents(pool, count);
    },
    service: {
      id: 'service',
      label: 'RecordHeartbeat RPC',
      run: async () => {
        const time = freshHeartbeatTime(agents);
        const requests = agents.map((agent) => ({ heartbeat: heartbeatOf(agent, time) }));
        const start = performance.now();
        await runBounded(count, sizes.inFlight, (index) => clients.agents.recordHeartbeat(requests[index]));
        const seconds = secondsSince(start);
        return rate(await countHeartbeatsAt(pool, time), seconds);
      },
    },
    baselines: [
      {
        id: 'echo',
        label: 'bare grpc-js echo',
        run: async () => {
          const time = new Date();
          const requests = agents.map((agent) => Buffer.from(RecordHeartbeatRequest.encode({ heartbeat: heartbeatOf(agent, time) }).finish()));
          let echoed = 0;
          const start = performance.now();
          await runBounded(count, sizes.inFlight, async (index) => {
            const response = await echoClient.echo(requests[index]);
            if (response.length === requests[index].length) echoed++;
          });
          return rate(echoed, secondsSince(start));
        },
      },
    ],
    targets: [{ baseline: 'echo', op: '>=', value: 0.7 }],
  };
}
