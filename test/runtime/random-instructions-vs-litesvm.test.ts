/**
 * Seeded random instructions for the builtins (System, the upgradeable loader, Address Lookup
 * Table): tags with arbitrary mixes of amounts, keys, seeds and bytes, over accounts of every kind
 * and privilege, must give the same result, logs, compute units and accounts as LiteSVM; and
 * transactions of random Compute Budget and precompile instructions the same error and fee. (The
 * Vote program has its own in vote-vs-litesvm.test.ts.) Longer runs of these generators found
 * account-order, seed-error, budget-decoding and precompile-budget differences, all fixed.
 */
import { describe, it } from 'vitest';
import { address, generateKeyPairSigner, type Address, type Instruction } from '@solana/kit';
import bs58 from 'bs58';
import { Dual, meta, setBoth, systemTransfer } from '../helpers/dual.js';
import { bytes, SYSTEM_PROGRAM, u32, u64 } from '../helpers/encoding.js';

const LOADER = address('BPFLoaderUpgradeab1e11111111111111111111111');
const ALT = address('AddressLookupTab1e1111111111111111111111111');
const SYSVARS = [
  address('SysvarRent111111111111111111111111111111111'),
  address('SysvarRecentB1ockHashes11111111111111111111'),
  address('SysvarC1ock11111111111111111111111111111111'),
];

async function fuzz(program: Address, tags: number, count: number, seed: number): Promise<void> {
  const int = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
  const d = await Dual.create();
  const keys = await Promise.all(Array.from({ length: 5 }, () => generateKeyPairSigner()));
  const authority = bs58.decode(keys[0].address);
  setBoth(d, keys[0].address, { lamports: 5_000_000_000n, owner: SYSTEM_PROGRAM });
  setBoth(d, keys[1].address, { lamports: 5_000_000_000n, owner: SYSTEM_PROGRAM, data: new Uint8Array(80) });
  // A program, its ProgramData and a buffer, all with keys[0] as authority.
  setBoth(d, keys[2].address, { lamports: 5_000_000_000n, owner: LOADER, data: bytes(u32(2), bs58.decode(keys[4].address)) });
  setBoth(d, keys[3].address, { lamports: 5_000_000_000n, owner: LOADER, data: bytes(u32(1), 1, authority, new Uint8Array(64)) });
  setBoth(d, keys[4].address, { lamports: 5_000_000_000n, owner: LOADER, data: bytes(u32(3), u64(0n), 1, authority, new Uint8Array(64)) });
  const amounts = [0n, 1n, 890_880n, 1_000_000n, 5_000_000_000n, 2n ** 64n - 1n];
  const field = (): Uint8Array => {
    switch (int(5)) {
      case 0:
        return u64(amounts[int(amounts.length)] + BigInt(int(3)));
      case 1:
        return bs58.decode([SYSTEM_PROGRAM, LOADER, ...keys.map((k) => k.address)][int(7)]);
      case 2: {
        const seedText = 'seed'.repeat(int(10));
        return bytes(u64(BigInt(seedText.length)), new TextEncoder().encode(seedText));
      }
      case 3:
        return Uint8Array.from({ length: int(12) }, () => int(256));
      default:
        return u32(int(3));
    }
  };
  const pool = [...keys.flatMap((k) => [meta(k.address, true, k), meta(k.address, true), meta(k.address, false)]), ...SYSVARS.map((s) => meta(s, false))];
  for (let n = 0; n < count; n++) {
    const picked = Array.from({ length: int(6) }, () => pool[int(pool.length)]);
    const accounts = picked.filter((a, i) => picked.findIndex((b) => b.address === a.address) === i);
    const data = bytes(u32(int(tags)), ...Array.from({ length: int(6) }, field));
    const ix: Instruction = { programAddress: program, accounts, data };
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    await d.expectSame(
      [ix],
      keys.map((k) => k.address),
    );
  }
}

const COMPUTE_BUDGET = address('ComputeBudget111111111111111111111111111111');
const PRECOMPILES = [
  address('Ed25519SigVerify111111111111111111111111111'),
  address('KeccakSecp256k11111111111111111111111111111'),
  address('Secp256r1SigVerify1111111111111111111111111'),
];

/**
 * Transactions of random Compute Budget instructions (valid, truncated, duplicated, out of range)
 * and random precompile instructions before a transfer: the same error and the same fee.
 */
async function fuzzTransactions(count: number, seed: number): Promise<void> {
  const int = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
  const d = await Dual.create();
  const to = (await generateKeyPairSigner()).address;
  for (let n = 0; n < count; n++) {
    const instructions: Instruction[] = [];
    for (let k = int(4); k > 0; k--) {
      if (int(2) === 0) {
        const value = [
          u32(int(2) ? int(300_000) : [0, 1024, 32 * 1024, 256 * 1024, 1_400_000, 0xffffffff][int(6)]),
          u64(BigInt(int(2) ? int(1000) : 2 ** 40)),
          new Uint8Array(int(3)),
        ][int(3)];
        instructions.push({ programAddress: COMPUTE_BUDGET, accounts: [], data: bytes(int(6), value) });
      } else {
        // A signature count, padding, offsets (u16 fields, often out of range) and a payload.
        const signatures = int(3);
        // Per entry: signature, key and message offsets with their instruction indexes (mostly
        // this instruction) and the message size; sometimes anything.
        const entry = (i: number) =>
          int(8) === 0 ? int(65536) : i % 2 === 1 && i < 6 ? [0xffff, 0, 1, 5][int(4)] : i === 6 ? [0xffff, 0, 2][int(3)] : i === 5 ? int(60) : int(180);
        const offsets = Array.from({ length: signatures * 7 }, (_, i) => entry(i % 7)).flatMap((v) => [v & 0xff, v >> 8]);
        const payload = Array.from({ length: int(200) }, () => int(256));
        const data = Uint8Array.from([signatures, int(2) ? 0 : int(256), ...offsets.slice(0, int(4) ? offsets.length : int(offsets.length + 1)), ...payload]);
        instructions.push({ programAddress: PRECOMPILES[int(3)], accounts: [], data });
      }
    }
    instructions.push(systemTransfer(d.payer, to, 1_000_000n));
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    await d.expectSame(instructions, [d.payer.address, to]);
  }
}

/** `FUZZ_BUILTIN_RUNS=n` repeats each suite with n seeds (CI runs one). */
const RUNS = Number(process.env.FUZZ_BUILTIN_RUNS ?? 1);
const runs = async (program: Address, tags: number, count: number, seed: number) => {
  for (let r = 0; r < RUNS; r++) await fuzz(program, tags, count, seed + 7919 * r);
};

describe('random builtin instructions: websvm vs LiteSVM', () => {
  it('System program', () => runs(SYSTEM_PROGRAM, 14, 300, 101), 600_000);
  it('upgradeable loader', () => runs(LOADER, 10, 300, 202), 600_000);
  it('Address Lookup Table program', () => runs(ALT, 5, 200, 303), 600_000);
  it('Compute Budget and precompile instructions in transactions', async () => {
    for (let r = 0; r < RUNS; r++) await fuzzTransactions(300, 404 + 7919 * r);
  }, 600_000);
});
