/**
 * A sanitized message with its account keys resolved (static keys, then the lookup tables'
 * writable and read-only addresses) and Agave's writability rules applied
 * (solana-message `SanitizedMessage::is_writable`, reserved-account-keys, address-lookup-table state).
 */
import {
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  BPF_LOADER,
  BPF_LOADER_DEPRECATED,
  BPF_LOADER_UPGRADEABLE,
  COMPUTE_BUDGET_PROGRAM,
  CONFIG_PROGRAM,
  ED25519_PROGRAM,
  FEATURE_PROGRAM,
  LOADER_V4,
  NATIVE_LOADER,
  SECP256K1_PROGRAM,
  SECP256R1_PROGRAM,
  STAKE_PROGRAM,
  SYSTEM_PROGRAM,
  SYSVAR,
  SYSVAR_OWNER,
  VOTE_PROGRAM,
  ZK_ELGAMAL_PROOF_PROGRAM,
} from './ids.js';
import { addressBytesIn, decodeAddress, type Account } from './accounts.js';
import { TransactionFailure, txError } from './errors.js';
import { decodeLookupTable, lookupTableAddress, lookupTableStatus } from './lookup-table-state.js';
import type { Message } from './message.js';
import type { SlotHash } from './sysvars.js';

/** Keys that can never be write-locked (reserved-account-keys with every gate active). */
export const RESERVED_KEYS = new Set<string>([
  ...Object.values(SYSVAR),
  'SysvarRewards111111111111111111111111111111',
  SYSVAR_OWNER,
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  BPF_LOADER_DEPRECATED,
  BPF_LOADER,
  BPF_LOADER_UPGRADEABLE,
  LOADER_V4,
  COMPUTE_BUDGET_PROGRAM,
  CONFIG_PROGRAM,
  ED25519_PROGRAM,
  FEATURE_PROGRAM,
  NATIVE_LOADER,
  SECP256K1_PROGRAM,
  SECP256R1_PROGRAM,
  STAKE_PROGRAM,
  SYSTEM_PROGRAM,
  VOTE_PROGRAM,
  ZK_ELGAMAL_PROOF_PROGRAM,
  'ZkTokenProof1111111111111111111111111111111',
]);

/** What a lookup needs from the chain. */
export interface LookupEnvironment {
  getAccount(address: string): Account | undefined;
  currentSlot: bigint;
  /** The SlotHashes sysvar (a deactivating table stays usable while its slot is there). */
  slotHashes: readonly SlotHash[];
}

/** `AddressLookupTable::lookup`: the addresses at `indexes`, usable from the slot after they were added. */
function lookupAddresses(env: LookupEnvironment, tableKey: string, indexes: Uint8Array): string[] {
  const table = env.getAccount(tableKey);
  if (!table) throw new TransactionFailure(txError('AddressLookupTableNotFound'));
  if (table.owner !== ADDRESS_LOOKUP_TABLE_PROGRAM) throw new TransactionFailure(txError('InvalidAddressLookupTableOwner'));
  const decoded = decodeLookupTable(table.data);
  if ('error' in decoded) throw new TransactionFailure(txError('InvalidAddressLookupTableData'));
  const { meta, addressCount } = decoded;
  if (lookupTableStatus(meta.deactivationSlot, env.currentSlot, env.slotHashes).kind === 'Deactivated') {
    throw new TransactionFailure(txError('AddressLookupTableNotFound'));
  }
  const usable = env.currentSlot > meta.lastExtendedSlot ? addressCount : Math.min(meta.lastExtendedSlotStartIndex, addressCount);
  return [...indexes].map((i) => {
    if (i >= usable) throw new TransactionFailure(txError('InvalidAddressLookupTableIndex'));
    return lookupTableAddress(table.data, i);
  });
}

/** Up to this many keys are compared pairwise (no set made per transaction). */
const PAIRWISE_KEYS = 24;

/** Whether some key appears twice. */
function hasDuplicate(keys: readonly string[]): boolean {
  if (keys.length > PAIRWISE_KEYS) return new Set(keys).size !== keys.length;
  for (let i = 1; i < keys.length; i++) for (let j = 0; j < i; j++) if (keys[i] === keys[j]) return true;
  return false;
}

