import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '../../dist/main.js');

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Its log (JSON lines on stdout) and anything on stderr, interleaved as they came. */
  output: string;
}

export interface SpoolDaemonProcess {
  child: ChildProcess;
  /** Everything it wrote so far (its JSON-lines log on stdout, and stderr). */
  output(): string;
  exited: Promise<DaemonExit>;
  /** Its log entries with this message (the daemon logs one JSON object per line). */
  logged(msg: string): Array<Record<string, unknown>>;
  /** SIGKILL, as a crash: nothing runs in the daemon after it. */
  crash(): Promise<DaemonExit>;
  /** SIGTERM, a clean stop. */
  stop(): Promise<DaemonExit>;
}

/**
 * `mig-spool run` from the built app (apps/spool/dist), as its own process, the way production
 * runs it: what a kill -9 interrupts is the real daemon, not a copy in the test's event loop.
 * Quick rescans and periodic work, so that a test need not wait for the defaults.
 */
export function startSpoolDaemon(options: { spoolDir: string; address: string; args?: string[] }): SpoolDaemonProcess {
  const child = spawn(
    process.execPath,
    [MAIN, 'run', '--spool', options.spoolDir, '--address', options.address, '--rescan', '200ms', '--periodic', '1s', ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MIG_SCHEDULER_CFG: '' } },
  );
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<DaemonExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, output })));
  const end = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const logged = (msg: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === msg);
  return { child, output: () => output, logged, exited, crash: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}
