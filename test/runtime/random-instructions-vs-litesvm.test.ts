/**
 * Seeded random instructions for the builtins (System, the upgradeable loader, Address Lookup
 * Table): tags with arbitrary mixes of amounts, keys, seeds and bytes, over accounts of every kind
 * and privilege, must give the same result, logs, compute units and accounts as LiteSVM. (The Vote
 * program has its own in vote-vs-litesvm.test.ts.) Longer runs of the same generator found the
 * CreateAccountAllowPrefund and ExtendProgram account-order differences fixed in the builtins.
 */
import { describe, it } from 'vitest';
import { address, generateKeyPairSigner, type Address, type Instruction } from '@solana/kit';
import bs58 from 'bs58';
import { Dual, meta, setBoth } from '../helpers/dual.js';
import { bytes, SYSTEM_PROGRAM, u32, u64 } from '../helpers/encoding.js';

const LOADER = address('BPFLoaderUpgradeab1e11111111111111111111111');
const ALT = address('AddressLookupTab1e1111111111111111111111111');
const SYSVARS = [address('SysvarRent111111111111111111111111111111111'), address('SysvarRecentB1ockHashes11111111111111111111'), address('SysvarC1ock11111111111111111111111111111111')];

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
    await d.expectSame([ix], keys.map((k) => k.address));
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
});
