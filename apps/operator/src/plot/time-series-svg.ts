import { countTicks, timeTicks } from './axis-ticks';

export interface Point {
  /** ms since the epoch */
  time: number;
  value: number;
}

export interface Series {
  /** Names the series in the SVG (data-measure), for scripts and tests. */
  id: string;
  label: string;
  color: string;
  dashed?: boolean;
  points: Point[];
}

/** One chart of several series sharing a value axis; the panels of a chart share the time axis. */
export interface Panel {
  title: string;
  series: Series[];
}

export interface Chart {
  title: string;
  subtitle: string;
  panels: Panel[];
}

const WIDTH = 960;
const LEFT = 80;
const RIGHT = 210; // the legend
const TOP = 64;
const PANEL_TITLE = 28;
const PANEL_HEIGHT = 220;
const PANEL_GAP = 36;
const BOTTOM = 56;
/** Past this many points a series is a line only: a marker per point would bury it (and bloat the file). */
const MAX_MARKERS = 300;
/**
 * A silence longer than this many typical intervals, and than GAP_MIN_MS, breaks the line, so
 * missing data is not drawn as if it were there; shorter ones are jitter, or a few extra points.
 */
const GAP_FACTOR = 3;
const GAP_MIN_MS = 10 * 60_000;

const round = (value: number) => Math.round(value * 10) / 10;

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The interval a series usually has between points (its median), to tell a gap from a sample. */
function typicalInterval(times: number[]): number {
  const steps = times.slice(1).map((time, index) => time - times[index]).sort((a, b) => a - b);
  return steps.length === 0 ? Infinity : steps[Math.floor(steps.length / 2)];
}

/**
 * A line chart of time series as a standalone SVG document: a title, one panel per group of series
 * (each with its own value axis from 0, grid lines and a legend), a shared UTC time axis. Points
 * are drawn oldest to newest; a silence over 3 typical intervals (and 10 minutes) breaks the line; each point has a
 * marker whose tooltip gives its time and value while there are at most 300. No script, no
 * external resources: any browser or image viewer shows it, and it can be attached to a report.
 */
export function timeSeriesSvg(chart: Chart): string {
  const allTimes = chart.panels.flatMap((panel) => panel.series.flatMap((series) => series.points.map((point) => point.time)));
  if (allTimes.length === 0) throw new Error('a chart needs at least one point');
  let from = Math.min(...allTimes);
  let to = Math.max(...allTimes);
  if (from === to) {
    // One instant: half an hour either side, so the point sits mid-chart with labelled time around it.
    from -= 30 * 60_000;
    to += 30 * 60_000;
  }
  const plotRight = WIDTH - RIGHT;
  const x = (time: number) => round(LEFT + ((time - from) / (to - from)) * (plotRight - LEFT));
  const height = TOP + chart.panels.length * (PANEL_TITLE + PANEL_HEIGHT) + (chart.panels.length - 1) * PANEL_GAP + BOTTOM;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="26" font-size="17" font-weight="bold" fill="#222">${escapeXml(chart.title)}</text>`,
    `<text x="${LEFT}" y="46" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ];
  const ticks = timeTicks(from, to);

  chart.panels.forEach((panel, index) => {
    const top = TOP + index * (PANEL_TITLE + PANEL_HEIGHT + PANEL_GAP) + PANEL_TITLE;
    const bottom = top + PANEL_HEIGHT;
    const max = Math.max(0, ...panel.series.flatMap((series) => series.points.map((point) => point.value)));
    const values = countTicks(max);
    const y = (value: number) => round(bottom - (value / values.top) * PANEL_HEIGHT);
    parts.push(`<g class="panel">`, `<text x="${LEFT}" y="${top - 10}" font-size="14" font-weight="bold" fill="#333">${escapeXml(panel.title)}</text>`);
    for (const tick of values.ticks) {
      parts.push(`<line x1="${LEFT}" x2="${plotRight}" y1="${y(tick.value)}" y2="${y(tick.value)}" stroke="${tick.value === 0 ? '#888' : '#e3e3e3'}"/>`);
      parts.push(`<text x="${LEFT - 8}" y="${y(tick.value) + 4}" text-anchor="end" fill="#555">${escapeXml(tick.label)}</text>`);
    }
    for (const tick of ticks) parts.push(`<line x1="${x(tick.value)}" x2="${x(tick.value)}" y1="${top}" y2="${bottom}" stroke="#f0f0f0"/>`);
    parts.push(`<line x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${bottom}" stroke="#888"/>`);

    for (const series of panel.series) {
      const points = [...series.points].sort((a, b) => a.time - b.time);
      const gap = Math.max(GAP_MIN_MS, GAP_FACTOR * typicalInterval(points.map((point) => point.time)));
      const path = points.map((point, at) => `${at === 0 || point.time - points[at - 1].time > gap ? 'M' : 'L'}${x(point.time)} ${y(point.value)}`).join(' ');
      parts.push(`<g class="series" data-measure="${escapeXml(series.id)}">`);
      parts.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2" stroke-linejoin="round"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      if (points.length <= MAX_MARKERS) {
        for (const point of points) {
          const when = new Date(point.time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
          parts.push(`<circle cx="${x(point.time)}" cy="${y(point.value)}" r="2.5" fill="${series.color}"><title>${escapeXml(`${series.label}: ${point.value.toLocaleString('en-US')} at ${when}`)}</title></circle>`);
        }
      }
      parts.push(`</g>`);
    }

    panel.series.forEach((series, at) => {
      const legendY = top + 8 + at * 22;
      const legendX = plotRight + 20;
      parts.push(
        `<line x1="${legendX}" x2="${legendX + 26}" y1="${legendY}" y2="${legendY}" stroke="${series.color}" stroke-width="3"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
        `<text x="${legendX + 34}" y="${legendY + 4}" fill="#222">${escapeXml(series.label)}</text>`,
      );
    });
    parts.push(`</g>`);
  });

  const axisY = height - BOTTOM;
  parts.push(`<line x1="${LEFT}" x2="${plotRight}" y1="${axisY}" y2="${axisY}" stroke="#888"/>`);
  for (const tick of ticks) {
    parts.push(`<line x1="${x(tick.value)}" x2="${x(tick.value)}" y1="${axisY}" y2="${axisY + 5}" stroke="#888"/>`);
    parts.push(`<text x="${x(tick.value)}" y="${axisY + 19}" text-anchor="middle" fill="#555">${escapeXml(tick.label)}</text>`);
  }
  parts.push(`<text x="${(LEFT + plotRight) / 2}" y="${axisY + 42}" text-anchor="middle" fill="#555">time (UTC)</text>`, `</svg>`);
  return parts.join('\n') + '\n';
}
