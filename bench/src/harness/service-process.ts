import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';

export interface ChildServer {
  /** host:port it listens on. */
  address: string;
  pid: number;
  /** Forgets the peak resident set size so far (Linux: "5" to /proc/<pid>/clear_refs). */
  resetPeakRss(): Promise<void>;
  /** Peak resident set size since the last reset, in bytes (VmHWM), or undefined off Linux. */
  peakRssBytes(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  /** The script to run with this Node. */
  main: string;
  /** Its arguments. */
  args?: string[];
  /** Flags for that Node (e.g. --cpu-prof), before the script. */
  nodeFlags?: string[];
  env: NodeJS.ProcessEnv;
  /** A line matching this, with the address as its first group, means it is ready. */
  readyLine: RegExp;
  /** Where that line comes (default stderr: the data service logs there; the spool daemon logs on stdout). */
  readyOn?: 'stderr' | 'stdout';
  name: string;
  startTimeoutMs?: number;
}

/**
 * Runs a server in its own process, as in production: the bench process (the client) never shares
 * an event loop or a heap with what it measures, and the server's memory can be read on its own.
 */
export function spawnServer(options: SpawnServerOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.main, ...(options.args ?? [])], { env: options.env, stdio: options.readyOn === 'stdout' ? ['ignore', 'pipe', 'inherit'] : ['ignore', 'ignore', 'pipe'] });
  const readyStream = options.readyOn === 'stdout' ? child.stdout! : child.stderr!;
  // A bench interrupted half-way leaves no server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const recent: string[] = [];
  return new Promise<ChildServer>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.name} did not start in time`)), options.startTimeoutMs ?? 60_000);
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}; its last words: ${recent.join(' | ') || '(none)'}`));
    };
    let buffered = '';
    readyStream.setEncoding('utf8');
    readyStream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        recent.push(line);
        if (recent.length > 10) recent.shift();
        const ready = options.readyLine.exec(line);
        if (ready && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(childServer(child, ready[1]));
        }
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`${options.name} exited (${signal ?? code}) before it was ready`)));
    child.once('error', (error) => fail(error));
  });
}

function childServer(child: ChildProcess, address: string): ChildServer {
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    address,
    pid,
    resetPeakRss: async () => {
      await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
    },
    peakRssBytes: async () => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
      const kilobytes = status && /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
      return kilobytes ? Number(kilobytes) * 1024 : undefined;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
