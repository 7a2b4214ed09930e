#!/usr/bin/env node
/**
 * Makes a throwaway certificate authority and certificates for running the data service with
 * mutual TLS on one machine, and for the tests:
 *
 *   node tools/make-dev-certificates.js <directory> [--host NAME_OR_IP]... [--refused]
 *
 * Writes into <directory>: ca.crt/ca.key; server.crt/server.key (for localhost, 127.0.0.1, ::1 and
 * every --host); one client certificate per role, <role>.crt/<role>.key, whose subject is
 * CN=mig-<role>, OU=<role> (the data service takes the role from the OU). With --refused, also the
 * certificates a service must refuse: expired-admin.* (an admin certificate whose validity ended)
 * and other-ca.crt with other-ca-admin.* (an admin certificate from a CA the service does not trust).
 *
 * Written with node-forge rather than the openssl binary: node:crypto cannot sign X.509
 * certificates, and openssl is not installed on a minimal Debian or container image, whereas
 * node-forge is one npm package in pure JavaScript without dependencies. Keys are RSA 2048 from
 * node:crypto (forge's own key generation is pure JavaScript and slow).
 */
'use strict';
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const forge = require('node-forge');

const ROLES = ['scheduler', 'api', 'readonly', 'admin'];
const DAY_MS = 86_400_000;

function keyPair() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' });
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  return { pem, privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

/**
 * A certificate serial number in hex from 16 random bytes: 126 random bits in a DER INTEGER that
 * is positive and minimal. The first byte is forced into 0x40-0x7f: a leading 0x00 followed by a
 * byte below 0x80 is "illegal padding" to OpenSSL, which then refuses the whole certificate (the
 * earlier '0' + 15 random bytes did that whenever the first random byte was 0x00, one certificate
 * in 256).
 */
function certificateSerial(random16) {
  const bytes = Buffer.from(random16);
  bytes[0] = (bytes[0] & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/** A certificate for `subject`, signed by `issuer` (itself when omitted). */
function certificate({ subject, keys, issuer, notBefore, notAfter, extensions }) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = certificateSerial(randomBytes(16));
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  cert.setExtensions(extensions);
  cert.sign(issuer ? issuer.keys.privateKey : keys.privateKey, forge.md.sha256.create());
  return cert;
}

function makeCa(commonName) {
  const keys = keyPair();
  const now = Date.now();
  const cert = certificate({
    subject: [{ name: 'commonName', value: commonName }],
    keys,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  return { cert, keys };
}

function makeLeaf(ca, { subject, serverNames, notBefore, notAfter }) {
  const keys = keyPair();
  const extensions = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    serverNames ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (serverNames) {
    const isIp = (name) => /^[0-9.]+$/.test(name) || name.includes(':');
    extensions.push({ name: 'subjectAltName', altNames: serverNames.map((name) => (isIp(name) ? { type: 7, ip: name } : { type: 2, value: name })) });
  }
  const now = Date.now();
  const cert = certificate({
    subject,
    keys,
    issuer: ca,
    notBefore: notBefore ?? new Date(now - DAY_MS),
    notAfter: notAfter ?? new Date(now + 825 * DAY_MS),
    extensions,
  });
  return { cert, keys };
}

function write(directory, name, { cert, keys }) {
  writeFileSync(join(directory, `${name}.crt`), forge.pki.certificateToPem(cert));
  if (keys) writeFileSync(join(directory, `${name}.key`), keys.pem, { mode: 0o600 });
}

function clientSubject(role) {
  return [
    { name: 'commonName', value: `mig-${role}` },
    { shortName: 'OU', value: role },
  ];
}

function main(argv) {
  const args = [...argv];
  const directory = args.shift();
  const hosts = ['localhost', '127.0.0.1', '::1'];
  let refused = false;
  while (args.length > 0) {
    const flag = args.shift();
    if (flag === '--host' && args.length > 0) hosts.push(args.shift());
    else if (flag === '--refused') refused = true;
    else {
      console.error(`unknown option ${flag}`);
      process.exit(2);
    }
  }
  if (!directory || directory.startsWith('--')) {
    console.error('usage: node tools/make-dev-certificates.js <directory> [--host NAME_OR_IP]... [--refused]');
    process.exit(2);
  }
  mkdirSync(directory, { recursive: true });
  const ca = makeCa('mig-data throwaway CA');
  writeFileSync(join(directory, 'ca.crt'), forge.pki.certificateToPem(ca.cert));
  writeFileSync(join(directory, 'ca.key'), ca.keys.pem, { mode: 0o600 });
  write(directory, 'server', makeLeaf(ca, { subject: [{ name: 'commonName', value: 'mig-data-service' }], serverNames: hosts }));
  for (const role of ROLES) write(directory, role, makeLeaf(ca, { subject: clientSubject(role) }));
  if (refused) {
    const past = Date.now() - 30 * DAY_MS;
    write(directory, 'expired-admin', makeLeaf(ca, { subject: clientSubject('admin'), notBefore: new Date(past - DAY_MS), notAfter: new Date(past) }));
    const otherCa = makeCa('some other CA');
    write(directory, 'other-ca', { cert: otherCa.cert });
    write(directory, 'other-ca-admin', makeLeaf(otherCa, { subject: clientSubject('admin') }));
  }
  console.log(`certificates written to ${directory}: ca.crt, server.crt/.key, ${ROLES.map((role) => `${role}.crt/.key`).join(', ')}${refused ? ', expired-admin.*, other-ca.crt, other-ca-admin.*' : ''}`);
}

if (require.main === module) main(process.argv.slice(2));
module.exports = { certificateSerial };
