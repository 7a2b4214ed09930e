import { readFileSync } from 'node:fs';
import type { ConnectOptions } from './connect-data-service';

/** PEM file paths as a command line takes them (--ca, --cert, --key); `flags` names them in errors. */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * The PEM files of --ca, --cert and --key, read up front so a missing one is a usage error before
 * any call; none given: plaintext (undefined). Throws naming the flag (and its variable) to fix.
 */
export function readTlsFiles(files: TlsFiles): ConnectOptions['tls'] {
  if (!files.ca && !files.cert && !files.key) return undefined;
  if (!files.ca) throw new Error('--cert and --key need --ca (or MIG_DATA_CA): the CA that signed the service certificate');
  if (Boolean(files.cert) !== Boolean(files.key)) throw new Error('--cert and --key go together (or MIG_DATA_CERT and MIG_DATA_KEY)');
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(`${flag} ${file}: ${(error as Error).message}`);
    }
  };
  return { ca: read(files.ca, '--ca'), ...(files.cert && files.key ? { cert: read(files.cert, '--cert'), key: read(files.key, '--key') } : {}) };
}
