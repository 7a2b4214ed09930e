import { createMessage, sign, type PrivateKey } from 'openpgp';
import { migSignatureFromBytes } from './armor';
import { actionCanonicalString, type SignableAction } from './canonical-string';
import { readSigningKey } from './read-key';

/** A detached binary signature over `text` (as MIG's Go client makes), in MIG's one-line form. */
export async function signText(text: string, key: PrivateKey): Promise<string> {
  const message = await createMessage({ binary: new TextEncoder().encode(text) });
  const bytes = await sign({ message, signingKeys: key, detached: true, format: 'binary' });
  return migSignatureFromBytes(bytes);
}

/**
 * Signs an action with an armored private key: the one-line signature to append to its
 * `pgpsignatures`. Name, target, validfrom, expireafter and operations must be final.
 */
export async function signAction(action: SignableAction, armoredPrivateKey: string, passphrase?: string): Promise<string> {
  const key = await readSigningKey(armoredPrivateKey, passphrase);
  return signText(actionCanonicalString(action), key);
}
