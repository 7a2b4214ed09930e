import type { AgentsStats } from '@mig-data/contract';
import type { Chart, Series } from './time-series-svg';

type Measure = 'onlineAgents' | 'onlineEndpoints' | 'idleAgents' | 'idleEndpoints' | 'newEndpoints' | 'flappingEndpoints';

// Okabe–Ito colours: told apart with the common colour-vision deficiencies. Agents solid, endpoints dashed.
const ONLINE: Array<[Measure, string, string, boolean]> = [
  ['onlineAgents', 'online agents', '#0072B2', false],
  ['onlineEndpoints', 'online endpoints', '#56B4E9', true],
];
const CHANGES: Array<[Measure, string, string, boolean]> = [
  ['idleAgents', 'idle agents', '#E69F00', false],
  ['idleEndpoints', 'idle endpoints', '#D55E00', true],
  ['newEndpoints', 'new endpoints', '#009E73', true],
  ['flappingEndpoints', 'flapping endpoints', '#CC79A7', true],
];

/** The measures drawn, as named in the SVG (data-measure) and in AgentsStats. */
export const PLOTTED_MEASURES: readonly Measure[] = [...ONLINE, ...CHANGES].map(([measure]) => measure);

/**
 * The fleet over time from statistics snapshots: online agents and endpoints in one panel, idle,
 * new and flapping endpoints (counts a hundred times smaller in a healthy fleet, flat on the
 * online panel's scale) in another, each with its own value axis.
 */
export function fleetStatsChart(snapshots: readonly AgentsStats[], window: string): Chart {
  const dated = snapshots.filter((snapshot) => snapshot.timestamp !== undefined);
  const series = (definitions: Array<[Measure, string, string, boolean]>): Series[] =>
    definitions.map(([measure, label, color, dashed]) => ({
      id: measure,
      label,
      color,
      dashed,
      points: dated.map((snapshot) => ({ time: snapshot.timestamp!.getTime(), value: snapshot[measure] })),
    }));
  const times = dated.map((snapshot) => snapshot.timestamp!.getTime());
  const when = (time: number) => new Date(time).toISOString().slice(0, 16).replace('T', ' ');
  return {
    title: 'MIG fleet: agents and endpoints over time',
    subtitle: `${dated.length.toLocaleString('en-US')} statistics snapshot${dated.length === 1 ? '' : 's'} of the last ${window}, ${when(Math.min(...times))} to ${when(Math.max(...times))} UTC`,
    panels: [
      { title: 'Online', series: series(ONLINE) },
      { title: 'Idle, new and flapping', series: series(CHANGES) },
    ],
  };
}
