import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDataService, type DataServiceClients } from '@mig-data/client';

/** Certificates made by tools/make-dev-certificates.js (with --refused) in a temporary directory. */
export interface DevCertificates {
  directory: string;
  /** The service's TLS settings for mutual TLS with these certificates. */
  serviceEnv: Record<string, string>;
  /** Clients for `address` presenting `<name>.crt`/`.key` (a role, expired-admin, other-ca-admin), or no certificate with undefined. */
  connect(address: string, name: string | undefined, options?: { ca?: string }): DataServiceClients;
  remove(): void;
}

export function makeDevCertificates(): DevCertificates {
  const directory = mkdtempSync(join(tmpdir(), 'mig-data-certs-'));
  execFileSync(process.execPath, [join(__dirname, '../../../../tools/make-dev-certificates.js'), directory, '--refused'], { stdio: 'ignore' });
  const file = (name: string) => readFileSync(join(directory, name));
  return {
    directory,
    serviceEnv: { MIG_DATA_TLS_CERT: join(directory, 'server.crt'), MIG_DATA_TLS_KEY: join(directory, 'server.key'), MIG_DATA_TLS_CLIENT_CA: join(directory, 'ca.crt') },
    connect: (address, name, options = {}) =>
      connectDataService(address, { timeoutMs: 10_000, tls: { ca: file(options.ca ?? 'ca.crt'), ...(name ? { cert: file(`${name}.crt`), key: file(`${name}.key`) } : {}) } }),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
