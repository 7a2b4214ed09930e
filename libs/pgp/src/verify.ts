import { InvalidArgumentError } from '@mig-data/domain';
import { createMessage, readSignature, verify, type PublicKey, type Signature } from 'openpgp';
import { migSignatureBytes } from './armor';

/** A stored signature, parsed: what it is and which key ids say they made it. */
export interface ActionSignature {
  signature: Signature;
  /** 16 upper-case hex characters each: the low 64 bits of the signing key's fingerprint. */
  signingKeyIds: string[];
}

/** Parses one of an action's `pgpsignatures`; `field` names it in errors. */
export async function readActionSignature(migSignature: string, field = 'pgpsignature'): Promise<ActionSignature> {
  const bytes = migSignatureBytes(migSignature, field);
  let signature: Signature;
  try {
    signature = await readSignature({ binarySignature: bytes });
  } catch (error) {
    throw new InvalidArgumentError(field, `is not an OpenPGP signature: ${(error as Error).message}`);
  }
  const signingKeyIds = signature.getSigningKeyIDs().map((keyId) => keyId.toHex().toUpperCase());
  if (signingKeyIds.length === 0) throw new InvalidArgumentError(field, 'names no signing key');
  return { signature, signingKeyIds };
}

/**
 * Checks that `signature` was made over exactly `text` by `key` (or one of its signing subkeys),
 * and that the key was valid when it signed. Throws INVALID_ARGUMENT saying why when not.
 */
export async function verifyTextSignature(text: string, signature: ActionSignature, key: PublicKey, field = 'pgpsignature'): Promise<void> {
  const message = await createMessage({ binary: new TextEncoder().encode(text) });
  try {
    const { signatures } = await verify({ message, signature: signature.signature, verificationKeys: key, format: 'binary', expectSigned: true });
    await signatures[0].verified;
  } catch (error) {
    throw new InvalidArgumentError(
      field,
      `does not verify with the key of ${key.getFingerprint().toUpperCase()}: the action was changed after it was signed, or it was signed over something else (${(error as Error).message})`,
    );
  }
}
