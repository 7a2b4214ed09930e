/**
 * MIG's scheduler.cfg (gcfg, git-config syntax, mozilla/mig conf/scheduler.cfg.inc): `[section]`
 * headers, `key = value` lines, values optionally in double quotes, comments after `;` or `#`.
 * Sections and keys are case-insensitive as gcfg reads them. Returns section → key → value.
 */
export function parseSchedulerCfg(text: string, source = 'scheduler.cfg'): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw).trim();
    if (line === '') return;
    const header = /^\[\s*([A-Za-z][\w-]*)\s*(?:"[^"]*"\s*)?\]$/.exec(line);
    if (header) {
      section = sections[header[1].toLowerCase()] ??= {};
      return;
    }
    const entry = /^([A-Za-z][\w-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!entry || !section) throw new Error(`${source} line ${index + 1}: expected [section] or key = value, got ${JSON.stringify(raw.trim())}`);
    section[entry[1].toLowerCase()] = unquote(entry[2] ?? 'true', `${source} line ${index + 1}`);
  });
  return sections;
}

/** Drops a `;` or `#` comment that is not inside double quotes. */
function stripComment(line: string): string {
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === '\\' && quoted) index++;
    else if (char === '"') quoted = !quoted;
    else if ((char === ';' || char === '#') && !quoted) return line.slice(0, index);
  }
  return line;
}

function unquote(value: string, where: string): string {
  const trimmed = value.trim();
  if (!trimmed.startsWith('"')) return trimmed;
  if (!trimmed.endsWith('"') || trimmed.length < 2) throw new Error(`${where}: unterminated quoted value ${trimmed}`);
  return trimmed.slice(1, -1).replace(/\\(["\\nt])/g, (_, char: string) => ({ n: '\n', t: '\t' })[char] ?? char);
}
