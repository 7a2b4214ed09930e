import { InvalidArgumentError, type Action, type ActionFile } from '@mig-data/domain';
import { actionCanonicalString } from './canonical-string';
import { readSigningKey } from './read-key';
import { signText } from './sign';

export interface SignActionFileOptions {
  /** Used when the file has no validfrom (MIG's client sets it at signing time). */
  validfrom?: Date;
  /** Used when the file has no expireafter. */
  expireafter?: Date;
  passphrase?: string;
}

function signingTime(fromFile: Date | undefined, fromOptions: Date | undefined, field: 'validfrom' | 'expireafter'): Date {
  if (fromFile && fromOptions && fromFile.getTime() !== fromOptions.getTime()) {
    throw new InvalidArgumentError(field, `the action file already has ${field} ${fromFile.toISOString()}; drop it from the file or do not give another`);
  }
  const time = fromFile ?? fromOptions;
  if (!time) throw new InvalidArgumentError(field, 'the action file has none; give one');
  // Signatures cover whole seconds: a fraction in the file would be lost by MIG's clients anyway.
  return fromFile ?? new Date(Math.floor(time.getTime() / 1000) * 1000);
}

/**
 * Signs an action file as MIG's Go client does: sets validfrom/expireafter when the file has
 * none, and appends the de-armored signature to the ones already there (co-signing).
 */
export async function signActionFile(file: ActionFile, armoredPrivateKey: string, options: SignActionFileOptions = {}): Promise<Action> {
  const validfrom = signingTime(file.validfrom, options.validfrom, 'validfrom');
  const expireafter = signingTime(file.expireafter, options.expireafter, 'expireafter');
  if (validfrom.getTime() > expireafter.getTime()) {
    throw new InvalidArgumentError('validfrom', `${validfrom.toISOString()} is after expireafter ${expireafter.toISOString()}`);
  }
  const key = await readSigningKey(armoredPrivateKey, options.passphrase);
  const signed = { ...file, validfrom, expireafter };
  const signature = await signText(actionCanonicalString(signed), key);
  return { ...signed, pgpsignatures: [...file.pgpsignatures, signature] };
}
