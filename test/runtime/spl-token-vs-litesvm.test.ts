/**
 * SPL Token (LiteSVM's bundled program, read at test time) in websvm and in LiteSVM: the same
 * transactions must give the same result, log lines, compute units and accounts.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';
import { Dual, meta, systemCreateAccount } from '../helpers/dual.js';
import { bytes, u64 } from '../helpers/encoding.js';

const TOKEN = address(BUNDLED.splToken);
const enc = getAddressEncoder();

const createAccount = systemCreateAccount;

describe('SPL Token: websvm vs LiteSVM', () => {
  let d: Dual;
  let mint: KeyPairSigner;
  let alice: KeyPairSigner;
  let bob: KeyPairSigner;
  let aliceAta: KeyPairSigner;
  let bobAta: KeyPairSigner;

  beforeAll(async () => {
    d = await Dual.create();
    d.ours.addProgram(TOKEN, bundledElf(BUNDLED.splToken));
    [mint, alice, bob, aliceAta, bobAta] = await Promise.all([1, 2, 3, 4, 5].map(() => generateKeyPairSigner()));
  });

  const same = (instructions: Instruction[], accounts: Address[]) => d.expectSame(instructions, accounts);

  it('creates and initializes a mint', async () => {
    const rent = d.theirs.minimumBalanceForRentExemption(82n);
    const r = await same(
      [
        createAccount(d.payer, mint, rent, 82n, TOKEN),
        { programAddress: TOKEN, accounts: [meta(mint.address, true)], data: bytes(20, 6, enc.encode(alice.address), 1, enc.encode(alice.address)) },
      ],
      [mint.address, d.payer.address],
    );
    expect(r.error).toBeUndefined();
  });

  it('creates token accounts, mints and transfers', async () => {
    const rent = d.theirs.minimumBalanceForRentExemption(165n);
    for (const [ata, owner] of [
      [aliceAta, alice],
      [bobAta, bob],
    ] as const) {
      await same(
        [
          createAccount(d.payer, ata, rent, 165n, TOKEN),
          { programAddress: TOKEN, accounts: [meta(ata.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(owner.address)) },
        ],
        [ata.address],
      );
    }
    await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(mint.address, true), meta(aliceAta.address, true), meta(alice.address, false, alice)],
          data: bytes(7, u64(1_000_000n)),
        },
      ],
      [mint.address, aliceAta.address],
    );
    await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(aliceAta.address, true), meta(bobAta.address, true), meta(alice.address, false, alice)],
          data: bytes(3, u64(250n)),
        },
      ],
      [aliceAta.address, bobAta.address],
    );
    await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(aliceAta.address, true), meta(mint.address, false), meta(bobAta.address, true), meta(alice.address, false, alice)],
          data: bytes(12, u64(5n), 6),
        },
      ],
      [aliceAta.address, bobAta.address],
    );
  });

  it('fails identically: transfer more than the balance, wrong decimals', async () => {
    const r = await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(bobAta.address, true), meta(aliceAta.address, true), meta(bob.address, false, bob)],
          data: bytes(3, u64(1_000_000_000n)),
        },
      ],
      [bobAta.address, d.payer.address],
    );
    expect(r.error).toMatch(/InstructionError\(0, Custom\(1\)\)/);
    await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(aliceAta.address, true), meta(mint.address, false), meta(bobAta.address, true), meta(alice.address, false, alice)],
          data: bytes(12, u64(5n), 9),
        },
      ],
      [aliceAta.address, d.payer.address],
    );
  });

  it('approves, revokes, burns, freezes, thaws and closes', async () => {
    await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(aliceAta.address, true), meta(bob.address, false), meta(alice.address, false, alice)],
          data: bytes(4, u64(10n)),
        },
      ],
      [aliceAta.address],
    );
    await same([{ programAddress: TOKEN, accounts: [meta(aliceAta.address, true), meta(alice.address, false, alice)], data: bytes(5) }], [aliceAta.address]);
    await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(aliceAta.address, true), meta(mint.address, true), meta(alice.address, false, alice)],
          data: bytes(8, u64(100n)),
        },
      ],
      [aliceAta.address, mint.address],
    );
    await same(
      [{ programAddress: TOKEN, accounts: [meta(bobAta.address, true), meta(mint.address, false), meta(alice.address, false, alice)], data: bytes(10) }],
      [bobAta.address],
    );
    await same(
      [{ programAddress: TOKEN, accounts: [meta(bobAta.address, true), meta(mint.address, false), meta(alice.address, false, alice)], data: bytes(11) }],
      [bobAta.address],
    );
    await same(
      [
        {
          programAddress: TOKEN,
          accounts: [meta(bobAta.address, true), meta(aliceAta.address, true), meta(bob.address, false, bob)],
          data: bytes(3, u64(255n)),
        },
      ],
      [bobAta.address, aliceAta.address],
    );
    await same(
      [{ programAddress: TOKEN, accounts: [meta(bobAta.address, true), meta(bob.address, true), meta(bob.address, false, bob)], data: bytes(9) }],
      [bobAta.address, bob.address],
    );
  });
});
