/**
 * Ids as PostgreSQL's text form of an array ("{1,2,3}"), both ways. node-postgres serialises a JS
 * array parameter element by element (each one quoted and escaped); for the 100,000 ids of a
 * fan-out that cost the data service as much CPU as the rest of the call. Ids are safe integers,
 * whose decimal form needs no quoting, so one join is the whole serialisation.
 */
export function idArrayLiteral(ids: readonly number[]): string {
  return `{${ids.join(',')}}`;
}

/** The reverse: one string to split instead of a row per id. */
export function parseIdArray(text: string): number[] {
  return text.length <= 2 ? [] : text.slice(1, -1).split(',').map(Number);
}
