import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseGoDuration } from './go-duration';
import { spoolLayout, type SpoolLayout } from './layout';
import { DEFAULT_MAX_SPOOL_FILE_BYTES } from './read-spool-file';
import { parseSchedulerCfg } from './scheduler-cfg';

/** Where the spool lives when nothing says otherwise: beside the data service's embedded database. */
export const DEFAULT_SPOOL_DIRECTORY = join('.mig-data', 'spool');

export interface SpoolSettings {
  spool: string;
  /** Where files are written before their rename; `<spool>/tmp` unless configured. */
  tmp: string;
  /** The rescan interval: how long a file can wait when its file-system event was missed ([collector] freq). */
  rescanMs: number;
  /** How often expiry, cleanup and the recovery of orphaned actions run ([periodic] freq). */
  periodicMs: number;
  /** Age after which files in action/done, action/invalid, command/done and command/invalid are removed ([periodic] deleteafter). */
  deleteAfterMs: number;
  /** Largest spool file read; larger ones are set aside. */
  maxFileBytes: number;
  /** The data service, host:port. */
  address: string;
  /** PEM files for TLS to the data service (mutual TLS with cert and key), as mig-operator takes them. */
  ca?: string;
  cert?: string;
  key?: string;
  /** The MIG scheduler.cfg read, if any. */
  config?: string;
}

type SettingName = Exclude<keyof SpoolSettings, 'config'>;

interface SettingSource {
  flag: string;
  env: string;
  /** [section, key] in MIG's scheduler.cfg. */
  cfg?: [string, string];
  parse(text: string): string | number | undefined;
  fallback?(partial: Partial<SpoolSettings>): string | number | undefined;
  describe: string;
  /** One line for --help. */
  help: string;
}

const duration = (text: string) => parseGoDuration(text);
const path = (text: string) => (text.trim() === '' ? undefined : resolve(text.trim()));
const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
const positiveInteger = (value: string) => (/^\d+$/.test(value.trim()) && Number(value) > 0 ? Number(value) : undefined);

/**
 * Every setting of the spool app and where it comes from, highest first: a command-line flag, an
 * environment variable, MIG's scheduler.cfg (--config / MIG_SCHEDULER_CFG), the default. The same
 * table serves every `mig-spool` command, so a setting means the same thing everywhere.
 */
export const SPOOL_SETTING_SOURCES: Record<SettingName, SettingSource> = {
  spool: { flag: '--spool', env: 'MIG_SPOOL_DIR', cfg: ['directories', 'spool'], parse: path, fallback: () => resolve(DEFAULT_SPOOL_DIRECTORY), help: 'the spool directory (default .mig-data/spool)', describe: 'the spool directory' },
  tmp: { flag: '--tmp', env: 'MIG_SPOOL_TMP', cfg: ['directories', 'tmp'], parse: path, fallback: (partial) => join(partial.spool!, 'tmp'), help: 'temporaries before their rename (default <spool>/tmp)', describe: "where files are written before their rename (the spool's file system)" },
  rescanMs: { flag: '--rescan', env: 'MIG_SPOOL_RESCAN', cfg: ['collector', 'freq'], parse: duration, fallback: () => 1000, help: 'rescan interval, files whose event was missed (default 1s)', describe: 'a Go duration such as 1s' },
  periodicMs: { flag: '--periodic', env: 'MIG_SPOOL_PERIODIC', cfg: ['periodic', 'freq'], parse: duration, fallback: () => 60_000, help: 'expiry, cleanup and recovery interval (default 60s)', describe: 'a Go duration such as 87s' },
  deleteAfterMs: { flag: '--delete-after', env: 'MIG_SPOOL_DELETE_AFTER', cfg: ['periodic', 'deleteafter'], parse: duration, fallback: () => 72 * 3_600_000, help: 'age at which done and invalid files go (default 72h)', describe: 'a Go duration such as 72h' },
  maxFileBytes: { flag: '--max-file-bytes', env: 'MIG_SPOOL_MAX_FILE_BYTES', parse: positiveInteger, fallback: () => DEFAULT_MAX_SPOOL_FILE_BYTES, help: 'largest spool file read (default 8 MiB)', describe: 'a positive number of bytes' },
  address: { flag: '--address', env: 'MIG_DATA_ADDRESS', parse: text, fallback: () => '127.0.0.1:50051', help: 'the data service (default 127.0.0.1:50051)', describe: 'HOST:PORT of the data service' },
  ca: { flag: '--ca', env: 'MIG_DATA_CA', parse: path, help: "CA of the service's certificate (TLS)", describe: 'a PEM file' },
  cert: { flag: '--cert', env: 'MIG_DATA_CERT', parse: path, help: 'client certificate (mutual TLS)', describe: 'a PEM file' },
  key: { flag: '--key', env: 'MIG_DATA_KEY', parse: path, help: 'client key (mutual TLS)', describe: 'a PEM file' },
};

export const SCHEDULER_CFG_FLAG = '--config';
export const SCHEDULER_CFG_ENV = 'MIG_SCHEDULER_CFG';

export interface SpoolSettingsInput {
  /** Flag values by flag name (`--spool` → value); see SPOOL_SETTING_SOURCES. */
  flags?: Record<string, string | undefined>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads every setting once, with one precedence for all: flags > environment > scheduler.cfg >
 * defaults. Every problem is reported together in one error naming the flag, variable or cfg line.
 */
export function resolveSpoolSettings({ flags = {}, env = process.env }: SpoolSettingsInput = {}): SpoolSettings {
  const problems: string[] = [];
  const configPath = flags[SCHEDULER_CFG_FLAG] || env[SCHEDULER_CFG_ENV] || undefined;
  let cfg: Record<string, Record<string, string>> = {};
  if (configPath) {
    try {
      cfg = parseSchedulerCfg(readFileSync(configPath, 'utf8'), configPath);
    } catch (error) {
      problems.push(`${configPath}: ${(error as Error).message}`);
    }
  }
  const settings: Partial<SpoolSettings> = { config: configPath ? resolve(configPath) : undefined };
  // spool before tmp: tmp's default is inside the spool.
  for (const name of Object.keys(SPOOL_SETTING_SOURCES) as SettingName[]) {
    const source = SPOOL_SETTING_SOURCES[name];
    const candidates: Array<[string | undefined, string]> = [
      [flags[source.flag], source.flag],
      [env[source.env], source.env],
      [source.cfg ? cfg[source.cfg[0]]?.[source.cfg[1]] : undefined, source.cfg ? `${configPath} [${source.cfg[0]}] ${source.cfg[1]}` : ''],
    ];
    const given = candidates.find(([value]) => value !== undefined && value !== '');
    let value: string | number | undefined;
    if (given) {
      value = source.parse(given[0]!);
      if (value === undefined) problems.push(`${given[1]} must be ${source.describe}, got ${JSON.stringify(given[0])}`);
    }
    value ??= source.fallback?.(settings);
    (settings as Record<string, unknown>)[name] = value;
  }
  if (settings.rescanMs === 0) problems.push('the rescan interval must be more than 0');
  if (settings.periodicMs === 0) problems.push('the periodic interval must be more than 0');
  if (problems.length > 0) throw new Error(`bad spool settings:\n  ${problems.join('\n  ')}`);
  return settings as SpoolSettings;
}

/** The layout the settings name. */
export function layoutOf(settings: SpoolSettings): SpoolLayout {
  return spoolLayout(settings.spool, settings.tmp);
}
