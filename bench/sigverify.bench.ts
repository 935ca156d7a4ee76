/**
 * Microseconds per Ed25519 verification of a transaction-sized message (250 bytes): websvm's
 * verifier (the platform's where it decides) and our WebAssembly one alone (browsers; what the
 * platform cannot decide), each for a signer in regular use (the wasm one's comb table) and for a
 * signer's first use (its ladder), the memo of a signature verified just before, and the
 * alternatives measured against them, all in
 * CPU time of this one process, in alternating rounds (the machine may be shared).
 * `npm run bench:sigverify`.
 */
import { createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { verifyStrict, wasmVerifyStrict } from '../src/runtime/ed25519/verify.js';
import { verifySignature } from '../src/runtime/sigverify.js';
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
const firstUses = (verify: typeof verifyStrict) => {
  const fresh = freshSigners();
  let next = 0;
  return () => {
    const f = fresh[next++ % fresh.length];
    return verify(f.signature, f.message, f.publicKey);
  };
};
const keyObject = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]), format: 'der', type: 'spki' });

const cpuMicroseconds = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const options: [name: string, count: number, verify: (i: number) => boolean][] = [
  ['websvm, signer in regular use', 2000, (i) => verifyStrict(signatures[i & 255], messages[i & 255], publicKey)],
  ["websvm, a signer's first use", 30, firstUses(verifyStrict)],
  ['websvm WebAssembly alone, signer in regular use', 2000, (i) => wasmVerifyStrict(signatures[i & 255], messages[i & 255], publicKey)],
  ["websvm WebAssembly alone, a signer's first use (ladder)", 30, firstUses(wasmVerifyStrict)],
  ['websvm, same signature again (memo)', 20000, () => verifySignature(signatures[0], messages[0], publicKey)],
  ['node:crypto verify (KeyObject made from DER once)', 2000, (i) => nodeVerify(null, messages[i & 255], keyObject, signatures[i & 255])],
  ['@noble/curves verify', 40, (i) => ed25519.verify(signatures[i & 255], messages[i & 255], publicKey)],
];
for (const [name, , verify] of options) if (!verify(0) || !verify(1)) throw new Error(`${name} refused a valid signature`);
wasmVerifyStrict(signatures[2], messages[2], publicKey); // the signer's table is built from its fourth use

const samples = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, count, verify] of options) {
    const start = cpuMicroseconds();
    for (let i = 0; i < count; i++) verify(i);
    samples.set(name, [...(samples.get(name) ?? []), (cpuMicroseconds() - start) / count]);
  }
}
console.table(
  options.map(([name]) => ({ verifier: name, 'µs/verify (median)': +median(samples.get(name)!).toFixed(1), min: +Math.min(...samples.get(name)!).toFixed(1) })),
);
