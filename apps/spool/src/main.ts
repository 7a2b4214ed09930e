#!/usr/bin/env node
import { connectDataService, readTlsFiles, commandFailureExitCode, type DataServiceClients } from '@mig-data/client';
import { resolveSpoolSettings, SCHEDULER_CFG_ENV, SCHEDULER_CFG_FLAG, SPOOL_SETTING_SOURCES, type SpoolSettings } from '@mig-data/spool';
import { SPOOL_COMMANDS } from './commands';
import type { SpoolCommand } from './spool-command';
import { jsonLinesLogger, type SpoolLogger } from './spool-logger';

const SETTING_FLAGS = [SCHEDULER_CFG_FLAG, ...Object.values(SPOOL_SETTING_SOURCES).map((source) => source.flag)];

const GLOBAL_USAGE = `Usage: mig-spool [settings] [--json] <command> [options]
The spool app beside MIG's scheduler: moves actions and commands between the spool directories
and the MIG data service (spec/spool.md). Settings, each from a flag, else its environment
variable, else MIG's scheduler.cfg (${SCHEDULER_CFG_FLAG} FILE or $${SCHEDULER_CFG_ENV}), else the default:
${Object.values(SPOOL_SETTING_SOURCES)
  .map((source) => `  ${source.flag.padEnd(17)} $${source.env.padEnd(25)} ${(source.cfg ? `[${source.cfg[0]}] ${source.cfg[1]}` : '').padEnd(23)} ${source.help}`)
  .join('\n')}
Settings flags may come before or after the command.

Commands:
${SPOOL_COMMANDS.map((command) => `  ${command.name.padEnd(22)} ${command.summary}`).join('\n')}
  help [command]         show this, or one command's usage`;

export interface SpoolIo {
  out(text: string): void;
  err(text: string): void;
  log?: SpoolLogger;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Runs one command line; resolves with the exit code (0 ok, 1 failed or refused by the service, 2 bad usage). */
export async function runSpool(argv: string[], io: SpoolIo): Promise<number> {
  const { out, err, env = process.env } = io;
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  let json = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (SETTING_FLAGS.includes(flag)) {
      const value = inline ?? argv[++index];
      if (value === undefined) {
        err(`${flag} needs a value\n${GLOBAL_USAGE}`);
        return 2;
      }
      flags[flag] = value;
    } else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') rest.unshift('help');
    else rest.push(arg);
  }
  const [name, ...args] = rest;
  if (!name || name === 'help') {
    const command = args[0] ? findCommand(args[0]) : undefined;
    out(command ? `${command.usage}\n${command.summary}` : GLOBAL_USAGE);
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    err(`unknown command "${name}"\n${GLOBAL_USAGE}`);
    return 2;
  }
  let settings: SpoolSettings;
  let tls;
  try {
    settings = resolveSpoolSettings({ flags, env });
    tls = readTlsFiles(settings);
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  let clients: DataServiceClients | undefined;
  try {
    const code = await command.run({
      args,
      settings,
      json,
      out,
      err,
      log: io.log ?? jsonLinesLogger(),
      signal: io.signal ?? new AbortController().signal,
      clients: () => (clients ??= connectDataService(settings.address, { tls })),
    });
    return code ?? 0;
  } catch (error) {
    return commandFailureExitCode(error, command, settings.address, Boolean(tls), err);
  } finally {
    clients?.close();
  }
}

function findCommand(name: string): SpoolCommand | undefined {
  return SPOOL_COMMANDS.find((command) => command.name === name);
}

/** The program: this process's arguments, stdout and stderr; SIGINT/SIGTERM stop long-running commands cleanly. */
export function main(): void {
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  runSpool(process.argv.slice(2), {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    signal: stop.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
