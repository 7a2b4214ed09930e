import { GetAgentRequest } from '@mig-data/contract';
import type { BenchContext } from '../harness/bench-context';
import { runBounded } from '../harness/bounded-loop';
import type { Sample, Scenario } from '../harness/scenario';
import { percentile } from '../stats/summary';

/**
 * Latency of a get-by-id call, one at a time (an operator or the API reading one agent):
 * GetAgent's median latency against the bare grpc-js echo's for the same request bytes.
 */
export function getByIdScenario(context: BenchContext): Scenario {
  const { clients, echoClient, fleet, sizes } = context;
  const count = sizes.getCalls;
  // Spread over the whole fleet, so the reads are not all served from one hot page.
  const ids = Array.from({ length: count }, (_, index) => fleet.firstAgentId + Math.floor((index * 7919) % fleet.agents));
  const p50 = (latencies: number[], answered: number): Sample => ({ value: percentile(latencies, 50), work: answered });

  return {
    title: 'get-by-id RPC (GetAgent), one call at a time',
    size: `${count.toLocaleString('en-US')} calls`,
    unit: 'p50 ms',
    warmup: true,
    service: {
      id: 'service',
      label: 'GetAgent RPC',
      run: async () => {
        let answered = 0;
        const latencies = await runBounded(count, 1, async (index) => {
          const { agent } = await clients.agents.getAgent({ id: ids[index] });
          if (agent?.id === ids[index]) answered++;
        });
        return p50(latencies, answered);
      },
    },
    baselines: [
      {
        id: 'echo',
        label: 'bare grpc-js echo',
        run: async () => {
          const requests = ids.map((id) => Buffer.from(GetAgentRequest.encode({ id }).finish()));
          let answered = 0;
          const latencies = await runBounded(count, 1, async (index) => {
            const response = await echoClient.echo(requests[index]);
            if (response.equals(requests[index])) answered++;
          });
          return p50(latencies, answered);
        },
      },
    ],
    targets: [{ baseline: 'echo', op: '<=', value: 2 }],
  };
}
