/**
 * The ed25519, secp256k1 and secp256r1 precompiles in websvm and in LiteSVM: valid signatures,
 * corrupted ones, bad offsets and sizes, data taken from other instructions.
 */
import { describe, expect, it } from 'vitest';
import { address, type Address, type Instruction } from '@solana/kit';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Dual } from '../helpers/dual.js';

const ED25519 = address('Ed25519SigVerify111111111111111111111111111');
const SECP256K1 = address('KeccakSecp256k11111111111111111111111111111');
const SECP256R1 = address('Secp256r1SigVerify1111111111111111111111111');
const msg = new TextEncoder().encode('websvm precompile message');
const u16 = (v: number) => [v & 0xff, v >> 8];

/** ed25519/secp256r1 layout: count, pad, offsets (all in this instruction), then key, signature, message. */
function u16Layout(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Uint8Array {
  const keyAt = 16;
  const sigAt = keyAt + publicKey.length;
  const msgAt = sigAt + 64;
  const own = 0xffff;
  return Uint8Array.from([
    1,
    0,
    ...u16(sigAt),
    ...u16(own),
    ...u16(keyAt),
    ...u16(own),
    ...u16(msgAt),
    ...u16(message.length),
    ...u16(own),
    ...publicKey,
    ...signature,
    ...message,
  ]);
}

/** secp256k1 layout: count, 11-byte offsets into instruction `index`, then address, signature+recid, message. */
function secpLayout(eth: Uint8Array, sig65: Uint8Array, message: Uint8Array, index: number): Uint8Array {
  const ethAt = 12;
  const sigAt = ethAt + 20;
  const msgAt = sigAt + 65;
  return Uint8Array.from([1, ...u16(sigAt), index, ...u16(ethAt), index, ...u16(msgAt), ...u16(message.length), index, ...eth, ...sig65, ...message]);
}

describe('precompiles: websvm vs LiteSVM', () => {
  it('ed25519, secp256k1 and secp256r1: valid, corrupted and malformed', async () => {
    const d = await Dual.create();
    const same = async (instructions: Instruction[]) => (await d.expectSame(instructions)).error;
    const ix = (programAddress: Address, data: Uint8Array): Instruction => ({ programAddress, accounts: [], data });

    const edKey = ed25519.utils.randomSecretKey();
    const edSig = ed25519.sign(msg, edKey);
    const edPub = ed25519.getPublicKey(edKey);
    expect(await same([ix(ED25519, u16Layout(edPub, edSig, msg))])).toBeUndefined();
    const badEd = edSig.slice();
    badEd[5] ^= 1;
    expect(await same([ix(ED25519, u16Layout(edPub, badEd, msg))])).toBe('InstructionError(0, Custom(2))');
    expect(await same([ix(ED25519, Uint8Array.of(1))])).toBe('InstructionError(0, Custom(4))');
    expect(await same([ix(ED25519, u16Layout(edPub, edSig, msg).subarray(0, 40))])).toBe('InstructionError(0, Custom(3))');

    const kKey = secp256k1.utils.randomSecretKey();
    const rec = secp256k1.sign(keccak_256(msg), kKey, { prehash: false, format: 'recovered' });
    const sig65 = Uint8Array.from([...rec.subarray(1), rec[0]]);
    const eth = keccak_256(secp256k1.getPublicKey(kKey, false).subarray(1)).subarray(12);
    expect(await same([ix(SECP256K1, secpLayout(eth, sig65, msg, 0))])).toBeUndefined();
    const wrongEth = eth.slice();
    wrongEth[0] ^= 1;
    expect(await same([ix(SECP256K1, secpLayout(wrongEth, sig65, msg, 0))])).toBe('InstructionError(0, Custom(2))');
    const badRecovery = sig65.slice();
    badRecovery[64] = 9;
    expect(await same([ix(SECP256K1, secpLayout(eth, badRecovery, msg, 0))])).toBe('InstructionError(0, Custom(1))');
    // The data of the second instruction, referenced from the first.
    expect(await same([ix(SECP256K1, secpLayout(eth, sig65, msg, 1)), ix(SECP256K1, secpLayout(eth, sig65, msg, 1))])).toBeUndefined();

    const rKey = p256.utils.randomSecretKey();
    const rSig = p256.sign(sha256(msg), rKey, { prehash: false, lowS: true, format: 'compact' });
    const rPub = p256.getPublicKey(rKey, true);
    expect(await same([ix(SECP256R1, u16Layout(rPub, rSig, msg))])).toBeUndefined();
    const n = p256.Point.CURVE().n;
    const s = BigInt(`0x${Buffer.from(rSig.subarray(32)).toString('hex')}`);
    const highS = Uint8Array.from([...rSig.subarray(0, 32), ...Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
    expect(await same([ix(SECP256R1, u16Layout(rPub, highS, msg))])).toBe('InstructionError(0, Custom(2))');
    expect(await same([ix(SECP256R1, u16Layout(new Uint8Array(33).fill(5), rSig, msg))])).toBe('InstructionError(0, Custom(0))');
  });

  it('empty and short signature tables: a bare zero count passes ed25519 and secp256k1 but not secp256r1', async () => {
    const d = await Dual.create();
    for (const program of [ED25519, SECP256K1, SECP256R1]) {
      for (const data of [Uint8Array.of(), Uint8Array.of(0), Uint8Array.of(0, 0), Uint8Array.of(0, 0, 0)]) {
        d.ours.expireBlockhash();
        d.theirs.expireBlockhash();
        await d.expectSame([{ programAddress: program, accounts: [], data }]);
      }
    }
  });
});

describe('the accounts a new SVM starts with: websvm vs LiteSVM', () => {
  it('builtins, precompiles, sysvars, the stake config, default programs and feature gates hold the same lamports, owner, executable flag and data', async () => {
    const d = await Dual.create();
    const owners = [
      'NativeLoader1111111111111111111111111111111',
      'Sysvar1111111111111111111111111111111111111',
      'Config1111111111111111111111111111111111111',
      'BPFLoader1111111111111111111111111111111111',
      'BPFLoader2111111111111111111111111111111111',
      'BPFLoaderUpgradeab1e11111111111111111111111',
      'Feature111111111111111111111111111111111111',
    ];
    for (const owner of owners) {
      const theirs = d.theirs
        .getProgramAccounts(address(owner))
        .map((a) => a.address)
        .sort();
      const ours = d.ours
        .getProgramAccounts(address(owner))
        .map((a) => a.address)
        .sort();
      expect(ours, owner).toEqual(theirs);
      d.expectSameAccounts(theirs);
    }
  });
});
