import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const TOOL = join(__dirname, '../../../tools/make-dev-certificates.js');

/** The tool's certificateSerial for each input, run by node as the tool is (it is plain JavaScript outside every project). */
function serialsFrom(inputs: Uint8Array[]): string[] {
  const script = `const { certificateSerial } = require(${JSON.stringify(TOOL)});
    const inputs = JSON.parse(process.argv[1]).map((hex) => Buffer.from(hex, 'hex'));
    process.stdout.write(JSON.stringify(inputs.map(certificateSerial)));`;
  const hex = JSON.stringify(inputs.map((bytes) => Buffer.from(bytes).toString('hex')));
  return JSON.parse(execFileSync(process.execPath, ['-e', script, hex], { encoding: 'utf8' })) as string[];
}

describe('tools/make-dev-certificates.js serial numbers', () => {
  // OpenSSL refuses a certificate whose serial is a DER INTEGER with a redundant leading byte
  // ("asn1 encoding routines::illegal padding"); the mutual TLS tests failed that way once in a few
  // dozen runs, whenever a random serial began with a zero byte.
  it('are 16 bytes whose first byte is neither zero nor negative, whatever the random bytes', () => {
    const inputs = [
      new Uint8Array(16),
      new Uint8Array(16).fill(0xff),
      Uint8Array.from([0x00, 0x80, ...new Uint8Array(14)]),
      Uint8Array.from([0x80, ...new Uint8Array(15).fill(0x01)]),
    ];
    serialsFrom(inputs).forEach((serial, index) => {
      expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
      expect(serial.slice(2)).toBe(Buffer.from(inputs[index]).subarray(1).toString('hex'));
    });
  });
});
