import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '@mig-data/pgp';
import { renderJson } from '../output/table';
import { UsageError, type OperatorCommand } from '../operator-command';

/**
 * An investigator's key pair without gpg: RSA 2048, what MIG's Go agents verify. The private key
 * is written without a passphrase, 0600; keep it as you would an SSH key, or use gpg for one with
 * a passphrase (mig-operator sign takes --passphrase-file).
 */
export const keyGenerateCommand: OperatorCommand = {
  name: 'key-generate',
  summary: "make an investigator's RSA key pair (PREFIX.pub.asc to register, PREFIX.sec.asc 0600 to sign) without gpg",
  usage: "mig-operator key-generate 'NAME' EMAIL --out PREFIX\n  writes PREFIX.pub.asc and PREFIX.sec.asc (no passphrase, mode 0600); never overwrites a file",
  async run({ args, json, out }) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
    if (positionals.length !== 2 || !values.out) throw new UsageError('give the investigator\'s name, their email and --out PREFIX');
    const [name, email] = positionals;
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError(`"${email}" is not an email address`);
    const keys = await generateKeyPair(name, email, 'rsa2048');
    const files = { publicKey: `${values.out}.pub.asc`, privateKey: `${values.out}.sec.asc` };
    await writeNew(files.privateKey, keys.armoredPrivateKey, 0o600);
    await writeNew(files.publicKey, keys.armoredPublicKey, 0o644);
    const made = { fingerprint: keys.fingerprint, ...files };
    out(json ? renderJson(made) : `key ${keys.fingerprint} for ${name} <${email}>: public ${files.publicKey} (register it: mig-operator investigator-add '${name}' ${files.publicKey}), private ${files.privateKey} (0600, no passphrase)`);
  },
};

/** A file that must not exist yet (a key is never overwritten), with its mode from the start. */
async function writeNew(path: string, content: string, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EEXIST' ? new UsageError(`${path} exists: choose another --out, keys are never overwritten`) : error;
  });
  try {
    await handle.chmod(mode);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}
