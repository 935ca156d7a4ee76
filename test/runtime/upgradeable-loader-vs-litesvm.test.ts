/**
 * Deploying through transactions with the upgradeable loader, in websvm and in LiteSVM: buffers
 * and writes, deploy (with its CPI to the System program), visibility, upgrade, authorities,
 * extend and close, and their errors.
 */
import { describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { Dual, meta, systemCreateAccount } from '../helpers/dual.js';
import { FailedTransactionMetadata } from '../../src/index.js';
import { SYSTEM_PROGRAM, bytes, programElf, u32, u64 } from '../helpers/encoding.js';

const LOADER = address('BPFLoaderUpgradeab1e11111111111111111111111');
const RENT = address('SysvarRent111111111111111111111111111111111');
const CLOCK = address('SysvarC1ock11111111111111111111111111111111');
const enc = getAddressEncoder();

describe('upgradeable loader: websvm vs LiteSVM', () => {
  it('deploys, runs, upgrades, changes authority, extends and closes a program', async () => {
    const d = await Dual.create(1_000_000_000_000n);
    const authority = d.payer;
    /** The next slot, with a new blockhash so that repeated transactions are new ones. */
    const nextSlot = () => {
      for (const svm of [d.ours, d.theirs]) {
        svm.warpToSlot(svm.getClock().slot + 1n);
        svm.expireBlockhash();
      }
    };
    const same = (instructions: Instruction[], accounts: Address[] = []) => d.expectSame(instructions, accounts);
    const createAccount = (account: KeyPairSigner, space: number) =>
      systemCreateAccount(d.payer, account, d.theirs.minimumBalanceForRentExemption(BigInt(space)), BigInt(space), LOADER);
    /** A buffer holding `image`, written in chunks. */
    const buffer = async (image: Uint8Array) => {
      const b = await generateKeyPairSigner();
      await same([createAccount(b, 37 + image.length), { programAddress: LOADER, accounts: [meta(b.address, true), meta(authority.address, false)], data: u32(0) }], [b.address]);
      for (let at = 0; at < image.length; at += 800) {
        const chunk = image.subarray(at, at + 800);
        const r = await same([{ programAddress: LOADER, accounts: [meta(b.address, true), meta(authority.address, false, authority)], data: bytes(u32(1), u32(at), u64(BigInt(chunk.length)), chunk) }], [b.address]);
        expect(r.error).toBeUndefined();
      }
      return b.address;
    };

    const program = await generateKeyPairSigner();
    const [programData] = await getProgramDerivedAddress({ programAddress: LOADER, seeds: [enc.encode(program.address)] });
    const first = programElf('logging');
    const buf = await buffer(first);
    const deploy = (maxLen: bigint): Instruction => ({
      programAddress: LOADER,
      accounts: [
        meta(d.payer.address, true, d.payer),
        meta(programData, true),
        meta(program.address, true),
        meta(buf, true),
        meta(RENT, false),
        meta(CLOCK, false),
        meta(SYSTEM_PROGRAM, false),
        meta(authority.address, false, authority),
      ],
      data: bytes(u32(2), u64(maxLen)),
    });
    // Too small a max length, then a real deploy.
    expect((await same([createAccount(program, 36), deploy(10n)], [program.address, buf])).error).toBe('InstructionError(1, AccountDataTooSmall)');
    const ok = await same([createAccount(program, 36), deploy(BigInt(first.length * 2))], [program.address, programData, buf, d.payer.address]);
    expect(ok.logs).toContain(`Deployed program ${program.address}`);
    const run = await same([{ programAddress: program.address, accounts: [], data: new Uint8Array(0) }]);
    expect(run.logs).toContain('Program log: hello from websvm');

    // Upgrade: refused in the deployment slot, accepted after it.
    const second = programElf('loops');
    const buf2 = await buffer(second);
    const upgrade: Instruction = {
      programAddress: LOADER,
      accounts: [meta(programData, true), meta(program.address, true), meta(buf2, true), meta(d.payer.address, true), meta(RENT, false), meta(CLOCK, false), meta(authority.address, false, authority)],
      data: u32(3),
    };
    expect((await same([upgrade])).error).toBe('InstructionError(0, InvalidArgument)');
    nextSlot();
    expect((await same([upgrade], [programData, buf2])).error).toBeUndefined();

    // Extend, then hand the authority over and back, then close.
    nextSlot();
    const extend = (additional: number): Instruction => ({
      programAddress: LOADER,
      accounts: [meta(programData, true), meta(program.address, true), meta(SYSTEM_PROGRAM, false), meta(d.payer.address, true, d.payer)],
      data: bytes(u32(6), u32(additional)),
    });
    expect((await same([extend(1024)], [programData])).error).toBe('InstructionError(0, InvalidArgument)');
    expect((await same([extend(10_240)], [programData])).error).toBeUndefined();
    const other = await generateKeyPairSigner();
    await same([{ programAddress: LOADER, accounts: [meta(programData, true), meta(authority.address, false, authority), meta(other.address, false)], data: u32(4) }], [programData]);
    expect((await same([{ programAddress: LOADER, accounts: [meta(programData, true), meta(authority.address, false, authority)], data: u32(4) }])).error).toBe(
      'InstructionError(0, IncorrectAuthority)',
    );
    await same([{ programAddress: LOADER, accounts: [meta(programData, true), meta(other.address, false, other), meta(authority.address, false, authority)], data: u32(7) }], [programData]);
    nextSlot();
    const closed = await same(
      [{ programAddress: LOADER, accounts: [meta(programData, true), meta(d.payer.address, true), meta(authority.address, false, authority), meta(program.address, true)], data: u32(5) }],
      [programData, program.address],
    );
    expect(closed.error).toBeUndefined();
    expect((await same([{ programAddress: program.address, accounts: [], data: new Uint8Array(0) }])).error).toBeDefined();
    // Loader v2 management instructions are gone.
    expect((await same([{ programAddress: address('BPFLoader2111111111111111111111111111111111'), accounts: [], data: u32(0) }])).error).toBe('InstructionError(0, UnsupportedProgramId)');
  });
});

describe('account data written in place by a builtin', () => {
  it('stays unchanged in the store after a failed or simulated transaction, and changes after a committed one', async () => {
    const d = await Dual.create();
    const b = await generateKeyPairSigner();
    const space = 37 + 64;
    await d.expectSame(
      [systemCreateAccount(d.payer, b, d.theirs.minimumBalanceForRentExemption(BigInt(space)), BigInt(space), LOADER), { programAddress: LOADER, accounts: [meta(b.address, true), meta(d.payer.address, false)], data: u32(0) }],
      [b.address],
    );
    const before = d.account(b.address).ours;
    const write: Instruction = { programAddress: LOADER, accounts: [meta(b.address, true), meta(d.payer.address, false, d.payer)], data: bytes(u32(1), u32(0), u64(4n), 1, 2, 3, 4) };
    const failing: Instruction = { programAddress: LOADER, accounts: [meta(b.address, true), meta(d.payer.address, false, d.payer)], data: bytes(u32(1), u32(64), u64(4n), 1, 2, 3, 4) };
    const failed = await d.expectSame([write, failing], [b.address]);
    expect(failed.error).toBe('InstructionError(1, AccountDataTooSmall)');
    expect(d.account(b.address).ours).toEqual(before);
    const tx = await d.transaction([write]);
    expect(d.ours.simulateTransaction(tx)).not.toBeInstanceOf(FailedTransactionMetadata);
    expect(d.account(b.address).ours).toEqual(before);
    expect((await d.expectSame([write], [b.address])).error).toBeUndefined();
    expect(d.account(b.address).ours).not.toEqual(before);
  });
});
