import { generateKey, revokeKey } from 'openpgp';
import { parseActionFile } from '@mig-data/domain';
import { actionCanonicalString, type SignableAction } from './canonical-string';
import { generateSchedulerKeyPair } from './generate-key';
import { readInvestigatorPublicKey } from './read-key';
import { signAction } from './sign';
import { signActionFile } from './sign-action-file';
import { readActionSignature, verifyTextSignature } from './verify';

const ACTION: SignableAction = {
  name: 'find fusermount',
  target: "queueloc LIKE 'linux.%'",
  validfrom: new Date('2026-11-28T10:00:00Z'),
  expireafter: new Date('2026-11-28T11:00:00Z'),
  operations: [{ module: 'file', parameters: { searches: { s1: { names: ['fusermount'], paths: ['/usr'] } } } }],
};

async function verifies(action: SignableAction, signature: string, armoredPublicKey: string): Promise<void> {
  const { key } = await readInvestigatorPublicKey(armoredPublicKey);
  await verifyTextSignature(actionCanonicalString(action), await readActionSignature(signature), key);
}

describe.each([
  ['RSA 2048', { type: 'rsa' as const, rsaBits: 2048 }],
  ['Ed25519', { type: 'ecc' as const, curve: 'ed25519Legacy' as const }],
])('signing and verifying with a real %s key', (_name, keyOptions) => {
  let keys: { privateKey: string; publicKey: string };
  beforeAll(async () => {
    keys = await generateKey({ ...keyOptions, userIDs: [{ name: 'Bob Kelso', email: 'bob@example.net' }], format: 'armored' });
  });

  it('reads the fingerprint from the key: 40 upper-case hex characters', async () => {
    const read = await readInvestigatorPublicKey(keys.publicKey);
    expect(read.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(read.userIds).toEqual(['Bob Kelso <bob@example.net>']);
    expect(read.armoredPublicKey).toContain('BEGIN PGP PUBLIC KEY BLOCK');
  });

  it('produces a one-line signature that verifies, and names the signer by key id', async () => {
    const signature = await signAction(ACTION, keys.privateKey);
    expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}=[A-Za-z0-9+/]{4}$/);
    await verifies(ACTION, signature, keys.publicKey);
    const { fingerprint } = await readInvestigatorPublicKey(keys.publicKey);
    expect((await readActionSignature(signature)).signingKeyIds).toContain(fingerprint.slice(-16));
  });

  it('refuses the signature once one byte of the action changed', async () => {
    const signature = await signAction(ACTION, keys.privateKey);
    await expect(verifies({ ...ACTION, target: ACTION.target.replace('linux', 'linuy') }, signature, keys.publicKey)).rejects.toThrow(
      'the action was changed after it was signed',
    );
    await expect(verifies({ ...ACTION, expireafter: new Date('2026-11-28T11:00:01Z') }, signature, keys.publicKey)).rejects.toThrow('does not verify');
  });
});

describe('refusing investigator keys', () => {
  it('says when the key does not parse, is private, revoked or expired', async () => {
    const pair = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Revoked' }], format: 'object' });
    const revoked = await revokeKey({ key: pair.privateKey, format: 'armored' });
    const expired = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Expired' }], keyExpirationTime: 60, date: new Date(Date.now() - 3_600_000) });

    await expect(readInvestigatorPublicKey('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----')).rejects.toThrow('publickey: is not an armored OpenPGP key');
    await expect(readInvestigatorPublicKey(pair.privateKey.armor())).rejects.toThrow("publickey: is a private key; give the investigator's public key only");
    await expect(readInvestigatorPublicKey(revoked.publicKey)).rejects.toThrow(/publickey: key [0-9A-F]{40} is revoked/);
    await expect(readInvestigatorPublicKey(expired.publicKey)).rejects.toThrow(/publickey: key [0-9A-F]{40} expired on /);
  });
});

describe('signActionFile', () => {
  it('sets missing times from the options, appends the signature, and keeps earlier ones (co-signing)', async () => {
    const first = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'First' }] });
    const second = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Second' }] });
    const file = parseActionFile(JSON.stringify({ name: ACTION.name, target: ACTION.target, operations: ACTION.operations, syntaxversion: 2 }));
    await expect(signActionFile(file, first.privateKey)).rejects.toThrow('validfrom: the action file has none; give one');

    const once = await signActionFile(file, first.privateKey, { validfrom: new Date('2026-11-28T10:00:00.700Z'), expireafter: ACTION.expireafter });
    expect(once.validfrom.toISOString()).toBe('2026-11-28T10:00:00.000Z');
    const twice = await signActionFile(once, second.privateKey);
    expect(twice.pgpsignatures).toHaveLength(2);
    expect(twice.pgpsignatures[0]).toBe(once.pgpsignatures[0]);
    await verifies(twice, twice.pgpsignatures[0], first.publicKey);
    await verifies(twice, twice.pgpsignatures[1], second.publicKey);
    await expect(signActionFile(once, second.privateKey, { validfrom: new Date('2026-01-01T00:00:00Z') })).rejects.toThrow('the action file already has validfrom');
  });
});

describe('passphrase-protected private keys', () => {
  it('sign once unlocked, and say so when the passphrase is missing or wrong', async () => {
    const keys = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Locked' }], passphrase: 'correct horse', format: 'armored' });
    await verifies(ACTION, await signAction(ACTION, keys.privateKey, 'correct horse'), keys.publicKey);
    await expect(signAction(ACTION, keys.privateKey)).rejects.toThrow('is protected by a passphrase; give it');
    await expect(signAction(ACTION, keys.privateKey, 'wrong')).rejects.toThrow('cannot unlock key');
  });
});

describe('generateSchedulerKeyPair', () => {
  it('makes an RSA key pair whose signatures verify with its public key', async () => {
    const pair = await generateSchedulerKeyPair('migscheduler', 'scheduler@mig.example.net');
    expect(pair.fingerprint).toBe((await readInvestigatorPublicKey(pair.armoredPublicKey)).fingerprint);
    await verifies(ACTION, await signAction(ACTION, pair.armoredPrivateKey), pair.armoredPublicKey);
  });
});
