/**
 * The Address Lookup Table program: create, freeze, extend, deactivate and close lookup tables
 * (account layout in lookup-table-state.ts). Agave's builtin (`programs/address-lookup-table/src/
 * processor.rs`) has been replaced by the core-BPF program of solana-program/address-lookup-table
 * (SIMD-0128), which validators and LiteSVM run. Where the two differ this follows the core-BPF
 * program, so results, errors, account states and program logs are LiteSVM's:
 * - messages are `msg!` lines (`Program log: …`): first `Instruction: <name>`, then the checks'
 *   explanations (also for the owner and authority mismatches the builtin left unexplained), and
 *   an error the program returns itself as `Error: <name>` (a custom error by its text);
 * - accounts are taken in order, so a missing one is NotEnoughAccountKeys where it is first needed
 *   (the System program account only after CreateLookupTable's rent transfer, for instance);
 * - a read-only table or recipient is refused before any write with custom error 10 or 11.
 * Compute units are the builtin's: DEFAULT_COMPUTE_UNITS (750) per instruction, plus 150 for each
 * System instruction it invokes. LiteSVM's sBPF program meters its own instructions, so its units
 * and its `consumed` log line necessarily differ.
 * With `relax_authority_signer_check_for_lookup_table_creation` inactive, CreateLookupTable makes
 * the builtin's older checks: the table must be unallocated and the authority must sign.
 */
import { decodeAddress, encodeAddress } from '../accounts.js';
import { nativeInvokeSigned } from '../cpi.js';
import { fail, InstructionFailure, type InstructionErrorName } from '../errors.js';
import { FEATURES } from '../features.js';
import { ADDRESS_LOOKUP_TABLE_PROGRAM } from '../ids.js';
import type { Builtin, InvokeContext } from '../invoke-context.js';
import {
  decodeLookupTable,
  encodeLookupTableMeta,
  LOOKUP_TABLE_MAX_ADDRESSES,
  LOOKUP_TABLE_META_SIZE,
  lookupTableStatus,
  newLookupTableMeta,
  NOT_DEACTIVATED,
  type LookupTableMeta,
} from '../lookup-table-state.js';
import { createProgramAddress } from '../../syscalls/pda.js';
import { BincodeReader, LIMITED_DESERIALIZE_BYTES } from './bincode.js';
import { encode, u64 } from '../codec.js';
import { allocateInstruction, assignInstruction, transferInstruction } from './system.js';

/** The builtin's `DEFAULT_COMPUTE_UNITS`. */
const DEFAULT_COMPUTE_UNITS = 750;
/** Longest ExtendLookupTable list that fits in what `limited_deserialize` reads (checked before reading it). */
const MAX_NEW_KEYS_VECTOR_LEN = Math.floor((LIMITED_DESERIALIZE_BYTES - 4 - 8) / 32);
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const PROGRAM_ID = decodeAddress(ADDRESS_LOOKUP_TABLE_PROGRAM);

/** `AddressLookupTableError`: the custom errors the core-BPF program returns, with their text. */
const CUSTOM_ERRORS = {
  invalidSeeds: { code: 1, text: 'Provided seeds do not result in a valid address' },
  readonlyDataModified: { code: 10, text: 'Instruction modified data of a read-only account' },
  readonlyLamportsChanged: { code: 11, text: 'Instruction changed the balance of a read-only account' },
} as const;

/** `AddressLookupTableInstruction`. */
type LookupTableInstruction =
  | { name: 'CreateLookupTable'; recentSlot: bigint; bumpSeed: number }
  | { name: 'FreezeLookupTable' | 'DeactivateLookupTable' | 'CloseLookupTable' }
  | { name: 'ExtendLookupTable'; newAddresses: Uint8Array[] };

/**
 * `safe_deserialize_instruction` (InvalidInstructionData on failure): a u32 tag and its fields;
 * an ExtendLookupTable list longer than could fit is refused before it is read.
 */
function decodeInstruction(data: Uint8Array): LookupTableInstruction {
  const r = new BincodeReader(data.subarray(0, LIMITED_DESERIALIZE_BYTES));
  switch (r.u32()) {
    case 0:
      return { name: 'CreateLookupTable', recentSlot: r.u64(), bumpSeed: r.bytes(1)[0] };
    case 1:
      return { name: 'FreezeLookupTable' };
    case 2: {
      const count = r.u64();
      if (count > BigInt(MAX_NEW_KEYS_VECTOR_LEN)) fail('InvalidInstructionData');
      return { name: 'ExtendLookupTable', newAddresses: Array.from({ length: Number(count) }, () => r.bytes(32)) };
    }
    case 3:
      return { name: 'DeactivateLookupTable' };
    case 4:
      return { name: 'CloseLookupTable' };
    default:
      return fail('InvalidInstructionData');
  }
}

/** One instruction being processed. */
class Processor {
  constructor(private readonly ic: InvokeContext) {}

  private get tx() {
    return this.ic.tx;
  }

  private get frame() {
    return this.tx.current();
  }

