/**
 * The accounts store's accounts made on first read (src/runtime/accounts.ts `setLazily`): made
 * once, replaced by a later `set`, listed by `entries`, and kept unmade across snapshot and restore.
 */
import { describe, expect, it } from 'vitest';
import { AccountsDb, type Account } from '../../src/runtime/accounts.js';

const account = (lamports: bigint): Account => ({
  lamports,
  data: new Uint8Array([1, 2]),
  owner: '11111111111111111111111111111111',
  executable: false,
  rentEpoch: 0n,
});

describe('AccountsDb', () => {
  it('makes a lazily stored account once, on first read', () => {
    const db = new AccountsDb();
    let made = 0;
    db.setLazily('A', () => (made++, account(5n)));
    expect(made).toBe(0);
    expect(db.get('B')).toBeUndefined();
    expect(made).toBe(0);
    expect(db.get('A')?.lamports).toBe(5n);
    expect(db.get('A')).toBe(db.get('A'));
    expect(made).toBe(1);
  });

  it('a set replaces an unmade account, which is then never made', () => {
    const db = new AccountsDb();
    db.setLazily('A', () => expect.fail('replaced before being read'));
    db.set('A', account(7n));
    expect(db.get('A')?.lamports).toBe(7n);
    db.setLazily('B', () => expect.fail('removed before being read'));
    db.set('B', account(0n));
    expect(db.get('B')).toBeUndefined();
  });

  it('entries lists unmade accounts; a snapshot keeps them unmade until read', () => {
    const db = new AccountsDb();
    let made = 0;
    db.set('A', account(1n));
    db.setLazily('B', () => (made++, account(2n)));
    const snapshot = db.snapshot();
    expect(new Map([...db.entries()].map(([k, a]) => [k, a.lamports]))).toEqual(
      new Map([
        ['A', 1n],
        ['B', 2n],
      ]),
    );
    expect(made).toBe(1);
    db.set('B', account(3n));
    db.restore(snapshot);
    expect(made).toBe(1);
    expect(db.get('B')?.lamports).toBe(2n);
    expect(made).toBe(2);
  });
});
