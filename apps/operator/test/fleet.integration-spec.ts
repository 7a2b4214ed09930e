import { connectDataService, type DataServiceClients } from '@mig-data/client';
import type { Heartbeat } from '@mig-data/contract';
import { operatorAt } from './support/run-operator';
import { FLEET_JOBS_OFF, spawnDataService, type SpawnedDataService } from './support/spawn-data-service';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

function heartbeat(host: string, pid: number, minutes: number): Heartbeat {
  return {
    name: host,
    queueloc: `linux.${host}`,
    mode: 'daemon',
    version: '20150122+ad43a11.prod',
    pid,
    starttime: minutesAgo(minutes + 60),
    heartbeatts: minutesAgo(minutes),
    environment: { init: 'systemd', ident: 'Ubuntu 14.04', os: 'linux', arch: 'amd64', isproxied: false, proxy: '', addresses: [], publicip: '' },
    tags: undefined,
  };
}

describe('mig-operator fleet commands, against the running data service', () => {
  let service: SpawnedDataService;
  let clients: DataServiceClients;

  const run = operatorAt(() => service.address);

  beforeAll(async () => {
    // The periodic jobs stay off: the figures below must not change under the test's feet.
    service = await spawnDataService(FLEET_JOBS_OFF);
    clients = connectDataService(service.address);
    await clients.agents.recordHeartbeats({
      heartbeats: [
        heartbeat('alive.example.net', 1, 1),
        heartbeat('gone-an-hour.example.net', 1, 60),
        heartbeat('puppet3.private.dc1.example.net', 1, 2),
        heartbeat('puppet3.private.dc1.example.net', 2, 3),
        heartbeat('puppet3.private.dc1.example.net', 3, 4),
        heartbeat('mv1.mv.example.net', 1, 1),
        heartbeat('mv1.mv.example.net', 2, 2),
      ],
    });
  });
  afterAll(async () => {
    clients?.close();
    await service?.stop();
  });

  it('lists agents newest heartbeat first, filtered by name', async () => {
    const all = JSON.parse((await run('--json', 'agents', '--limit', '3')).out) as Array<{ name: string; pid: number; heartbeattime: string }>;
    // The two agents heard from a minute ago, then one of the two heard from two minutes ago.
    expect(new Set(all.slice(0, 2).map((agent) => `${agent.name}/${agent.pid}`))).toEqual(new Set(['alive.example.net/1', 'mv1.mv.example.net/1']));
    expect(['mv1.mv.example.net/2', 'puppet3.private.dc1.example.net/1']).toContain(`${all[2].name}/${all[2].pid}`);
    const puppets = JSON.parse((await run('--json', 'agents', '--name', 'puppet3.private.dc1.example.net')).out) as Array<{ pid: number }>;
    expect(puppets.map((agent) => agent.pid)).toEqual([1, 2, 3]);
  });

  it('lists offline agents as a table, and as JSON for scripts', async () => {
    expect(await run('offline-agents')).toEqual({ code: 0, err: '', out: ['name', '------------------------', 'gone-an-hour.example.net', '(1 row)'].join('\n') });
    expect(JSON.parse((await run('--json', 'offline-agents', '--silent-for', '90s')).out)).toEqual(['gone-an-hour.example.net', 'puppet3.private.dc1.example.net']);
  });

  it("lists double agents as the seed's table: the count and the endpoint, largest first", async () => {
    const { code, out } = await run('double-agents');
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'count | queueloc',
        '------+--------------------------------------',
        '3     | linux.puppet3.private.dc1.example.net',
        '2     | linux.mv1.mv.example.net',
        '(2 rows)',
      ].join('\n'),
    );
    expect(JSON.parse((await run('double-agents', '--window', '200s', '--json')).out)).toEqual([
      { count: 2, queueloc: 'linux.mv1.mv.example.net' },
      { count: 2, queueloc: 'linux.puppet3.private.dc1.example.net' },
    ]);
  });

  it('takes a statistics snapshot and shows the latest ones', async () => {
    const taken = await run('stats', '--now');
    expect(taken.code).toBe(0);
    expect(taken.out).toContain('online agents | online endpoints');
    expect(taken.out).toContain('online | 20150122+ad43a11.prod | 7');
    const [latest] = JSON.parse((await run('--json', 'stats', '--limit', '1')).out);
    expect(latest).toMatchObject({ onlineAgents: 7, onlineEndpoints: 4, multiAgentsEndpoints: 2, flappingEndpoints: 2, onlineAgentsByVersion: [{ version: '20150122+ad43a11.prod', count: 7 }] });
  });

  it('searches agents by name and by target; a refused target exits 1 saying why', async () => {
    const byName = await run('search', 'agents', '--agent-name', 'puppet3%', '--json');
    expect(JSON.parse(byName.out).map((agent: { pid: number }) => agent.pid).sort()).toEqual([1, 2, 3]);
    const byTarget = await run('search', 'agents', '--target', "queueloc LIKE 'linux.mv1.%'");
    expect(byTarget.out).toMatch(/linux\.mv1\.mv\.example\.net[\s\S]*\(1 row\)$/);
    const refused = await run('search', 'agents', '--target', "true; DROP TABLE agents");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('search: INVALID_ARGUMENT: target:');
  });

  it('refuses bad usage with exit code 2', async () => {
    expect((await run('offline-agents', '--silent-for', 'soon')).code).toBe(2);
    expect((await run('search', 'everything')).code).toBe(2);
    expect((await run('search', 'commands', '--found-anything', 'maybe')).code).toBe(2);
  });
});
