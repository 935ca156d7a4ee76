/**
 * Token-2022 (with a transfer-fee mint) and SPL Memo v1 (loader v1, ABIv0) and v2 (loader v2),
 * LiteSVM's bundled ELFs read at test time, in websvm and in LiteSVM side by side.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, lamports, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';
import { Dual, meta, systemCreateAccount } from '../helpers/dual.js';
import { bytes, u64 } from '../helpers/encoding.js';

const T22 = address(BUNDLED.token2022);
const enc = getAddressEncoder();
const u16 = (v: number) => Uint8Array.of(v & 0xff, v >> 8);

function createAccount(d: Dual, account: KeyPairSigner, space: bigint, owner: Address): Instruction {
  return systemCreateAccount(d.payer, account, d.theirs.minimumBalanceForRentExemption(space), space, owner);
}

describe('Token-2022: websvm vs LiteSVM', () => {
  let d: Dual;
  let authority: KeyPairSigner;

  beforeAll(async () => {
    d = await Dual.create();
    d.ours.addProgram(T22, bundledElf(BUNDLED.token2022));
    authority = await generateKeyPairSigner();
  });

  const same = (instructions: Instruction[], accounts: Address[]) => d.expectSame(instructions, accounts);

  it('plain mint: initialize, accounts, mint, transfer_checked, burn, close', async () => {
    const [mint, a, b] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
    expect(
      (
        await same(
          [
            createAccount(d, mint, 82n, T22),
            { programAddress: T22, accounts: [meta(mint.address, true)], data: bytes(20, 2, enc.encode(authority.address), 0) },
          ],
          [mint.address],
        )
      ).error,
    ).toBeUndefined();
    for (const acc of [a, b]) {
      await same(
        [
          createAccount(d, acc, 165n, T22),
          { programAddress: T22, accounts: [meta(acc.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(authority.address)) },
        ],
        [acc.address],
      );
    }
    await same(
      [
        {
          programAddress: T22,
          accounts: [meta(mint.address, true), meta(a.address, true), meta(authority.address, false, authority)],
          data: bytes(7, u64(5000n)),
        },
      ],
      [mint.address, a.address],
    );
    await same(
      [
        {
          programAddress: T22,
          accounts: [meta(a.address, true), meta(mint.address, false), meta(b.address, true), meta(authority.address, false, authority)],
          data: bytes(12, u64(1234n), 2),
        },
      ],
      [a.address, b.address],
    );
    await same(
      [
        {
          programAddress: T22,
          accounts: [meta(b.address, true), meta(mint.address, true), meta(authority.address, false, authority)],
          data: bytes(8, u64(1234n)),
        },
      ],
      [b.address, mint.address],
    );
    await same(
      [{ programAddress: T22, accounts: [meta(b.address, true), meta(d.payer.address, true), meta(authority.address, false, authority)], data: bytes(9) }],
      [b.address],
    );
  });

  it('transfer-fee mint: fees are withheld identically', async () => {
    const [mint, a, b] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
    const init = await same(
      [
        createAccount(d, mint, 278n, T22),
        {
          programAddress: T22,
          accounts: [meta(mint.address, true)],
          data: bytes(26, 0, 1, enc.encode(authority.address), 1, enc.encode(authority.address), u16(150), u64(1_000n)),
        },
        { programAddress: T22, accounts: [meta(mint.address, true)], data: bytes(20, 6, enc.encode(authority.address), 0) },
      ],
      [mint.address],
    );
    expect(init.error).toBeUndefined();
    for (const acc of [a, b]) {
      await same(
        [
          createAccount(d, acc, 178n, T22),
          { programAddress: T22, accounts: [meta(acc.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(authority.address)) },
        ],
        [acc.address],
      );
    }
    await same(
      [
        {
          programAddress: T22,
          accounts: [meta(mint.address, true), meta(a.address, true), meta(authority.address, false, authority)],
          data: bytes(7, u64(1_000_000n)),
        },
      ],
      [a.address],
    );
    const t = await same(
      [
        {
          programAddress: T22,
          accounts: [meta(a.address, true), meta(mint.address, false), meta(b.address, true), meta(authority.address, false, authority)],
          data: bytes(12, u64(10_000n), 6),
        },
      ],
      [a.address, b.address, mint.address],
    );
    expect(t.error).toBeUndefined();
  });
});

describe('SPL Memo v1 and v2: websvm vs LiteSVM', () => {
  let d: Dual;
  let signer: KeyPairSigner;
  const MEMO_V1 = address(BUNDLED.memoV1);
  const MEMO_V2 = address(BUNDLED.memoV2);

  beforeAll(async () => {
    d = await Dual.create();
    const v1 = bundledElf(BUNDLED.memoV1);
    d.ours.setAccount({
      address: MEMO_V1,
      data: v1,
      executable: true,
      lamports: lamports(d.theirs.minimumBalanceForRentExemption(BigInt(v1.length))),
      programAddress: address('BPFLoader1111111111111111111111111111111111'),
      space: BigInt(v1.length),
    });
    d.ours.addProgramWithLoader(MEMO_V2, bundledElf(BUNDLED.memoV2), 'BPFLoader2111111111111111111111111111111111');
    signer = await generateKeyPairSigner();
  });

  const text = new TextEncoder().encode('hello from websvm ✓');
  for (const [name, program] of [
    ['v1', BUNDLED.memoV1],
    ['v2', BUNDLED.memoV2],
  ] as const) {
    it(`${name}: without signers, with a signer, invalid UTF-8`, async () => {
      for (const [accounts, data] of [
        [[], text],
        [[meta(signer.address, false, signer)], text],
        [[], Uint8Array.of(0xff, 0xfe)],
      ] as const) {
        const r = d.send(await d.transaction([{ programAddress: address(program), accounts: [...accounts], data }]));
        expect(r.ours).toEqual(r.theirs);
      }
    });
  }
});
