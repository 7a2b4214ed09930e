/** Left-aligned columns separated by " | ", like psql's output, with a header row. */
export function renderTable(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join(' | ').trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('-+-'), ...cells.map(line), `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`].join('\n');
}

/** JSON for scripts: ids stay numbers (they are below 2^53), times ISO 8601. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
