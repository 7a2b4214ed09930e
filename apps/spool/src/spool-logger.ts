/** The spool's structured log: one JSON object per line, carrying the action/command ids it concerns. */
export interface SpoolLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Lines go to `write` (stdout by default) as {time, level, msg, ...fields}, the data service's format. */
export function jsonLinesLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): SpoolLogger {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
