import { formatCpuMs } from './run-scenario';

describe('formatCpuMs', () => {
  it('keeps one decimal below 10 ms, so that the small per-1,000 costs of lean scenarios stay apart', () => {
    expect(formatCpuMs(0.58)).toBe('0.6');
    expect(formatCpuMs(1.44)).toBe('1.4');
    expect(formatCpuMs(2.75)).not.toBe(formatCpuMs(3.04));
  });

  it('gives whole milliseconds from 10 up, and 0 for a process that spent nothing', () => {
    expect(formatCpuMs(13.62)).toBe('14');
    expect(formatCpuMs(1600)).toBe('1600');
    expect(formatCpuMs(0)).toBe('0');
  });
});
