import type { Key } from 'openpgp';
import { upperCaseFingerprint } from './read-key';

/** OpenPGP's RSA algorithms (1, 2, 3), as openpgp.js names them. */
const RSA = new Set(['rsaEncryptSign', 'rsaSign', 'rsaEncrypt']);

/**
 * Why MIG's Go agents could not use `key`, or undefined when they can. The agents verify actions
 * with golang.org/x/crypto/openpgp, which reads version 4 keys only and, of the keys MIG makes and
 * documents, RSA: an EdDSA key fails with "unsupported feature: public key type: 22". It parses
 * every key packet of a certificate, so an Ed25519 signing subkey or a Curve25519 encryption
 * subkey fails the whole key as surely as an Ed25519 primary — and one such key in an agent's
 * keyring makes the whole keyring fail to load, RSA keys included. So every key of the
 * certificate is checked, signing or not.
 */
export function whyMigAgentsCannotReadKey(key: Key): string | undefined {
  const parts = [
    { role: 'primary key', key },
    ...key.getSubkeys().map((subkey) => ({ role: `subkey ${subkey.getKeyID().toHex().toUpperCase()}`, key: subkey })),
  ];
  for (const part of parts) {
    const version = part.key.keyPacket.version;
    if (version !== 4) return `key ${upperCaseFingerprint(key)}: its ${part.role} is an OpenPGP version ${version} key; ${GO_LIMIT}`;
    const { algorithm, curve } = part.key.getAlgorithmInfo() as { algorithm: string; curve?: string };
    if (!RSA.has(algorithm)) {
      return `key ${upperCaseFingerprint(key)}: its ${part.role} is ${algorithm}${curve ? ` (${curve})` : ''}, not RSA; ${GO_LIMIT}`;
    }
  }
  return undefined;
}

const GO_LIMIT =
  "MIG's Go agents (golang.org/x/crypto/openpgp) verify only version 4 RSA keys, and one key they cannot read makes their whole keyring fail to load";
