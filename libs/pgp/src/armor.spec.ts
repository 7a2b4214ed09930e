import { deArmorSignature, migSignatureBytes, migSignatureFromBytes, reArmorSignature } from './armor';

// A real signature as GnuPG armors it (headers, 64-character lines, checksum line).
const BYTES = Buffer.from(Array.from({ length: 119 }, (_, i) => (i * 37 + 11) % 256));
const BODY = BYTES.toString('base64');

function gpgArmor(body: string, checksum: string | undefined, headers: string[] = []): string {
  return ['-----BEGIN PGP SIGNATURE-----', ...headers, '', ...(body.match(/.{1,64}/g) ?? []), ...(checksum ? [checksum] : []), '-----END PGP SIGNATURE-----', ''].join('\r\n');
}

describe('MIG one-line signatures', () => {
  const oneLine = migSignatureFromBytes(BYTES);

  it('is the base64 body followed directly by the =XXXX CRC-24 checksum', () => {
    expect(oneLine.startsWith(BODY)).toBe(true);
    expect(oneLine.slice(BODY.length)).toMatch(/^=[A-Za-z0-9+/]{4}$/);
    expect(Buffer.from(migSignatureBytes(oneLine))).toEqual(BYTES);
  });

  it('de-armors armor with headers and CRLF, and re-armors to standard 64-character lines', () => {
    const checksum = oneLine.slice(BODY.length);
    expect(deArmorSignature(gpgArmor(BODY, checksum, ['Version: GnuPG v2', 'Comment: test']))).toBe(oneLine);
    const armored = reArmorSignature(oneLine);
    expect(armored).toBe(gpgArmor(BODY, checksum).replace(/\r\n/g, '\n'));
    expect(deArmorSignature(armored)).toBe(oneLine);
  });

  it('adds the checksum when the armor has none (OpenPGP v6 tools may omit it)', () => {
    expect(deArmorSignature(gpgArmor(BODY, undefined))).toBe(oneLine);
  });

  it('refuses a changed body, a changed checksum, or something that is not a signature', () => {
    const flipped = (oneLine[10] === 'A' ? 'B' : 'A');
    expect(() => migSignatureBytes(oneLine.slice(0, 10) + flipped + oneLine.slice(11), 'action.pgpsignatures[0]')).toThrow(
      'action.pgpsignatures[0]: checksum does not match its body',
    );
    expect(() => migSignatureBytes(oneLine.slice(0, -1) + (oneLine.endsWith('A') ? 'B' : 'A'))).toThrow('checksum does not match');
    expect(() => migSignatureBytes('not a signature')).toThrow('is not a de-armored OpenPGP signature');
    expect(() => deArmorSignature('hello')).toThrow('is not an armored signature');
  });
});
