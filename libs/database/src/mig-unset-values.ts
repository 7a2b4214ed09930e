/**
 * MIG's values for "not yet" in the columns its Go code reads into non-null Go types.
 *
 * MIG's `database` package (mozilla/mig database/*.go at 9e7e4f52) scans `finishtime`,
 * `destructiontime`, `starttime`… straight into `time.Time` and unmarshals `results` with
 * `json.Unmarshal`, so a NULL fails the whole read (`Scan error on column "finishtime": storing
 * driver.Value type <nil> into type *time.Time`). MIG never writes NULL there; it writes:
 * - commands.finishtime of a command not returned yet: `futureDate` of `InsertCommands`
 *   (commands.go), `time.Date(9998, time.January, 11, 11, 11, 11, 11, time.UTC)`. lib/pq sends
 *   the nanoseconds and PostgreSQL rounds them to its microseconds: what is stored, and what
 *   MIG's own code reads back, is exactly 9998-01-11 11:11:11+00;
 * - agents.destructiontime of an agent not destroyed: the same date (the scheduler's heartbeat
 *   handling, stored by `InsertAgent`, agents.go);
 * - actions.finishtime of an action not finished: whatever the creator's `mig.Action` held,
 *   `InsertAction` (actions.go) — Go's zero time, 0001-01-01 00:00:00 UTC, until `FinishAction`;
 * - commands.results before the agent returns: the JSON of the command's results, never NULL.
 *
 * The database keeps these values (MIG's scheduler and API may share it); readers of the service
 * see "unset" instead, decided by `timeOrUnset` below and nowhere else. Defined here, beside the
 * SQL that writes them, because they are a convention of MIG's storage: the domain and the
 * contract only know "unset".
 */

// The times are ISO text, and go to PostgreSQL as text: node-postgres sends a Date in the
// process's local time zone, which for year 1 is the zone's local mean time and moves Go's zero
// time by seconds (0001-01-01T00:00:21Z under TZ=Europe/Paris).

/** MIG's "not yet" for commands.finishtime and agents.destructiontime, as PostgreSQL stores it. */
export const MIG_FUTURE_DATE = '9998-01-11T11:11:11Z';

/** Go's zero `time.Time`: what MIG stores for a time nobody set (actions.finishtime of a new action). */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** commands.results before the agent returns: an empty JSON array (MIG's code unmarshals it, never NULL). */
export const NO_RESULTS_YET = '[]';

const UNSET_TIMES = new Set([Date.parse(MIG_FUTURE_DATE), Date.parse(GO_ZERO_TIME)]);

/**
 * A stored time as the service's readers see it: NULL (rows written by mig-data before these
 * values), MIG's future date and Go's zero time all mean "unset".
 */
export function timeOrUnset(value: Date | null | undefined): Date | undefined {
  if (value === null || value === undefined || UNSET_TIMES.has(value.getTime())) return undefined;
  return value;
}
