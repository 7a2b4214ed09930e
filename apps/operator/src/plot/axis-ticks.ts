/** Where an axis gets its grid lines and labels. */
export interface Tick {
  value: number;
  label: string;
}

/**
 * Value ticks from 0 to a round top at least `max`, about `count` of them, on steps of 1, 2 or 5
 * times a power of ten; counts are whole, so the step is never below 1.
 */
export function countTicks(max: number, count = 5): { top: number; ticks: Tick[] } {
  const rough = Math.max(max, 1) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough)!);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: Tick[] = [];
  for (let value = 0; value <= top; value += step) ticks.push({ value, label: value.toLocaleString('en-US') });
  return { top, ticks };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [1, 5, 10, 30].map((s) => s * SECOND).concat([1, 5, 10, 15, 30].map((m) => m * MINUTE), [1, 2, 3, 6, 12].map((h) => h * HOUR), [1, 2, 7, 14, 28].map((d) => d * DAY));

/**
 * Time ticks over [from, to] (ms since the epoch), at most about `count`, on round UTC instants
 * (whole minutes, hours, days). Labels say no more than the step needs: the date when the span
 * crosses days, seconds only for steps under a minute.
 */
export function timeTicks(from: number, to: number, count = 7): Tick[] {
  const step = TIME_STEPS.find((candidate) => (to - from) / candidate <= count) ?? Math.ceil((to - from) / count / DAY) * DAY;
  const withDate = new Date(from).toISOString().slice(0, 10) !== new Date(to).toISOString().slice(0, 10);
  const ticks: Tick[] = [];
  for (let value = Math.ceil(from / step) * step; value <= to; value += step) {
    const iso = new Date(value).toISOString(); // 2026-12-01T17:05:30.000Z
    const date = iso.slice(5, 10);
    const time = step < MINUTE ? iso.slice(11, 19) : iso.slice(11, 16);
    ticks.push({ value, label: step >= DAY ? date : withDate ? `${date} ${time}` : time });
  }
  return ticks;
}
