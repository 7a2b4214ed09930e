import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatActionFile, parseActionFile } from '@mig-data/domain';
import { signActionFile } from '@mig-data/pgp';
import { readTextFile } from '../args/files';
import { UsageError, type OperatorCommand } from '../operator-command';

const DURATION = /^(\d+)([smhd])$/;
const SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** An RFC 3339 time, "now", or a duration (30m, 2h, 7d) after `from`. */
function readTime(value: string, flag: string, from: Date): Date {
  if (value === 'now') return from;
  const duration = DURATION.exec(value);
  if (duration) return new Date(from.getTime() + Number(duration[1]) * SECONDS[duration[2] as keyof typeof SECONDS] * 1000);
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new UsageError(`${flag} takes an RFC 3339 time, "now" or a duration such as 1h, got "${value}"`);
  return time;
}

/**
 * Signs an action file offline with a local armored private key, as MIG's Go client did: the
 * de-armored signature is appended to pgpsignatures (so several investigators can co-sign the
 * same file in turn), and validfrom/expireafter are set when the file has none.
 */
export const signCommand: OperatorCommand = {
  name: 'sign',
  summary: 'sign an action file with a local private key (no service needed); co-sign by signing again',
  usage:
    'mig-operator sign ACTION_FILE --key PRIVATE_KEY_FILE [--passphrase-file FILE] [--validfrom TIME|now] [--expireafter TIME|DURATION] [--output FILE]\n' +
    '  validfrom/expireafter apply only when the file has none (defaults: now, 1h after validfrom); the signed file replaces ACTION_FILE unless --output is given',
  async run({ args, json, out }) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        'passphrase-file': { type: 'string' },
        validfrom: { type: 'string', default: 'now' },
        expireafter: { type: 'string', default: '1h' },
        output: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give one action file');
    if (!values.key) throw new UsageError('--key PRIVATE_KEY_FILE is required (gpg --armor --export-secret-keys ID > key.asc)');
    const [actionPath] = positionals;
    const file = parseActionFile(await readTextFile(actionPath));
    const validfrom = readTime(values.validfrom!, '--validfrom', new Date());
    const signed = await signActionFile(file, await readTextFile(values.key), {
      validfrom: file.validfrom ? undefined : validfrom,
      expireafter: file.expireafter ? undefined : readTime(values.expireafter!, '--expireafter', file.validfrom ?? validfrom),
      passphrase: values['passphrase-file'] ? (await readTextFile(values['passphrase-file'])).replace(/\r?\n$/, '') : undefined,
    });
    const output = values.output ?? actionPath;
    // Written beside the target then renamed: an interrupted run never leaves half a file.
    const temporary = `${output}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(formatActionFile(signed), null, 4) + '\n', { mode: 0o644 });
    await rename(temporary, output);
    const summary = { file: output, signatures: signed.pgpsignatures.length, validfrom: signed.validfrom.toISOString(), expireafter: signed.expireafter.toISOString() };
    out(json ? JSON.stringify(summary, null, 2) : `signed ${output}: ${summary.signatures} signature(s), valid from ${summary.validfrom} until ${summary.expireafter}`);
  },
};
