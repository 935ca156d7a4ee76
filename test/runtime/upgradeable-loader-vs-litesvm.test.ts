/**
 * Deploying through transactions with the upgradeable loader, in websvm and in LiteSVM: buffers
 * and writes, deploy (with its CPI to the System program), visibility, upgrade, authorities,
 * extend and close, and their errors.
 */
import { describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { Dual, meta, setBoth, systemCreateAccount } from '../helpers/dual.js';
import { assembleToElf, FailedTransactionMetadata } from '../../src/index.js';
import { Elf64, Reader } from '../../src/elf/parser.js';
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
      await same(
        [createAccount(b, 37 + image.length), { programAddress: LOADER, accounts: [meta(b.address, true), meta(authority.address, false)], data: u32(0) }],
        [b.address],
      );
      for (let at = 0; at < image.length; at += 800) {
        const chunk = image.subarray(at, at + 800);
        const r = await same(
          [
            {
              programAddress: LOADER,
              accounts: [meta(b.address, true), meta(authority.address, false, authority)],
              data: bytes(u32(1), u32(at), u64(BigInt(chunk.length)), chunk),
            },
          ],
          [b.address],
        );
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
      accounts: [
        meta(programData, true),
        meta(program.address, true),
        meta(buf2, true),
        meta(d.payer.address, true),
        meta(RENT, false),
        meta(CLOCK, false),
        meta(authority.address, false, authority),
      ],
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
    await same(
      [{ programAddress: LOADER, accounts: [meta(programData, true), meta(authority.address, false, authority), meta(other.address, false)], data: u32(4) }],
      [programData],
    );
    expect((await same([{ programAddress: LOADER, accounts: [meta(programData, true), meta(authority.address, false, authority)], data: u32(4) }])).error).toBe(
      'InstructionError(0, IncorrectAuthority)',
    );
    await same(
      [
        {
          programAddress: LOADER,
          accounts: [meta(programData, true), meta(other.address, false, other), meta(authority.address, false, authority)],
          data: u32(7),
        },
      ],
      [programData],
    );
    nextSlot();
    const closed = await same(
      [
        {
          programAddress: LOADER,
          accounts: [meta(programData, true), meta(d.payer.address, true), meta(authority.address, false, authority), meta(program.address, true)],
          data: u32(5),
        },
      ],
      [programData, program.address],
    );
    expect(closed.error).toBeUndefined();
    expect((await same([{ programAddress: program.address, accounts: [], data: new Uint8Array(0) }])).error).toBeDefined();
    // Loader v2 management instructions are gone.
    expect((await same([{ programAddress: address('BPFLoader2111111111111111111111111111111111'), accounts: [], data: u32(0) }])).error).toBe(
      'InstructionError(0, UnsupportedProgramId)',
    );
  });
});

describe('account data written in place by a builtin', () => {
  it('stays unchanged in the store after a failed or simulated transaction, and changes after a committed one', async () => {
    const d = await Dual.create();
    const b = await generateKeyPairSigner();
    const space = 37 + 64;
    await d.expectSame(
      [
        systemCreateAccount(d.payer, b, d.theirs.minimumBalanceForRentExemption(BigInt(space)), BigInt(space), LOADER),
        { programAddress: LOADER, accounts: [meta(b.address, true), meta(d.payer.address, false)], data: u32(0) },
      ],
      [b.address],
    );
    const before = d.account(b.address).ours;
    const write: Instruction = {
      programAddress: LOADER,
      accounts: [meta(b.address, true), meta(d.payer.address, false, d.payer)],
      data: bytes(u32(1), u32(0), u64(4n), 1, 2, 3, 4),
    };
    const failing: Instruction = {
      programAddress: LOADER,
      accounts: [meta(b.address, true), meta(d.payer.address, false, d.payer)],
      data: bytes(u32(1), u32(64), u64(4n), 1, 2, 3, 4),
    };
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

describe('deploying ELFs the loader or verifier refuses or must read with care', () => {
  /** Deploys `elf` from a buffer set up directly; returns both sides' observations. */
  const deployBoth = async (d: Dual, elf: Uint8Array) => {
    const buf = (await generateKeyPairSigner()).address;
    const state = new Uint8Array(37 + elf.length);
    state.set([1, 0, 0, 0, 1]); // Buffer, with an authority
    state.set(enc.encode(d.payer.address), 5);
    state.set(elf, 37);
    setBoth(d, buf, { lamports: 10_000_000_000n, data: state, owner: LOADER });
    const program = await generateKeyPairSigner();
    const [programData] = await getProgramDerivedAddress({ programAddress: LOADER, seeds: [enc.encode(program.address)] });
    const accounts = [d.payer.address, programData, program.address, buf, RENT, CLOCK, SYSTEM_PROGRAM].map((a, i) =>
      meta(a, i < 4, i === 0 ? d.payer : undefined),
    );
    const deploy = { programAddress: LOADER, accounts: [...accounts, meta(d.payer.address, false, d.payer)], data: bytes(u32(2), u64(BigInt(elf.length * 2))) };
    const space = d.theirs.minimumBalanceForRentExemption(36n);
    return { observed: await d.expectSame([systemCreateAccount(d.payer, program, space, 36n, LOADER), deploy]), program: program.address };
  };

  it('a verifier failure is logged inside an EbpfError ("Verifier error: …"), as Agave does', async () => {
    const d = await Dual.create(1_000_000_000_000n);
    const elf = assembleToElf('mov r0, 0\nexit', { sbpfVersion: 0 });
    const text = new DataView(elf.buffer).getBigUint64(Number(new DataView(elf.buffer).getBigUint64(40, true)) + 64 + 24, true);
    elf[Number(text)] = 0x20; // no such opcode
    const { observed } = await deployBoth(d, elf);
    expect(observed.error).toBe('InstructionError(1, InvalidAccountData)');
    expect(observed.logs).toContain('Verifier error: unknown eBPF opcode 0x20 (insn #0)');
  });

  it('relocations that overwrite the symbol names leave the names read from the unrelocated file', async () => {
    const d = await Dual.create(1_000_000_000_000n);
    const elf = programElf('logging');
    const parsed = new Elf64(new Reader(elf));
    const [start, end] = parsed.dynamicRelocationTable!;
    const dynstr = parsed.shdrs.find((s) => parsed.sectionName(s.name) === '.dynstr')!;
    // A relocation outside .text writes 8 bytes at its offset: aim one at the first syscall name.
    let relative = start;
    while (parsed.relocationAt(relative).type !== 8) relative += 16;
    expect(relative).toBeLessThan(end);
    new DataView(elf.buffer, elf.byteOffset).setBigUint64(relative, BigInt(dynstr.offset + 1), true);
    const { observed, program } = await deployBoth(d, elf);
    expect(observed.error).toBeUndefined();
    expect(observed.logs).toContain(`Deployed program ${program}`);
    for (const svm of [d.ours, d.theirs]) svm.warpToSlot(svm.getClock().slot + 1n);
    await d.expectSame([{ programAddress: program, accounts: [], data: new Uint8Array(0) }]);
  });
});
