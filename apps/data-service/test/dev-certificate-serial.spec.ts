// The tool is plain JavaScript run by node, so it is loaded as such.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { certificateSerial } = require('../../../tools/make-dev-certificates.js') as { certificateSerial(random16: Uint8Array): string };

describe('tools/make-dev-certificates.js serial numbers', () => {
  // OpenSSL refuses a certificate whose serial is a DER INTEGER with a redundant leading byte
  // ("asn1 encoding routines::illegal padding"); the mutual TLS tests failed that way once in a few
  // dozen runs, whenever a random serial began with a zero byte.
  it.each([
    ['all zero', new Uint8Array(16)],
    ['all ones', new Uint8Array(16).fill(0xff)],
    ['a zero byte first, then a high bit', Uint8Array.from([0x00, 0x80, ...new Uint8Array(14)])],
    ['the sign bit first', Uint8Array.from([0x80, ...new Uint8Array(15).fill(0x01)])],
  ])('are 16 bytes whose first byte is neither zero nor negative, from %s random bytes', (_, random) => {
    const serial = certificateSerial(random);
    expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(serial.slice(2)).toBe(Buffer.from(random).subarray(1).toString('hex'));
  });
});
