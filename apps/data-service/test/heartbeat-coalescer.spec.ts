import type { HeartbeatOutcome } from '@mig-data/database';
import type { Heartbeat } from '@mig-data/domain';
import { HeartbeatCoalescer } from '../src/agents/heartbeat-coalescer';

/**
 * The group commit's grouping, with a writer that records the batches it is given (the
 * database write itself is covered by the agents and metrics integration specs).
 */
function heartbeat(pid: number): Heartbeat {
  return { name: 'host.example.net', queueloc: `linux.host.${pid}`, mode: 'daemon', version: '1', pid, starttime: new Date(0), heartbeatts: new Date(1000) };
}

function recordingWriter() {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let held = false;
  const write = async (heartbeats: readonly Heartbeat[]): Promise<HeartbeatOutcome[]> => {
    batches.push(heartbeats.map((h) => h.pid));
    if (held) await new Promise<void>((resolve) => (release = resolve));
    return heartbeats.map((h) => ({ agentId: h.pid, registered: false }));
  };
  return { batches, write, hold: () => (held = true), release: () => ((held = false), release?.()) };
}

/** Calls that reach `record` in later microtasks of one turn, as grpc-js hands over the calls of one socket read. */
async function recordInLaterMicrotasks(coalescer: HeartbeatCoalescer, pids: number[]): Promise<HeartbeatOutcome[]> {
  return Promise.all(pids.map(async (pid) => {
    for (let hop = 0; hop < pid % 5; hop++) await Promise.resolve();
    return coalescer.record(heartbeat(pid));
  }));
}

describe('HeartbeatCoalescer', () => {
  it('writes the heartbeats of one event-loop turn together, not the first alone', async () => {
    const writer = recordingWriter();
    const coalescer = new HeartbeatCoalescer(writer.write);
    const pids = Array.from({ length: 40 }, (_, index) => index + 1);
    const outcomes = await recordInLaterMicrotasks(coalescer, pids);
    expect(writer.batches).toHaveLength(1);
    expect([...writer.batches[0]].sort((a, b) => a - b)).toEqual(pids);
    expect(outcomes.map((outcome) => outcome.agentId)).toEqual(pids);
  });

  it('puts what arrives during a write in the next one, and answers each caller only after its own write', async () => {
    const writer = recordingWriter();
    const coalescer = new HeartbeatCoalescer(writer.write);
    writer.hold();
    let firstAnswered = false;
    const first = coalescer.record(heartbeat(1)).then(() => (firstAnswered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.batches).toEqual([[1]]);
    const later = recordInLaterMicrotasks(coalescer, [2, 3, 4]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(firstAnswered).toBe(false);
    expect(writer.batches).toEqual([[1]]);
    writer.release();
    await first;
    await later;
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every caller of a batch whose write fails, and writes the next heartbeats afresh', async () => {
    let fail = true;
    const coalescer = new HeartbeatCoalescer(async (heartbeats) => {
      if (fail) throw new Error('the database went away');
      return heartbeats.map((h) => ({ agentId: h.pid, registered: false }));
    });
    const failed = await Promise.allSettled([coalescer.record(heartbeat(1)), coalescer.record(heartbeat(2))]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await coalescer.record(heartbeat(3))).toEqual({ agentId: 3, registered: false });
  });
});
