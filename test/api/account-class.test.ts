/** Our `Account` value class against LiteSVM's: accessors and `toString()` for the same fields. */
import { describe, expect, it } from 'vitest';
import { Account as TheirAccount } from 'litesvm';
import { Account } from '../../src/index.js';

const CASES: [string, bigint, Uint8Array, Uint8Array, boolean, bigint][] = [
  ['empty data, max rent epoch', 0n, new Uint8Array(0), new Uint8Array(32), false, 2n ** 64n - 1n],
  ['short data, executable', 5n, Uint8Array.from([1, 2, 3]), new Uint8Array(32).fill(7), true, 9n],
  ['data past the 64-byte debug cut', 1_000_000_000n, Uint8Array.from({ length: 100 }, (_, i) => i), new Uint8Array(32).fill(0xab), false, 0n],
];

describe('Account', () => {
  it.each(CASES)('%s', (_name, lamports, data, owner, executable, rentEpoch) => {
    const ours = new Account(lamports, data, owner, executable, rentEpoch);
    const theirs = new TheirAccount(lamports, data, owner, executable, rentEpoch);
    expect(ours.toString()).toBe(theirs.toString());
    expect([ours.lamports(), ours.data(), ours.owner(), ours.executable(), ours.rentEpoch()]).toEqual([
      theirs.lamports(),
      theirs.data(),
      theirs.owner(),
      theirs.executable(),
      theirs.rentEpoch(),
    ]);
  });

  it('keeps its own copy of the bytes', () => {
    const data = Uint8Array.from([1, 2]);
    const a = new Account(1n, data, new Uint8Array(32), false, 0n);
    data[0] = 9;
    a.data()[1] = 9;
    expect(a.data()).toEqual(Uint8Array.from([1, 2]));
  });

  it('keeps its own copy of bytes given as Node Buffers (whose slice() is a view)', () => {
    const data = Buffer.from([1, 2]);
    const owner = Buffer.alloc(32, 3);
    const a = new Account(1n, data, owner, false, 0n);
    data[0] = 9;
    owner[0] = 9;
    expect(a.data()).toEqual(Uint8Array.from([1, 2]));
    expect(a.owner()).toEqual(new Uint8Array(32).fill(3));
  });
});
