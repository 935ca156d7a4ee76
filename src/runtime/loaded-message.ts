/**
 * A sanitized message with its account keys resolved (static keys, then the lookup tables'
 * writable and read-only addresses) and Agave's writability rules applied
 * (solana-message `SanitizedMessage::is_writable`, reserved-account-keys, address-lookup-table state).
 */
import { ADDRESS_LOOKUP_TABLE_PROGRAM, BPF_LOADER_UPGRADEABLE, SYSVAR } from './ids.js';
import type { Account } from './accounts.js';
import { encodeAddress } from './accounts.js';
import { TransactionFailure, txError } from './errors.js';
import type { Message } from './message.js';

/** Keys that can never be write-locked (reserved-account-keys with every gate active). */
export const RESERVED_KEYS = new Set<string>([
  ...Object.values(SYSVAR),
  'SysvarRewards111111111111111111111111111111',
  'Sysvar1111111111111111111111111111111111111',
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  'BPFLoader1111111111111111111111111111111111',
  'BPFLoader2111111111111111111111111111111111',
  BPF_LOADER_UPGRADEABLE,
  'LoaderV411111111111111111111111111111111111',
  'ComputeBudget111111111111111111111111111111',
  'Config1111111111111111111111111111111111111',
  'Ed25519SigVerify111111111111111111111111111',
  'Feature111111111111111111111111111111111111',
  'NativeLoader1111111111111111111111111111111',
  'KeccakSecp256k11111111111111111111111111111',
  'Secp256r1SigVerify1111111111111111111111111',
  'Stake11111111111111111111111111111111111111',
  '11111111111111111111111111111111',
  'Vote111111111111111111111111111111111111111',
  'ZkE1Gama1Proof11111111111111111111111111111',
  'ZkTokenProof1111111111111111111111111111111',
]);

/** What a lookup needs from the chain. */
export interface LookupEnvironment {
  getAccount(address: string): Account | undefined;
  currentSlot: bigint;
  /** Slots present in the SlotHashes sysvar (a deactivating table stays usable while its slot is). */
  recentSlots: ReadonlySet<bigint>;
}

const LOOKUP_TABLE_META_SIZE = 56;

function lookupAddresses(env: LookupEnvironment, tableKey: string, indexes: Uint8Array): string[] {
  const table = env.getAccount(tableKey);
  if (!table) throw new TransactionFailure(txError('AddressLookupTableNotFound'));
  if (table.owner !== ADDRESS_LOOKUP_TABLE_PROGRAM) throw new TransactionFailure(txError('InvalidAddressLookupTableOwner'));
  const d = table.data;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (d.length < LOOKUP_TABLE_META_SIZE || view.getUint32(0, true) !== 1 || (d.length - LOOKUP_TABLE_META_SIZE) % 32 !== 0) {
    throw new TransactionFailure(txError('InvalidAddressLookupTableData'));
  }
  const deactivationSlot = view.getBigUint64(4, true);
  const lastExtendedSlot = view.getBigUint64(12, true);
  const lastExtendedStart = d[20];
  const active =
    deactivationSlot === 0xffff_ffff_ffff_ffffn || deactivationSlot === env.currentSlot || env.recentSlots.has(deactivationSlot);
  if (!active) throw new TransactionFailure(txError('AddressLookupTableNotFound'));
  const total = (d.length - LOOKUP_TABLE_META_SIZE) / 32;
  const usable = env.currentSlot > lastExtendedSlot ? total : lastExtendedStart;
  return [...indexes].map((i) => {
    if (i >= usable) throw new TransactionFailure(txError('InvalidAddressLookupTableIndex'));
    const at = LOOKUP_TABLE_META_SIZE + 32 * i;
    return encodeAddress(d.subarray(at, at + 32));
  });
}

/** A message ready for execution. */
export class LoadedMessage {
  /** Every account key: static, then looked-up writable, then looked-up read-only. */
  readonly keys: string[];
  /** Write lock per key, after demotion of reserved keys and invoked programs. */
  readonly writable: boolean[];
  private readonly invoked: Set<number>;

  constructor(readonly message: Message, env: LookupEnvironment) {
    const loadedWritable: string[] = [];
    const loadedReadonly: string[] = [];
    for (const l of message.lookups) {
      loadedWritable.push(...lookupAddresses(env, l.accountKey, l.writableIndexes));
      loadedReadonly.push(...lookupAddresses(env, l.accountKey, l.readonlyIndexes));
    }
    this.keys = [...message.staticKeys, ...loadedWritable, ...loadedReadonly];
    if (new Set(this.keys).size !== this.keys.length) throw new TransactionFailure(txError('AccountLoadedTwice'));
    this.invoked = new Set(message.instructions.map((ix) => ix.programIdIndex));
    const upgradeableLoaderPresent = this.keys.includes(BPF_LOADER_UPGRADEABLE);
    const nStatic = message.staticKeys.length;
    const m = message;
    this.writable = this.keys.map((key, i) => {
      const byIndex =
        i < nStatic
          ? i < m.numRequiredSignatures - m.numReadonlySigned || (i >= m.numRequiredSignatures && i < nStatic - m.numReadonlyUnsigned)
          : i - nStatic < loadedWritable.length;
      if (!byIndex || RESERVED_KEYS.has(key)) return false;
      return !(this.invoked.has(i) && !upgradeableLoaderPresent);
    });
  }

  /** Whether account `i` signed the transaction. */
  isSigner(i: number): boolean {
    return i < this.message.numRequiredSignatures;
  }

  /** Whether account `i` is the program of some top-level instruction. */
  isInvoked(i: number): boolean {
    return this.invoked.has(i);
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
