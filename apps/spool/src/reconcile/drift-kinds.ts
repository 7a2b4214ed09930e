/**
 * Every disagreement `mig-spool reconcile` looks for between the spool and the database: what it
 * means, and what `--fix` does about it. A fix never re-implements a step of the flow: it puts the
 * file where the daemon's own step picks it up (action/new, command/returned) or removes what the
 * daemon would remove, so the daemon's rules stay the only ones. What cannot be repaired safely is
 * only reported.
 */
export const DRIFT_KINDS = {
  'action-file-missing': {
    meaning: 'the database has the action scheduled, preparing or inflight, but no directory of the spool has its file (lost, or removed by hand): nothing would ever move it on',
    fix: "writes the database's copy to action/new; the daemon resumes from its status (creates the missing commands of a preparing action, idempotently; files an inflight one in action/inflight)",
  },
  'action-finished-in-inflight': {
    meaning: 'the database says the action is completed, cancelled, expired or invalid, but its file still waits in action/inflight',
    fix: 'moves the file to action/new; the daemon files it where its status says (action/done, or action/invalid with the reason)',
  },
  'action-without-row': {
    meaning: 'a file in action/inflight or action/done names an action the database does not have (a database restored from an older backup, or a file copied from another spool)',
    fix: null,
  },
  'command-without-row': {
    meaning: 'a command file in command/ready, inflight or returned names a command the database does not have: it can never be recorded',
    fix: 'sets it aside in command/invalid with the reason beside it, so it is neither delivered nor retried',
  },
  'command-file-missing': {
    meaning: 'the database has a prepared or sent command of an inflight action, but no command directory has its file: it would never be delivered, expired or returned, and the action never completes',
    fix: "rewrites the command file from the database into command/ready (prepared) or command/inflight (sent), as the daemon writes it; an agent may then get it twice, and a result delivered twice counts once",
  },
  'command-stale-copy': {
    meaning: 'the database has the command finished, but a copy still waits in command/ready or command/inflight (a crash between recording an answer and removing its copies): it could be delivered again, or expire over a failed answer',
    fix: 'removes the copy; the database keeps the answer',
  },
  'command-result-unrecorded': {
    meaning: 'an answer is in command/done but the database still has the command prepared or sent (a database restored from an older backup)',
    fix: 'moves the answer back to command/returned; the daemon records it (never over a success)',
  },
} as const;

export type DriftKind = keyof typeof DRIFT_KINDS;

/** One disagreement found. */
export interface Drift {
  kind: DriftKind;
  actionId: number;
  commandId?: number;
  /** What was seen, for people. */
  detail: string;
}
