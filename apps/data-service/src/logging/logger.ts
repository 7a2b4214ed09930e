/**
 * Structured logs: one JSON object per line on stdout, with the ids the line concerns. Callers
 * never pass key material; fields named like secrets are masked as a second line of defence.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /private|password|secret|passphrase/i;

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line + '\n')): Logger {
  const log = (at: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    const safe: LogFields = {};
    for (const [key, value] of Object.entries(fields)) safe[key] = SECRET_FIELD.test(key) ? '***' : value;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...safe }));
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
