import { InvalidArgumentError } from '@mig-data/domain';

// MIG stores a signature "de-armored": the base64 body of the ASCII armor on one line, followed
// directly by its `=XXXX` CRC-24 checksum. These functions go between that form, the armor
// OpenPGP tools read and write, and the signature's bytes.

const BEGIN = '-----BEGIN PGP SIGNATURE-----';
const END = '-----END PGP SIGNATURE-----';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const CHECKSUM = /^=[A-Za-z0-9+/]{4}$/;

/** RFC 4880 §6.1 CRC-24 of the signature bytes. */
function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

function checksumOf(bytes: Uint8Array): string {
  const crc = crc24(bytes);
  return '=' + Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
}

/** MIG's one-line form of a signature's bytes. */
export function migSignatureFromBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64') + checksumOf(bytes);
}

/**
 * The bytes of a one-line MIG signature, after checking its form and checksum. `field` names the
 * signature in errors, e.g. `action.pgpsignatures[1]`.
 */
export function migSignatureBytes(migSignature: string, field = 'pgpsignature'): Uint8Array {
  const split = migSignature.lastIndexOf('=');
  const body = split > 0 ? migSignature.slice(0, split) : '';
  const checksum = split > 0 ? migSignature.slice(split) : '';
  if (!CHECKSUM.test(checksum) || !BASE64.test(body) || body.length % 4 !== 0) {
    throw new InvalidArgumentError(field, 'is not a de-armored OpenPGP signature (base64 on one line followed by its =XXXX checksum)');
  }
  const bytes = Buffer.from(body, 'base64');
  if (checksumOf(bytes) !== checksum) {
    throw new InvalidArgumentError(field, 'checksum does not match its body: the signature was altered or truncated');
  }
  return bytes;
}

/** Armored signature (gpg --armor, openpgp) to MIG's one-line form; a missing checksum is computed. */
export function deArmorSignature(armored: string, field = 'pgpsignature'): string {
  const lines = armored.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trim());
  const begin = lines.indexOf(BEGIN);
  const end = lines.indexOf(END, begin + 1);
  if (begin < 0 || end < 0) throw new InvalidArgumentError(field, `is not an armored signature (no ${BEGIN} ... ${END} block)`);
  // Armor headers (Version:, Comment:) run up to the first blank line.
  let first = begin + 1;
  while (first < end && lines[first] !== '' && lines[first].includes(': ')) first++;
  const block = lines.slice(first, end).filter((line) => line !== '');
  const checksumLine = block.length > 0 && CHECKSUM.test(block[block.length - 1]) ? block.pop() : undefined;
  const body = block.join('');
  if (!BASE64.test(body)) throw new InvalidArgumentError(field, 'armored signature body is not base64');
  const bytes = Buffer.from(body, 'base64');
  const oneLine = body + (checksumLine ?? checksumOf(bytes));
  migSignatureBytes(oneLine, field);
  return oneLine;
}

/** MIG's one-line form back to standard armor: body in 64-character lines, then the checksum line. */
export function reArmorSignature(migSignature: string, field = 'pgpsignature'): string {
  migSignatureBytes(migSignature, field);
  const split = migSignature.lastIndexOf('=');
  const body = migSignature.slice(0, split);
  const lines = body.match(/.{1,64}/g) ?? [];
  return [BEGIN, '', ...lines, migSignature.slice(split), END, ''].join('\n');
}
