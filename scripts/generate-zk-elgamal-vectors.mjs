// Writes test/runtime/zk-elgamal-proof-vectors.json: valid proof data for every ZK ElGamal proof
// instruction, made by the official prover (@solana/zk-sdk, not a dependency of websvm). Run it where
// that package is installed, e.g. `cd $(mktemp -d) && npm i @solana/zk-sdk@0.4.1 && cp <websvm>/scripts/generate-zk-elgamal-vectors.mjs . &&
// node generate-zk-elgamal-vectors.mjs <websvm>/test/runtime/zk-elgamal-proof-vectors.json`.
import * as zk from '@solana/zk-sdk/node';
import { writeFileSync } from 'node:fs';

const hex = (b) => Buffer.from(b).toString('hex');
const out = {};
const add = (name, make) => (out[name] ??= []).push(hex(make().toBytes()));

for (let i = 0; i < 2; i++) {
  const kp = new zk.ElGamalKeypair();
  const kp2 = new zk.ElGamalKeypair();
  const kp3 = new zk.ElGamalKeypair();
  const amount = BigInt(1000 + i * 77);
  add('PubkeyValidity', () => new zk.PubkeyValidityProofData(kp));
  add('ZeroCiphertext', () => new zk.ZeroCiphertextProofData(kp, kp.pubkey().encryptU64(0n)));
  {
    const op2 = new zk.PedersenOpening();
    const c1 = kp.pubkey().encryptU64(amount);
    const c2 = kp2.pubkey().encryptWith(amount, op2);
    add('CiphertextCiphertextEquality', () => new zk.CiphertextCiphertextEqualityProofData(kp, kp2.pubkey(), c1, c2, op2, amount));
  }
  {
    const op = new zk.PedersenOpening();
    const c = kp.pubkey().encryptU64(amount);
    const com = zk.PedersenCommitment.from(amount, op);
    add('CiphertextCommitmentEquality', () => new zk.CiphertextCommitmentEqualityProofData(kp, c, com, op, amount));
  }
  {
    // percentage = max_value branch (i = 0) and the delta = claimed branch (i = 1)
    const maxValue = 3n;
    const pctAmount = i === 0 ? maxValue : 1n;
    const [po, dop, cop] = [new zk.PedersenOpening(), new zk.PedersenOpening(), new zk.PedersenOpening()];
    const delta = 7n;
    const pc = zk.PedersenCommitment.from(pctAmount, po);
    const dc = zk.PedersenCommitment.from(delta, dop);
    const cc = zk.PedersenCommitment.from(delta, cop);
    add('PercentageWithCap', () => new zk.PercentageWithCapProofData(pc, po, pctAmount, dc, dop, delta, cc, cop, maxValue));
  }
  for (const [name, Data, total] of [
    ['BatchedRangeProofU64', zk.BatchedRangeProofU64Data, 64],
    ['BatchedRangeProofU128', zk.BatchedRangeProofU128Data, 128],
    ['BatchedRangeProofU256', zk.BatchedRangeProofU256Data, 256],
  ]) {
    const bits = i === 0 ? Array(total / 64).fill(64) : [...Array(total / 64 - 1).fill(64), 32, 16, 16];
    const amounts = bits.map((b, j) => BigInt(j + 5 + i) % (1n << BigInt(Math.min(b, 63))));
    const openings = bits.map(() => new zk.PedersenOpening());
    const commitments = amounts.map((a, j) => zk.PedersenCommitment.from(a, openings[j]));
    add(name, () => new Data(commitments, BigUint64Array.from(amounts), Uint8Array.from(bits), openings));
  }
  {
    const op = new zk.PedersenOpening();
    const g = zk.GroupedElGamalCiphertext2Handles.encryptWith(kp.pubkey(), kp2.pubkey(), amount, op);
    add('GroupedCiphertext2HandlesValidity', () => new zk.GroupedCiphertext2HandlesValidityProofData(kp.pubkey(), kp2.pubkey(), g, amount, op));
    const op2 = new zk.PedersenOpening();
    const g2 = zk.GroupedElGamalCiphertext2Handles.encryptWith(kp.pubkey(), kp2.pubkey(), amount + 1n, op2);
    add(
      'BatchedGroupedCiphertext2HandlesValidity',
      () => new zk.BatchedGroupedCiphertext2HandlesValidityProofData(kp.pubkey(), kp2.pubkey(), g, g2, amount, amount + 1n, op, op2),
    );
  }
  {
    const op = new zk.PedersenOpening();
    const g = zk.GroupedElGamalCiphertext3Handles.encryptWith(kp.pubkey(), kp2.pubkey(), kp3.pubkey(), amount, op);
    add('GroupedCiphertext3HandlesValidity', () => new zk.GroupedCiphertext3HandlesValidityProofData(kp.pubkey(), kp2.pubkey(), kp3.pubkey(), g, amount, op));
    const op2 = new zk.PedersenOpening();
    const g2 = zk.GroupedElGamalCiphertext3Handles.encryptWith(kp.pubkey(), kp2.pubkey(), kp3.pubkey(), amount + 1n, op2);
    add(
      'BatchedGroupedCiphertext3HandlesValidity',
      () => new zk.BatchedGroupedCiphertext3HandlesValidityProofData(kp.pubkey(), kp2.pubkey(), kp3.pubkey(), g, g2, amount, amount + 1n, op, op2),
    );
  }
}
writeFileSync(process.argv[2], JSON.stringify(out, null, 1) + '\n');
for (const [k, v] of Object.entries(out))
  console.log(
    k,
    v.map((x) => x.length / 2),
  );
