/**
 * The Address Lookup Table program in websvm (a builtin) and in LiteSVM (Agave running the
 * core-BPF program): create, extend, freeze, deactivate and close with every refusal, stored
 * tables (odd padding, broken states) read as the program reads them, the tables then serving v0
 * transactions, and a CPI into the program. Results, errors, program logs and accounts must be
 * identical; compute units are not compared (see `comparable`). The last test runs the core-BPF ELF
 * deployed by default on both sides, where compute units and every log line match too.
 */
import { describe, expect, it } from 'vitest';
import {
  address,
  generateKeyPairSigner,
  getAddressDecoder,
  getAddressEncoder,
  getProgramDerivedAddress,
  type AccountMeta,
  type Address,
  type AddressesByLookupTableAddress,
  type Instruction,
  type KeyPairSigner,
} from '@solana/kit';
import { deployBoth, Dual, meta, setBoth, systemTransfer, toggled, type Observed } from '../helpers/dual.js';
import { bytes, programElf, SYSTEM_PROGRAM, u32, u64 } from '../helpers/encoding.js';
import { FailedTransactionMetadata, FeatureSet } from '../../src/index.js';
import { encodeLookupTableMeta, newLookupTableMeta } from '../../src/runtime/lookup-table-state.js';
import { createProgramAddress } from '../../src/syscalls/pda.js';

const ALT = address('AddressLookupTab1e1111111111111111111111111');
const enc = getAddressEncoder();

/**
 * An observation without compute units: LiteSVM runs the core-BPF program, which meters its own
 * sBPF instructions and logs `Program … consumed X of Y compute units` for itself and for its
 * callers, while the builtin charges Agave's fixed 750 units and logs no such line.
 */
