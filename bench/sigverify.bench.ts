/**
 * Microseconds per Ed25519 verification of a transaction-sized message (250 bytes): websvm's
 * verifier once its WebAssembly one runs (which then verifies every signature) for a signer in
 * regular use (comb tables) and for a signer's first use (half-size scalars: one ladder over -A,
 * -R, B and 2^128·B), the platform's (OpenSSL, which verifies a process's first signatures) for a
 * signer's first use, the memo of a signature verified just before, and the alternatives
 * measured against them, all in CPU time of this one process, in alternating rounds (the machine
 * may be shared). Rows "with caches thrashed" write over 6 MB between two verifications, as a
 * transaction's work does (the tables and code are cold then), and count the verifications' wall
 * time alone.
 * `npm run bench:sigverify`.
 */
import { createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { platformVerdict } from '../src/runtime/ed25519/platform.js';
import { verifyStrict } from '../src/runtime/ed25519/verify.js';
import { verifySignature } from '../src/runtime/sigverify.js';
import { performance } from 'node:perf_hooks';
import { median } from './stats.js';

const ROUNDS = 9;
const seed = randomBytes(32);
const publicKey = ed25519.getPublicKey(seed);
const messages = Array.from({ length: 256 }, () => randomBytes(250));
const signatures = messages.map((m) => ed25519.sign(m, seed));
/** Fresh signers for a first-use row: each is verified only once. */
const freshSigners = () =>
  Array.from({ length: 400 }, () => {
    const s = randomBytes(32);
    const m = randomBytes(250);
    return { publicKey: ed25519.getPublicKey(s), message: m, signature: ed25519.sign(m, s) };
  });
const firstUses = (verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean | undefined) => {
  const fresh = freshSigners();
  let next = 0;
  return () => {
    const f = fresh[next++ % fresh.length];
    return verify(f.signature, f.message, f.publicKey) === true;
  };
};
const keyObject = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });

const cpuMicroseconds = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
/** Writes over 6 MB, one word per cache line, between two verifications. */
const thrashed = new Uint32Array(6 << 18);
let thrashes = 0;
const thrash = () => {
  thrashes++;
  for (let i = thrashes & 15; i < thrashed.length; i += 16) thrashed[i] += thrashes;
};
const regularUse = (i: number) => verifyStrict(signatures[i & 255], messages[i & 255], publicKey);
const options: [name: string, count: number, verify: (i: number) => boolean, between?: () => void][] = [
  ['websvm, signer in regular use', 2000, regularUse],
  ['websvm, signer in regular use, caches thrashed', 300, regularUse, thrash],
  ["websvm, a signer's first use (half-size ladder)", 30, firstUses(verifyStrict)],
  ["websvm, a signer's first use, caches thrashed", 30, firstUses(verifyStrict), thrash],
  ["the platform's (OpenSSL, key read from JWK), a signer's first use", 30, firstUses(platformVerdict)],
  ["the platform's, a signer's first use, caches thrashed", 30, firstUses(platformVerdict), thrash],
  ['websvm, same signature again (memo)', 20000, () => verifySignature(signatures[0], messages[0], publicKey)],
  ['node:crypto verify (KeyObject made from DER once)', 2000, (i) => nodeVerify(null, messages[i & 255], keyObject, signatures[i & 255])],
  ['@noble/curves verify', 40, (i) => ed25519.verify(signatures[i & 255], messages[i & 255], publicKey)],
];
// The first 33 verifications of the signer: the platform's 32, then ours runs (and builds its table).
for (let i = 0; i < 33; i++) verifyStrict(signatures[i], messages[i], publicKey);
for (const [name, , verify] of options) if (!verify(0) || !verify(1)) throw new Error(`${name} refused a valid signature`);

const samples = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, count, verify, between] of options) {
    let microseconds = 0;
    if (between) {
      for (let i = 0; i < count; i++) {
        between();
        const start = performance.now();
        verify(i);
        microseconds += (performance.now() - start) * 1000;
      }
    } else {
      const start = cpuMicroseconds();
      for (let i = 0; i < count; i++) verify(i);
      microseconds = cpuMicroseconds() - start;
    }
    samples.set(name, [...(samples.get(name) ?? []), microseconds / count]);
  }
}
console.table(
  options.map(([name]) => ({ verifier: name, 'µs/verify (median)': +median(samples.get(name)!).toFixed(1), min: +Math.min(...samples.get(name)!).toFixed(1) })),
);