/** A message ready for execution. */
export class LoadedMessage {
  /** Every account key: static, then looked-up writable, then looked-up read-only. */
  readonly keys: string[];
  /** Write lock per key, after demotion of reserved keys and invoked programs. */
  readonly writable: boolean[];
  /** Every key's bytes, once one was asked for (see {@link keyBytes}). */
  private bytesOfKeys: Uint8Array[] | undefined;
  /** Per key: 1 when it is the program of some top-level instruction. */
  private readonly invoked: Uint8Array;

  // Plain loops, not spreads and callbacks: this runs once per transaction, mostly before V8 has optimised it.
  constructor(
    readonly message: Message,
    env: LookupEnvironment,
  ) {
    const loadedWritable: string[] = [];
    const loadedReadonly: string[] = [];
    for (const l of message.lookups) {
      loadedWritable.push(...lookupAddresses(env, l.accountKey, l.writableIndexes));
      loadedReadonly.push(...lookupAddresses(env, l.accountKey, l.readonlyIndexes));
    }
    const keys = message.lookups.length === 0 ? message.staticKeys.slice() : [...message.staticKeys, ...loadedWritable, ...loadedReadonly];
    this.keys = keys;
    if (hasDuplicate(keys)) throw new TransactionFailure(txError('AccountLoadedTwice'));
    const invoked = new Uint8Array(keys.length);
    for (let i = 0; i < message.instructions.length; i++) invoked[message.instructions[i].programIdIndex] = 1;
    this.invoked = invoked;
    const upgradeableLoaderPresent = keys.includes(BPF_LOADER_UPGRADEABLE);
    const nStatic = message.staticKeys.length;
    const m = message;
    const writable = new Array<boolean>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const byIndex =
        i < nStatic
          ? i < m.numRequiredSignatures - m.numReadonlySigned || (i >= m.numRequiredSignatures && i < nStatic - m.numReadonlyUnsigned)
          : i - nStatic < loadedWritable.length;
      writable[i] = byIndex && !RESERVED_KEYS.has(keys[i]) && !(invoked[i] === 1 && !upgradeableLoaderPresent);
    }
    this.writable = writable;
  }

  /**
   * The 32 bytes of key `i` (shared: never mutate them). Every key's are looked up together on
   * first use and kept, so the signature checks, the Instructions sysvar and the transaction
   * context ({@link keyBytesOf}) look none up twice.
   */
  keyBytes(i: number): Uint8Array {
    return (this.bytesOfKeys ??= this.lookUpKeyBytes(this.keys))[i];
  }

  /**
   * The bytes of `keys`: this message's keys, then any others (a loaded transaction's programs'
   * loaders). The kept array itself when nothing follows the message's keys; when none were
   * looked up yet, they are looked up straight into the array returned.
   */
  keyBytesOf(keys: readonly string[]): readonly Uint8Array[] {
    const known = this.bytesOfKeys;
    if (known === undefined) return this.lookUpKeyBytes(keys);
    if (keys.length === known.length) return known;
    const bytes = new Array<Uint8Array>(keys.length);
    for (let i = 0; i < keys.length; i++) bytes[i] = i < known.length ? known[i] : decodeAddress(keys[i]);
    return bytes;
  }

  /**
   * The bytes of `keys` (the message's, then any others): the address memo's when it knows them,
   * else a static key's from the message (its text was not remembered for decoding).
   */
  private lookUpKeyBytes(keys: readonly string[]): Uint8Array[] {
    const m = this.message;
    const bytes = new Array<Uint8Array>(keys.length);
    for (let i = 0; i < keys.length; i++) bytes[i] = i < m.staticKeys.length ? addressBytesIn(keys[i], m.staticKeyBytes, 32 * i) : decodeAddress(keys[i]);
    return bytes;
  }

  /** Whether account `i` signed the transaction. */
  isSigner(i: number): boolean {
    return i < this.message.numRequiredSignatures;
  }

  /** Whether account `i` is the program of some top-level instruction. */
  isInvoked(i: number): boolean {
    return this.invoked[i] === 1;
  }

  /** Whether account `i` is passed to some top-level instruction as an account. */
  isInstructionAccount(i: number): boolean {
    return this.message.instructions.some((ix) => ix.accounts.includes(i));
  }

  /** `validate_account_locks`: too many keys → TooManyAccountLocks. */
  checkLockLimit(limit: number): void {
    if (this.keys.length > limit) throw new TransactionFailure(txError('TooManyAccountLocks'));
  }
}