const comparable = (o: Observed) => {
  const consumed = /^Program \S+ consumed \d+ of \d+ compute units$/;
  const withoutUnits = (text: string) =>
    text.replace(/, "Program \S+ consumed \d+ of \d+ compute units"/g, '').replace(/compute_units_consumed: \d+/g, 'compute_units_consumed: _');
  return {
    ...o,
    computeUnits: undefined,
    logs: o.logs.filter((l) => !consumed.test(l)),
    // eslint-disable-next-line no-control-regex -- the pretty logs' ANSI colour codes
    prettyLogs: o.prettyLogs.replace(/\x1b\[38;5;239mProgram \S+ consumed \d+ of \d+ compute units\x1b\[0m\n/g, ''),
    text: { result: withoutUnits(o.text.result), meta: withoutUnits(o.text.meta), err: o.text.err },
    // The program account itself: our builtin's, LiteSVM's core-BPF program's.
    accounts: { ...o.accounts, [ALT]: undefined },
  };
};

/** A party to an instruction: a signer signs, a bare address does not. */
type Party = KeyPairSigner | Address;
const party = (p: Party, writable: boolean) => (typeof p === 'string' ? meta(p, writable) : meta(p.address, writable, p));

const alt = (tag: number, accounts: AccountMeta[], ...fields: (number | ArrayLike<number>)[]): Instruction => ({
  programAddress: ALT,
  accounts,
  data: bytes(u32(tag), ...fields),
});
const create = (table: Address, authority: Party, payer: Party, slot: bigint, bump: number, system = [meta(SYSTEM_PROGRAM, false)]) =>
  alt(0, [meta(table, true), party(authority, false), party(payer, true), ...system], u64(slot), bump);
const freeze = (table: Address, authority: Party) => alt(1, [meta(table, true), party(authority, false)]);
const extend = (table: Address, authority: Party, addresses: Address[], payer?: Party) =>
  alt(
    2,
    [meta(table, true), party(authority, false), ...(payer ? [party(payer, true), meta(SYSTEM_PROGRAM, false)] : [])],
    u64(BigInt(addresses.length)),
    ...addresses.map((a) => enc.encode(a)),
  );
const deactivate = (table: Address, authority: Party) => alt(3, [meta(table, true), party(authority, false)]);
const close = (table: Address, authority: Party, recipient: Address) => alt(4, [meta(table, true), party(authority, false), meta(recipient, true)]);
/** `ix` with its account `i` read-only. */
const readOnly = (ix: Instruction, i: number): Instruction => ({ ...ix, accounts: ix.accounts!.map((a, k) => (k === i ? meta(a.address, false) : a)) });

/** The table address of `authority` for `slot`, with its bump. */
const derive = (authority: Address, slot: bigint) => getProgramDerivedAddress({ programAddress: ALT, seeds: [enc.encode(authority), u64(slot)] });
/** Fresh addresses to store in tables. */
const randomAddresses = (n: number) => Array.from({ length: n }, () => getAddressDecoder().decode(crypto.getRandomValues(new Uint8Array(32))));
const signers = (n: number) => Promise.all(Array.from({ length: n }, () => generateKeyPairSigner()));

/** Both runtimes at the same slot, with our builtin as the program. */
class Tables {
  private constructor(
    readonly d: Dual,
    readonly slot: bigint,
  ) {}

  static async create(): Promise<Tables> {
    const d = await Dual.create();
    // A default-program source may have deployed LiteSVM's core-BPF program here: run the builtin.
    d.ours.withBuiltins();
    expect(d.ours.getAccount(ALT)).toMatchObject({ programAddress: 'NativeLoader1111111111111111111111111111111' });
    const slot = d.ours.getClock().slot;
    expect(d.theirs.getClock().slot).toBe(slot);
    return new Tables(d, slot);
  }

  /**
   * Sends `instructions` to both under a new blockhash (so a repeated transaction is not
   * AlreadyProcessed); requires the same outcome and the same payer and `accounts` afterwards.
   */
  async same(instructions: Instruction[], accounts: readonly Address[] = [], lookupTables?: AddressesByLookupTableAddress): Promise<string | undefined> {
    this.expireBlockhash();
    const r = this.d.send(await this.d.transaction(instructions, lookupTables));
    expect(comparable(r.ours)).toEqual(comparable(r.theirs));
    for (const a of [this.d.payer.address, ...accounts]) expect(this.d.account(a).ours, a).toEqual(this.d.account(a).theirs);
    return r.ours.error;
  }

  /** Fresh runtimes with a table of a signing authority, another signer and a recipient. */
  static async withTable() {
    const t = await Tables.create();
    const [authority, stranger, recipient] = await signers(3);
    const table = await t.createTable(authority.address);
    /** `same`, comparing the table and the recipient too. */
    const same = (instructions: Instruction[]) => t.same(instructions, [table, recipient.address]);
    return { t, d: t.d, slot: t.slot, authority, stranger, recipient, table, same };
  }

  /** Creates a table of `authority` for the current slot, paid by the payer. */
  async createTable(authority: Address): Promise<Address> {
    const [table, bump] = await derive(authority, this.slot);
    expect(await this.same([create(table, authority, this.d.payer, this.slot, bump)], [table])).toBeUndefined();
    return table;
  }

  warpToSlot(slot: bigint): void {
    this.d.ours.warpToSlot(slot);
    this.d.theirs.warpToSlot(slot);
  }

  expireBlockhash(): void {
    this.d.ours.expireBlockhash();
    this.d.theirs.expireBlockhash();
  }

  setSlotHashes(slots: bigint[]): void {
    const hash = this.d.ours.latestBlockhash();
    this.d.ours.setSlotHashes(slots.map((slot) => ({ slot, hash })));
    this.d.theirs.setSlotHashes(slots.map((slot) => ({ slot, hash })) as never);
  }
}

describe('Address Lookup Table program: websvm vs LiteSVM', () => {
  it('creates a table only at the address derived from its authority and a recent slot', async () => {
    const t = await Tables.create();
    const { d, slot } = t;
    const [authority, stranger] = await signers(2);
    const [table, bump] = await derive(authority.address, slot);
    const err = (instructions: Instruction[]) => t.same(instructions, [table]);
    expect(await err([alt(0, [meta(table, true), meta(authority.address, false)], u64(slot), bump)])).toBe('InstructionError(0, NotEnoughAccountKeys)');
    expect(await err([create(table, authority.address, stranger.address, slot, bump)])).toBe('InstructionError(0, MissingRequiredSignature)');
    const [later, laterBump] = await derive(authority.address, slot + 1n);
    expect(await err([create(later, authority.address, d.payer, slot + 1n, laterBump)])).toBe('InstructionError(0, InvalidInstructionData)');
    const [, strangerBump] = await derive(stranger.address, slot);
    expect(await err([create(table, stranger.address, d.payer, slot, strangerBump)])).toBe('InstructionError(0, InvalidArgument)');
    const seeds = (b: number) => [Uint8Array.from(enc.encode(authority.address)), u64(slot), Uint8Array.of(b)];
    const onCurve = [...Array(256).keys()].find((b) => !createProgramAddress(seeds(b), Uint8Array.from(enc.encode(ALT))))!;
    expect(await err([create(table, authority.address, d.payer, slot, onCurve)])).toBe('InstructionError(0, Custom(1))');
    expect(await err([{ programAddress: ALT, accounts: [], data: u32(5) }])).toBe('InstructionError(0, InvalidInstructionData)');
    expect(await err([{ programAddress: ALT, accounts: [], data: bytes(u32(0), u64(slot)) }])).toBe('InstructionError(0, InvalidInstructionData)');

    // The authority need not sign (relax_authority_signer_check_for_lookup_table_creation); a
    // compute-unit price shows the program budgets 200 000 units as an sBPF program, not 3 000.
    const price = { programAddress: address('ComputeBudget111111111111111111111111111111'), accounts: [], data: bytes(3, u64(1_000_000n)) };
    expect(await err([price, create(table, authority.address, d.payer, slot, bump)])).toBeUndefined();
    // Creating it again changes nothing.
    expect(await err([create(table, authority.address, d.payer, slot, bump)])).toBeUndefined();
    const [signed] = await derive(stranger.address, slot);
    expect(await t.same([create(signed, stranger, d.payer, slot, strangerBump)], [signed])).toBeUndefined();
  });

  it('creates a table over lamports already there, and not over an allocated account', async () => {
    const t = await Tables.create();
    const { d, slot } = t;
    const [a, b, c] = await signers(3);
    const [funded, fundedBump] = await derive(a.address, slot);
    setBoth(d, funded, { lamports: 10_000_000n, owner: SYSTEM_PROGRAM });
    // Nothing to transfer, so the missing System program account is noticed only afterwards.
    expect(await t.same([create(funded, a.address, d.payer, slot, fundedBump, [])], [funded])).toBe('InstructionError(0, NotEnoughAccountKeys)');
    expect(await t.same([create(funded, a.address, d.payer, slot, fundedBump)], [funded])).toBeUndefined();
    const [unfunded, unfundedBump] = await derive(b.address, slot);
    expect(await t.same([create(unfunded, b.address, d.payer, slot, unfundedBump, [])], [unfunded])).toBe('InstructionError(0, MissingAccount)');
    const [allocated, allocatedBump] = await derive(c.address, slot);
    setBoth(d, allocated, { lamports: 1_000_000n, data: new Uint8Array(8), owner: SYSTEM_PROGRAM });
    expect(await t.same([create(allocated, c.address, d.payer, slot, allocatedBump)], [allocated])).toBe('InstructionError(0, Custom(0))');
  });

  it('extends a table up to 256 addresses, topping up its rent from the payer', async () => {
    const t = await Tables.create();
    const { d, slot } = t;
    const [stranger] = await signers(1);
    const table = await t.createTable(d.payer.address);
    const same = (instructions: Instruction[]) => t.same(instructions, [table]);
    const one = randomAddresses(1);
    expect(await same([extend(table, d.payer, [], d.payer)])).toBe('InstructionError(0, InvalidInstructionData)');
    expect(await same([alt(2, [meta(table, true), party(d.payer, false)], u64(39n), enc.encode(one[0]))])).toBe('InstructionError(0, InvalidInstructionData)');
    expect(await same([extend(table, stranger, one, d.payer)])).toBe('InstructionError(0, IncorrectAuthority)');
    expect(await same([extend(table, stranger.address, one, d.payer)])).toBe('InstructionError(0, MissingRequiredSignature)');
    expect(await same([readOnly(extend(table, d.payer, one, d.payer), 0)])).toBe('InstructionError(0, Custom(10))');
    expect(await same([extend(table, d.payer, one)])).toBe('InstructionError(0, NotEnoughAccountKeys)');
    expect(await same([extend(table, d.payer, one, stranger.address)])).toBe('InstructionError(0, MissingRequiredSignature)');
    expect(await same([extend(SYSTEM_PROGRAM, d.payer, one, d.payer)])).toBe('InstructionError(0, InvalidAccountOwner)');

    // 28 addresses keep a transaction within the packet size; all in one slot.
    for (let n = 0; n < 252; n += 28) expect(await same([extend(table, d.payer, randomAddresses(28), d.payer)])).toBeUndefined();
    expect(await same([extend(table, d.payer, randomAddresses(5), d.payer)])).toBe('InstructionError(0, InvalidInstructionData)');
    t.warpToSlot(slot + 1n);
    expect(await same([extend(table, d.payer, randomAddresses(4), d.payer)])).toBeUndefined();
    expect(await same([extend(table, d.payer, one, d.payer)])).toBe('InstructionError(0, InvalidArgument)');
  });

  it('freezes a non-empty table, which then refuses every change', async () => {
    const { d, authority, stranger, recipient, table, same } = await Tables.withTable();
    expect(await same([freeze(table, authority)])).toBe('InstructionError(0, InvalidInstructionData)');
    expect(await same([extend(table, authority, randomAddresses(2), d.payer)])).toBeUndefined();
    expect(await same([freeze(table, stranger)])).toBe('InstructionError(0, IncorrectAuthority)');
    expect(await same([freeze(table, authority.address)])).toBe('InstructionError(0, MissingRequiredSignature)');
    expect(await same([freeze(SYSTEM_PROGRAM, authority)])).toBe('InstructionError(0, InvalidAccountOwner)');
    expect(await same([readOnly(freeze(table, authority), 0)])).toBe('InstructionError(0, ReadonlyDataModified)');
    expect(await same([freeze(table, authority)])).toBeUndefined();
    for (const ix of [
      freeze(table, authority),
      extend(table, authority, randomAddresses(1), d.payer),
      deactivate(table, authority),
      close(table, authority, recipient.address),
    ]) {
      expect(await same([ix])).toBe('InstructionError(0, Immutable)');
    }
  });

  it('deactivates a table and closes it once its slot has left SlotHashes', async () => {
    const { t, d, slot, authority, stranger, recipient, table, same } = await Tables.withTable();
    expect(await same([extend(table, authority, randomAddresses(3), d.payer)])).toBeUndefined();
    expect(await same([close(table, authority, recipient.address)])).toBe('InstructionError(0, InvalidArgument)');
    expect(await same([deactivate(table, stranger)])).toBe('InstructionError(0, IncorrectAuthority)');
    expect(await same([readOnly(deactivate(table, authority), 0)])).toBe('InstructionError(0, ReadonlyDataModified)');
    expect(await same([deactivate(table, authority)])).toBeUndefined();
    for (const ix of [deactivate(table, authority), freeze(table, authority), extend(table, authority, randomAddresses(1), d.payer)]) {
      expect(await same([ix])).toBe('InstructionError(0, InvalidArgument)');
    }
    // Cooling down: deactivated in this slot, then a slot later while its slot is the newest in SlotHashes.
    expect(await same([close(table, authority, recipient.address)])).toBe('InstructionError(0, InvalidArgument)');
    t.warpToSlot(slot + 1n);
    expect(await same([close(table, authority, recipient.address)])).toBe('InstructionError(0, InvalidArgument)');
    t.setSlotHashes([slot + 1n]);
    expect(await same([close(table, authority, table)])).toBe('InstructionError(0, InvalidArgument)');
    expect(await same([readOnly(close(table, authority, recipient.address), 2)])).toBe('InstructionError(0, Custom(11))');
    expect(await same([readOnly(close(table, authority, recipient.address), 0)])).toBe('InstructionError(0, Custom(10))');
    expect(await same([close(table, stranger, recipient.address)])).toBe('InstructionError(0, IncorrectAuthority)');
    expect(await same([alt(4, [meta(table, true), party(authority, false)])])).toBe('InstructionError(0, NotEnoughAccountKeys)');
    expect(await same([close(table, authority, recipient.address)])).toBeUndefined();
  });

  it('closes a table deactivated in a slot SlotHashes does not hold once the clock has moved on', async () => {
    const t = await Tables.create();
    const { d, slot } = t;
    const table = await t.createTable(d.payer.address);
    const same = (instructions: Instruction[]) => t.same(instructions, [table]);
    t.warpToSlot(slot + 1n);
    expect(await same([deactivate(table, d.payer)])).toBeUndefined();
    expect(await same([close(table, d.payer, d.payer.address)])).toBe('InstructionError(0, InvalidArgument)');
    t.warpToSlot(slot + 2n);
    expect(await same([close(table, d.payer, d.payer.address)])).toBeUndefined();
  });

  it('reads stored tables as the program does: padding kept, broken states refused', async () => {
    const t = await Tables.create();
    const [authority] = await signers(1);
    const stored = (edit: (data: Uint8Array) => Uint8Array) =>
      edit(bytes(encodeLookupTableMeta({ ...newLookupTableMeta(authority.address), padding: 0xbeef }), ...randomAddresses(2).map((a) => enc.encode(a))));
    for (const data of [
      stored((d) => d),
      stored((d) => d.fill(0, 0, 4)), // uninitialized
      stored((d) => d.fill(2, 0, 1)), // an unknown state
      stored((d) => d.fill(2, 21, 22)), // an authority neither None nor Some
      stored((d) => bytes(d, 0, 0, 0)), // addresses not in whole slots
      stored((d) => d.subarray(0, 40)), // shorter than the header
    ]) {
      for (const ix of [freeze, deactivate]) {
        const [table] = randomAddresses(1);
        setBoth(t.d, table, { lamports: 10_000_000n, data, owner: ALT });
        await t.same([ix(table, authority)], [table]);
      }
    }
  });

  it('serves v0 transactions with the addresses it was extended with, from the next slot', async () => {
    const t = await Tables.create();
    const { d, slot } = t;
    const recipients = randomAddresses(3);
    const table = await t.createTable(d.payer.address);
    expect(await t.same([extend(table, d.payer, recipients, d.payer)], [table])).toBeUndefined();
    const transfers = recipients.map((r) => systemTransfer(d.payer, r, 1_000_000n));
    expect(await t.same(transfers, recipients, { [table]: recipients })).toBe('InvalidAddressLookupTableIndex');
    t.warpToSlot(slot + 1n);
    expect(await t.same(transfers, recipients, { [table]: recipients })).toBeUndefined();
  });

  it('fails the same way when a C program invokes it', async () => {
    const t = await Tables.create();
    const cpi = await deployBoth(t.d, programElf('cpi'));
    // cpi.c instruction 1 invokes account 0 with the rest of the data and no accounts.
    expect(await t.same([{ programAddress: cpi, accounts: [meta(ALT, false)], data: bytes(1, u32(1)) }])).toBe('InstructionError(0, NotEnoughAccountKeys)');
  });
});

describe('Address Lookup Table program without relax_authority_signer_check_for_lookup_table_creation', () => {
  // LiteSVM's core-BPF program has no such gate, so the builtin's older checks have no oracle.
  it('requires an unallocated table and a signing authority', async () => {
    const t = await Tables.create();
    const { d, slot } = t;
    d.ours.withFeatureSet(toggled(FeatureSet.ids.relaxAuthoritySignerCheckForLookupTableCreation, false)[0]);
    const [authority] = await signers(1);
    const [table, bump] = await derive(authority.address, slot);
    const send = async (instructions: Instruction[]) => {
      const r = d.ours.sendTransaction(await d.transaction(instructions));
      return r instanceof FailedTransactionMetadata ? r.meta().logs() : undefined;
    };
    expect(await send([create(table, authority.address, d.payer, slot, bump)])).toContain('Program log: Authority account must be a signer');
    expect(await send([create(table, authority, d.payer, slot, bump)])).toBeUndefined();
    t.expireBlockhash();
    expect(await send([create(table, authority, d.payer, slot, bump)])).toContain('Program log: Table account must not be allocated');
  });
});

describe('Address Lookup Table program deployed from LiteSVM (the default-program source)', () => {
  it('runs the core-BPF ELF in both: identical logs and compute units too', async () => {
    const d = await Dual.create();
    expect(d.ours.getAccount(ALT)).toMatchObject({ programAddress: 'BPFLoaderUpgradeab1e11111111111111111111111' });
    const slot = d.ours.getClock().slot;
    const [authority] = await signers(1);
    const [table, bump] = await derive(authority.address, slot);
    expect((await d.expectSame([create(table, authority.address, d.payer, slot, bump)], [table])).error).toBeUndefined();
    expect((await d.expectSame([extend(table, authority, randomAddresses(3), d.payer)], [table, d.payer.address])).error).toBeUndefined();
    expect((await d.expectSame([extend(table, authority, [])], [table])).error).toMatch(/^InstructionError/);
    expect((await d.expectSame([freeze(table, authority)], [table])).error).toBeUndefined();
  });
});
