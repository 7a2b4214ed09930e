/**
 * Why the embedded PostgreSQL could not start, in one line that says what to do. Start-up code
 * prints the message alone (no stack): the stack would only show our own code.
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

/**
 * The data directory is somewhere the `postgres` user cannot reach (we run as root). The app
 * knows which setting chose the directory and says so.
 */
export class DataDirectoryUnreachableError extends EmbeddedPostgresError {
  constructor(
    readonly dataDir: string,
    readonly blockedAt: string,
    readonly user: string,
  ) {
    super(
      `${unreachableReason(dataDir, blockedAt, user)}; choose a data directory that user can reach (e.g. under /var/lib), ` +
        `run as a non-root user, or use an existing PostgreSQL`,
    );
  }

  /** What is wrong, without the remedy: the app words the remedy with its own setting names. */
  get reason(): string {
    return unreachableReason(this.dataDir, this.blockedAt, this.user);
  }
}

function unreachableReason(dataDir: string, blockedAt: string, user: string): string {
  return `PostgreSQL runs as user "${user}" (it refuses root) and that user cannot enter ${blockedAt}, so it cannot use the data directory ${dataDir}`;
}

/** An error's message on one line, for messages that must stay one line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' | ').trim();
}