  /** `msg!`. */
  msg(text: string): void {
    this.ic.log(`Program log: ${text}`);
  }

  /** Returns `error` from the program; its entrypoint logs the error first. */
  reject(error: InstructionErrorName): never {
    this.msg(`Error: ${error}`);
    fail(error);
  }

  private rejectCustom(error: (typeof CUSTOM_ERRORS)[keyof typeof CUSTOM_ERRORS]): never {
    this.msg(error.text);
    throw new InstructionFailure({ kind: 'Custom', code: error.code });
  }

  /** `next_account_info` up to instruction account `i`: its key. */
  private key(i: number): string {
    if (this.frame.accounts.length <= i) this.reject('NotEnoughAccountKeys');
    return this.tx.keys[this.frame.accounts[i].txIndex];
  }

  private isSigner(i: number): boolean {
    return this.frame.accounts[i].isSigner;
  }

  private isWritable(i: number): boolean {
    return this.frame.accounts[i].isWritable;
  }

  private requireSigner(i: number, what: 'Authority' | 'Payer'): void {
    if (this.isSigner(i)) return;
    this.msg(`${what} account must be a signer`);
    this.reject('MissingRequiredSignature');
  }

  /** The table (account 0, owned by the program) and the authority's key (account 1, a signer). */
  private ownedTableAndSigner(): string {
    this.key(0);
    if (this.tx.account(0).owner !== ADDRESS_LOOKUP_TABLE_PROGRAM) {
      this.msg('Lookup table owner should be the Address Lookup Table program');
      this.reject('InvalidAccountOwner');
    }
    const authority = this.key(1);
    this.requireSigner(1, 'Authority');
    return authority;
  }

  /** The table's state, once it is known to be still mutable by `authority`. */
  private authorize(authority: string, frozenMessage: string): { meta: LookupTableMeta; addressCount: number } {
    const table = decodeLookupTable(this.tx.account(0).data);
    if ('error' in table) this.reject(table.error);
    if (table.meta.authority === undefined) {
      this.msg(frozenMessage);
      this.reject('Immutable');
    }
    if (table.meta.authority !== authority) {
      this.msg('Incorrect lookup table authority');
      this.reject('IncorrectAuthority');
    }
    return table;
  }

  /** Rent-exempt minimum (at least 1 lamport) still missing from the table at `dataLength`. */
  private rentShortfall(dataLength: number): bigint {
    const min = this.ic.env.minimumBalance(dataLength);
    const required = (min > 1n ? min : 1n) - this.tx.account(0).lamports;
    return required > 0n ? required : 0n;
  }

  create(recentSlot: bigint, bumpSeed: number): void {
    const relaxed = this.ic.env.features.isActive(FEATURES.relaxAuthoritySignerCheckForLookupTableCreation);
    const tableKey = this.key(0);
    if (!relaxed && this.tx.account(0).data.length > 0) {
      this.msg('Table account must not be allocated');
      this.reject('AccountAlreadyInitialized');
    }
    const authority = this.key(1);
    if (!relaxed) this.requireSigner(1, 'Authority');
    const payer = this.key(2);
    this.requireSigner(2, 'Payer');
    if (!this.ic.env.slotHashes.some((h) => h.slot === recentSlot)) {
      this.msg(`${recentSlot} is not a recent slot`);
      this.reject('InvalidInstructionData');
    }
    const seeds = [decodeAddress(authority), encode(u64, recentSlot), Uint8Array.of(bumpSeed)];
    const derived = createProgramAddress(seeds, PROGRAM_ID);
    if (!derived) this.rejectCustom(CUSTOM_ERRORS.invalidSeeds);
    if (encodeAddress(derived) !== tableKey) {
      this.msg(`Table address must match derived address: ${encodeAddress(derived)}`);
      this.reject('InvalidArgument');
    }
    // A table created earlier at this address (its slot still recent) is left as it is.
    if (relaxed && this.tx.account(0).owner === ADDRESS_LOOKUP_TABLE_PROGRAM) return;
    const required = this.rentShortfall(LOOKUP_TABLE_META_SIZE);
    if (required > 0n) nativeInvokeSigned(this.ic, transferInstruction(payer, tableKey, required), []);
    this.key(3); // the System program, which the invocations need among the accounts
    nativeInvokeSigned(this.ic, allocateInstruction(tableKey, BigInt(LOOKUP_TABLE_META_SIZE)), [seeds]);
    nativeInvokeSigned(this.ic, assignInstruction(tableKey, ADDRESS_LOOKUP_TABLE_PROGRAM), [seeds]);
    this.tx.dataMut(0).set(encodeLookupTableMeta(newLookupTableMeta(authority)));
  }

  freeze(): void {
    const { meta, addressCount } = this.authorize(this.ownedTableAndSigner(), 'Lookup table is already frozen');
    if (meta.deactivationSlot !== NOT_DEACTIVATED) {
      this.msg('Deactivated tables cannot be frozen');
      this.reject('InvalidArgument');
    }
    if (addressCount === 0) {
      this.msg('Empty lookup tables cannot be frozen');
      this.reject('InvalidInstructionData');
    }
    this.tx.dataMut(0).set(encodeLookupTableMeta({ ...meta, authority: undefined }));
  }

