import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Client } from 'pg';
import { connectDataService, type DataServiceClients } from '@mig-data/client';
import type { AgentsStats, Heartbeat } from '@mig-data/contract';
import { PLOTTED_MEASURES } from '../src/plot/fleet-stats-chart';
import { operatorAt } from './support/run-operator';
import { FLEET_JOBS_OFF, spawnDataService, type SpawnedDataService } from './support/spawn-data-service';

const DAY_MS = 86_400_000;

function heartbeat(host: string, pid: number): Heartbeat {
  return {
    name: host,
    queueloc: `linux.${host}`,
    mode: 'daemon',
    version: '20150122+ad43a11.prod',
    pid,
    starttime: new Date(Date.now() - 3_600_000),
    heartbeatts: new Date(),
    environment: undefined,
    tags: undefined,
  };
}

/** A parsed SVG document; any XML error fails the test. */
function parseSvg(text: string): Element {
  const document = new DOMParser({
    onError: (level, message) => {
      throw new Error(`not well-formed XML (${level}): ${message}`);
    },
  }).parseFromString(text, 'image/svg+xml');
  return document.documentElement!;
}

const elements = (root: Element, tag: string): Element[] => Array.from(root.getElementsByTagName(tag));

/** A series' drawn points, from its path: [x, y] per point, and how many separate lines (M commands) it has. */
function pathPoints(series: Element): { points: Array<[number, number]>; lines: number } {
  const d = elements(series, 'path')[0].getAttribute('d')!;
  const points = [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((match): [number, number] => [Number(match[1]), Number(match[2])]);
  return { points, lines: (d.match(/M/g) ?? []).length };
}

describe('mig-operator stats --plot, against the running data service', () => {
  let service: SpawnedDataService;
  let clients: DataServiceClients;
  let scratch: string;
  const run = operatorAt(() => service.address);

  beforeAll(async () => {
    service = await spawnDataService(FLEET_JOBS_OFF);
    clients = connectDataService(service.address);
    scratch = await mkdtemp(join(tmpdir(), 'stats-plot-'));
  });
  afterAll(async () => {
    clients?.close();
    await service?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('says there is nothing to draw, and how to get a snapshot, before the first one', async () => {
    const file = join(scratch, 'empty.svg');
    const { code, err } = await run('stats', '--plot', file);
    expect(code).toBe(1);
    expect(err).toContain('no statistics snapshot in the last 7d');
    expect(err).toContain('--now');
    await expect(readFile(file)).rejects.toThrow();
  });

  it('refuses --limit with --plot and --since without it', async () => {
    expect((await run('stats', '--plot', join(scratch, 'x.svg'), '--limit', '3')).code).toBe(2);
    expect((await run('stats', '--since', '2d')).code).toBe(2);
    expect((await run('stats', '--plot', join(scratch, 'x.svg'), '--since', 'lately')).code).toBe(2);
  });

  it('draws one series per measure whose points are the snapshots of the window, in time order', async () => {
    // A growing fleet: each snapshot sees more online agents on the same few endpoints.
    const taken: AgentsStats[] = [];
    for (let round = 1; round <= 4; round++) {
      await clients.agents.recordHeartbeats({ heartbeats: Array.from({ length: round * 2 }, (_, index) => heartbeat(`host${index % 3}.example.net`, index + 1)) });
      taken.push((await clients.fleet.createAgentsStats({})).stats!);
    }
    // One snapshot from ten days ago, as a long-running service would have: outside the default window.
    const sql = new Client({ connectionString: service.database.url });
    await sql.connect();
    try {
      await sql.query(`INSERT INTO agents_stats (timestamp, online_agents, online_endpoints, idle_agents, idle_endpoints, new_endpoints, multi_agents_endpoints, disappeared_endpoints, flapping_endpoints)
                       VALUES ($1, 1, 1, 0, 0, 1, 0, 0, 0)`, [new Date(Date.now() - 10 * DAY_MS)]);
    } finally {
      await sql.end();
    }

    const file = join(scratch, 'fleet.svg');
    const { code, out, err } = await run('stats', '--plot', file);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toBe(`${file}: 4 snapshots drawn`);
    const svg = parseSvg(await readFile(file, 'utf8'));
    expect(svg.tagName).toBe('svg');
    expect(svg.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    const text = elements(svg, 'text').map((node) => node.textContent);
    expect(text).toEqual(expect.arrayContaining(['online agents', 'online endpoints', 'idle agents', 'idle endpoints', 'new endpoints', 'flapping endpoints', 'time (UTC)']));

    const series = elements(svg, 'g').filter((node) => node.getAttribute('class') === 'series');
    expect(series.map((node) => node.getAttribute('data-measure'))).toEqual([...PLOTTED_MEASURES]);
    const ordered = [...taken].sort((a, b) => a.timestamp!.getTime() - b.timestamp!.getTime());
    expect(ordered.map((s) => s.onlineAgents)).toEqual([2, 4, 6, 8]);
    // The panels: online agents and endpoints share one value axis, the other four another.
    const panels = [series.slice(0, 2), series.slice(2)];
    for (const panel of panels) {
      const pairs: Array<[number, number]> = [];
      for (const node of panel) {
        const measure = node.getAttribute('data-measure') as (typeof PLOTTED_MEASURES)[number];
        const { points, lines } = pathPoints(node);
        expect(lines).toBe(1);
        expect(points).toHaveLength(ordered.length);
        // x follows time: strictly increasing, spaced as the snapshots are.
        const xs = points.map(([x]) => x);
        const times = ordered.map((s) => s.timestamp!.getTime());
        const perMs = (xs[xs.length - 1] - xs[0]) / (times[times.length - 1] - times[0]);
        times.forEach((time, index) => expect(Math.abs(xs[0] + (time - times[0]) * perMs - xs[index])).toBeLessThanOrEqual(0.11));
        // Each marker's tooltip gives the snapshot's exact value, at the path's point.
        const markers = elements(node, 'circle');
        expect(markers.map((marker) => Number(/: ([\d,]+) at /.exec(marker.textContent ?? '')![1].replace(/,/g, '')))).toEqual(ordered.map((s) => s[measure]));
        expect(markers.map((marker): [number, number] => [Number(marker.getAttribute('cx')), Number(marker.getAttribute('cy'))])).toEqual(points);
        ordered.forEach((snapshot, index) => pairs.push([snapshot[measure], points[index][1]]));
      }
      // y is one decreasing affine function of the value across the panel: a higher count is drawn higher.
      const [low, high] = [pairs.reduce((a, b) => (b[0] < a[0] ? b : a)), pairs.reduce((a, b) => (b[0] > a[0] ? b : a))];
      if (high[0] === low[0]) continue;
      const slope = (high[1] - low[1]) / (high[0] - low[0]);
      expect(slope).toBeLessThan(0);
      for (const [value, y] of pairs) expect(Math.abs(low[1] + (value - low[0]) * slope - y)).toBeLessThanOrEqual(0.11);
    }
  });

  it('goes further back with --since, the silence before the old snapshot breaking the line', async () => {
    const file = join(scratch, 'month.svg');
    const { code, out } = await run('stats', '--plot', file, '--since', '30d');
    expect(code).toBe(0);
    expect(out).toBe(`${file}: 5 snapshots drawn`);
    const series = elements(parseSvg(await readFile(file, 'utf8')), 'g').filter((node) => node.getAttribute('class') === 'series');
    expect(series).toHaveLength(PLOTTED_MEASURES.length);
    for (const node of series) {
      const { points, lines } = pathPoints(node);
      expect(points).toHaveLength(5);
      expect(lines).toBe(2);
    }
  });
});
