/**
 * Associated Token Account program (LiteSVM's bundled ELF) in websvm and in LiteSVM: CPIs into the
 * System program and SPL Token, return data across CPI, identical logs, units and accounts.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';
import { Dual, meta } from '../helpers/dual.js';
import { SYSTEM_PROGRAM } from '../helpers/encoding.js';

const TOKEN = address(BUNDLED.splToken);
const ATA = address(BUNDLED.ata);
const enc = getAddressEncoder();

describe('Associated Token Account: websvm vs LiteSVM', () => {
  let d: Dual;
  let mint: KeyPairSigner;
  let wallet: KeyPairSigner;

  beforeAll(async () => {
    d = await Dual.create();
    if (process.env.ENGINE) d.ours.withEngine(process.env.ENGINE as 'interpreter');
    d.ours.addProgram(TOKEN, bundledElf(BUNDLED.splToken));
    d.ours.addProgramWithLoader(ATA, bundledElf(BUNDLED.ata), 'BPFLoader2111111111111111111111111111111111');
    [mint, wallet] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
    const rent = d.theirs.minimumBalanceForRentExemption(82n);
    const data = new Uint8Array(52);
    new DataView(data.buffer).setUint32(0, 0, true);
    new DataView(data.buffer).setBigUint64(4, rent, true);
    new DataView(data.buffer).setBigUint64(12, 82n, true);
    data.set(enc.encode(TOKEN), 20);
    const r = d.send(
      await d.transaction([
        { programAddress: SYSTEM_PROGRAM, accounts: [meta(d.payer.address, true, d.payer), meta(mint.address, true, mint)], data },
        { programAddress: TOKEN, accounts: [meta(mint.address, true)], data: Uint8Array.from([20, 0, ...enc.encode(wallet.address), 0]) },
      ]),
    );
    expect(r.ours).toEqual(r.theirs);
  });

  const ataOf = async (owner: Address) =>
    (await getProgramDerivedAddress({ programAddress: ATA, seeds: [enc.encode(owner), enc.encode(TOKEN), enc.encode(mint.address)] }))[0];

  const create = async (owner: Address, idempotent: boolean): Promise<Instruction> => ({
    programAddress: ATA,
    accounts: [
      meta(d.payer.address, true, d.payer),
      meta(await ataOf(owner), true),
      meta(owner, false),
      meta(mint.address, false),
      meta(SYSTEM_PROGRAM, false),
      meta(TOKEN, false),
    ],
    data: Uint8Array.of(idempotent ? 1 : 0),
  });

  it('creates an associated token account (CPIs, return data)', async () => {
    const r = d.send(await d.transaction([await create(wallet.address, false)]));
    expect(r.ours).toEqual(r.theirs);
    expect(r.ours.error).toBeUndefined();
    expect(r.ours.logs.some((l) => l.includes('invoke [2]'))).toBe(true);
    const ata = await ataOf(wallet.address);
    expect(d.account(ata).ours).toEqual(d.account(ata).theirs);
    expect(d.account(d.payer.address).ours).toEqual(d.account(d.payer.address).theirs);
  });

  it('create-idempotent succeeds again; plain create fails identically', async () => {
    const again = d.send(await d.transaction([await create(wallet.address, true)]));
    expect(again.ours).toEqual(again.theirs);
    const fails = d.send(await d.transaction([await create(wallet.address, false)]));
    expect(fails.ours).toEqual(fails.theirs);
    expect(fails.ours.error).toBeDefined();
  });
});
