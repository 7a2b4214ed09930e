import { resolve } from 'node:path';

/** The repository root, from bench/src/<dir> (jest) or bench/dist/<dir> (built) alike. */
export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..');

/** The built data service, run as its own process as in production (bench may not import apps' source). */
export const DATA_SERVICE_MAIN = resolve(WORKSPACE_ROOT, 'apps/data-service/dist/main.js');

/** The built spool app (`mig-spool`), whose daemon the end-to-end spool scenario runs as its own process. */
export const SPOOL_MAIN = resolve(WORKSPACE_ROOT, 'apps/spool/dist/main.js');

/** The bare gRPC echo server, run as its own process like the service. */
export const ECHO_SERVER_MAIN = resolve(WORKSPACE_ROOT, 'bench/dist/echo/echo-server-main.js');

/** Scratch space on the repository's file system (git-ignored), for spool files. */
export const BENCH_SCRATCH_DIR = resolve(WORKSPACE_ROOT, 'bench/results/tmp');