  extend(newAddresses: Uint8Array[]): void {
    const { meta, addressCount } = this.authorize(this.ownedTableAndSigner(), 'Lookup table is frozen');
    if (meta.deactivationSlot !== NOT_DEACTIVATED) {
      this.msg('Deactivated tables cannot be extended');
      this.reject('InvalidArgument');
    }
    if (addressCount >= LOOKUP_TABLE_MAX_ADDRESSES) {
      this.msg('Lookup table is full and cannot contain more addresses');
      this.reject('InvalidArgument');
    }
    if (newAddresses.length === 0) {
      this.msg('Must extend with at least one address');
      this.reject('InvalidInstructionData');
    }
    const newCount = addressCount + newAddresses.length;
    if (newCount > LOOKUP_TABLE_MAX_ADDRESSES) {
      this.msg(`Extended lookup table length ${newCount} would exceed max capacity of ${LOOKUP_TABLE_MAX_ADDRESSES}`);
      this.reject('InvalidInstructionData');
    }
    const slot = this.ic.env.clock.slot;
    const next = slot === meta.lastExtendedSlot ? meta : { ...meta, lastExtendedSlot: slot, lastExtendedSlotStartIndex: addressCount };
    if (!this.isWritable(0)) this.rejectCustom(CUSTOM_ERRORS.readonlyDataModified);
    const newLength = LOOKUP_TABLE_META_SIZE + 32 * newCount;
    const data = new Uint8Array(newLength);
    data.set(this.tx.account(0).data);
    data.set(encodeLookupTableMeta(next));
    newAddresses.forEach((a, i) => data.set(a, LOOKUP_TABLE_META_SIZE + 32 * (addressCount + i)));
    this.tx.setData(0, data);
    const required = this.rentShortfall(newLength);
    if (required === 0n) return;
    const payer = this.key(2);
    this.requireSigner(2, 'Payer');
    this.key(3); // the System program
    nativeInvokeSigned(this.ic, transferInstruction(payer, this.key(0), required), []);
  }

  deactivate(): void {
    const { meta } = this.authorize(this.ownedTableAndSigner(), 'Lookup table is frozen');
    if (meta.deactivationSlot !== NOT_DEACTIVATED) {
      this.msg('Lookup table is already deactivated');
      this.reject('InvalidArgument');
    }
    this.tx.dataMut(0).set(encodeLookupTableMeta({ ...meta, deactivationSlot: this.ic.env.clock.slot }));
  }

  close(): void {
    const authority = this.ownedTableAndSigner();
    if (this.key(2) === this.key(0)) {
      this.msg('Lookup table cannot be the recipient of reclaimed lamports');
      this.reject('InvalidArgument');
    }
    const { meta } = this.authorize(authority, 'Lookup table is frozen');
    const status = lookupTableStatus(meta.deactivationSlot, this.ic.env.clock.slot, this.ic.env.slotHashes);
    if (status.kind === 'Activated') {
      this.msg('Lookup table is not deactivated');
      this.reject('InvalidArgument');
    }
    if (status.kind === 'Deactivating') {
      this.msg(`Table cannot be closed until it's fully deactivated in ${status.remainingBlocks} blocks`);
      this.reject('InvalidArgument');
    }
    const lamports = this.tx.account(0).lamports + this.tx.account(2).lamports;
    if (lamports > U64_MAX) this.reject('ArithmeticOverflow');
    if (!this.isWritable(2)) this.rejectCustom(CUSTOM_ERRORS.readonlyLamportsChanged);
    this.tx.setLamports(2, lamports);
    if (!this.isWritable(0)) this.rejectCustom(CUSTOM_ERRORS.readonlyDataModified);
    // Closed tables keep their owner.
    this.tx.setDataLength(0, 0);
    this.tx.setLamports(0, 0n);
  }
}

class AddressLookupTableProgram implements Builtin {
  readonly name = 'address_lookup_table_program';

  process(ic: InvokeContext): void {
    ic.consumeChecked(DEFAULT_COMPUTE_UNITS);
    const p = new Processor(ic);
    let ix: LookupTableInstruction;
    try {
      ix = decodeInstruction(ic.tx.current().data);
    } catch (e) {
      if (e instanceof InstructionFailure) p.reject('InvalidInstructionData');
      throw e;
    }
    p.msg(`Instruction: ${ix.name}`);
    switch (ix.name) {
      case 'CreateLookupTable':
        return p.create(ix.recentSlot, ix.bumpSeed);
      case 'FreezeLookupTable':
        return p.freeze();
      case 'ExtendLookupTable':
        return p.extend(ix.newAddresses);
      case 'DeactivateLookupTable':
        return p.deactivate();
      case 'CloseLookupTable':
        return p.close();
    }
  }
}

/** The Address Lookup Table program as a builtin. */
export const addressLookupTableProgram: Builtin = new AddressLookupTableProgram();
