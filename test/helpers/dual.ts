/**
 * Runs the same signed transactions in websvm and in LiteSVM (the Agave oracle) and reports both
 * sides, so tests can require identical results, logs, compute units, texts and accounts.
 */
import {
  AccountRole,
  appendTransactionMessageInstructions,
  compressTransactionMessageUsingAddressLookupTables,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressDecoder,
  getCompiledTransactionMessageDecoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
  type Address,
  type AddressesByLookupTableAddress,
  type Instruction,
  type KeyPairSigner,
  type Transaction,
  type TransactionMessage,
} from '@solana/kit';
import { expect } from 'vitest';
import { FailedTransactionMetadata, FeatureSet as OracleFeatures, LiteSVM } from 'litesvm';
import bs58 from 'bs58';
import { bytes, SYSTEM_PROGRAM, u32, u64 } from './encoding.js';
import {
  FeatureSet,
  SVM,
  FailedTransactionMetadata as OurFailed,
  describeError,
  InstructionErrorFieldless,
  TransactionErrorFieldless,
} from '../../src/index.js';

/** One side's view of a processed transaction: everything LiteSVM reports of it. */
export interface Observed {
  error: string | undefined;
  logs: string[];
  computeUnits: bigint;
  returnData: { programId: string; data: number[] };
  /** `String()` of each inner instruction, per top-level instruction. */
  innerInstructions: string[][];
  prettyLogs: string;
  /** `String()` of the result, of its metadata and, for a failure, of `err()`. */
  text: { result: string; meta: string; err?: string };
  /** Every account the transaction names (lookup-table entries too), afterwards. */
  accounts: Record<string, AccountView | null>;
}

/** An account as the tests compare it. */
type AccountView = { lamports: bigint; owner: string; executable: boolean; space: bigint; data: string };
const view = (a: ReturnType<SVM['getAccount']>): AccountView | null =>
  a.exists ? { lamports: a.lamports, owner: a.programAddress, executable: a.executable, space: a.space, data: Buffer.from(a.data).toString('hex') } : null;

/** Bytes before the addresses of an address lookup table. */
const LOOKUP_TABLE_META_SIZE = 56;

/** The result methods both sides share. */
interface Meta {
  logs(): string[];
  computeUnitsConsumed(): bigint;
  returnData(): { programId(): Uint8Array; data(): Uint8Array };
  innerInstructions(): { toString(): string }[][];
  prettyLogs(): string;
}

/**
 * What `result` (its metadata `meta`) reports, with `error` in our `describeError` notation, and
 * `accounts` as the runtime now holds them.
 */
function observe(result: object, meta: Meta, error: string | undefined, err: (() => unknown) | undefined, accounts: Observed['accounts']): Observed {
  const returnData = meta.returnData();
  return {
    error,
    logs: meta.logs(),
    computeUnits: meta.computeUnitsConsumed(),
    returnData: { programId: Buffer.from(returnData.programId()).toString('hex'), data: [...returnData.data()] },
    innerInstructions: meta.innerInstructions().map((list) => list.map(String)),
    prettyLogs: meta.prettyLogs(),
    text: { result: String(result), meta: String(meta), ...(err ? { err: String(err()) } : {}) },
    accounts,
  };
}

/** A v1 message, as kit builds it. */
export type V1Message = Extract<TransactionMessage, { version: 1 }>;

/** An account meta: read-only/writable, signer or not. */
export const meta = (address: Address, writable: boolean, signer?: KeyPairSigner) =>
  signer
    ? { address, role: writable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER, signer }
    : { address, role: writable ? AccountRole.WRITABLE : AccountRole.READONLY };

export class Dual {
  ours = new SVM();
  theirs = new LiteSVM();
  payer!: KeyPairSigner;

  /** Replaces each side with what `ours` and `theirs` make of it (e.g. its state saved and loaded again). */
  reload(ours: (svm: SVM) => SVM, theirs: (svm: LiteSVM) => LiteSVM): void {
    this.ours = ours(this.ours);
    this.theirs = theirs(this.theirs);
  }

  static async create(lamportsEach = 100_000_000_000n): Promise<Dual> {
    const d = new Dual();
    d.payer = await generateKeyPairSigner();
    d.ours.airdrop(d.payer.address, lamportsEach);
    d.theirs.airdrop(d.payer.address, lamports(lamportsEach));
    return d;
  }

  /** A signed transaction with the payer as fee payer, taking what accounts it can from `lookupTables`. */
  async transaction(instructions: Instruction[], lookupTables: AddressesByLookupTableAddress = {}): Promise<Transaction> {
    return pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(this.payer, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
      (m) => compressTransactionMessageUsingAddressLookupTables(m, lookupTables),
      (m) => this.theirs.setTransactionMessageLifetimeUsingLatestBlockhash(m),
      (m) => signTransactionMessageWithSigners(m),
    );
  }

  /** A signed v1 transaction (SIMD-0385) with the payer as fee payer, `configure` setting its config. */
  async v1Transaction(instructions: Instruction[], configure: (m: V1Message) => V1Message = (m) => m): Promise<Transaction> {
    return pipe(
      createTransactionMessage({ version: 1 }),
      (m) => setTransactionMessageFeePayerSigner(this.payer, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
      (m) => configure(m) as typeof m,
      (m) => this.theirs.setTransactionMessageLifetimeUsingLatestBlockhash(m),
      (m) => signTransactionMessageWithSigners(m),
    );
  }

  /** Sends `tx` to both and returns what each observed. */
  send(tx: Transaction): { ours: Observed; theirs: Observed } {
    const named = this.namedAccounts(tx);
    const accounts = (svm: { getAccount(a: Address): unknown }) =>
      Object.fromEntries(named.map((a) => [a, view(svm.getAccount(a) as ReturnType<SVM['getAccount']>)]));
    return observeBoth(this.ours.sendTransaction(tx), this.theirs.sendTransaction(tx), accounts(this.ours), accounts(this.theirs));
  }

  /** The message's account keys, with the entries it takes from lookup tables (as LiteSVM holds the tables now). */
  private namedAccounts(tx: Transaction): Address[] {
    const message = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
    const named = [...message.staticAccounts];
    for (const lookup of 'addressTableLookups' in message ? (message.addressTableLookups ?? []) : []) {
      named.push(lookup.lookupTableAddress);
      const table = this.theirs.getAccount(lookup.lookupTableAddress);
      if (!table.exists) continue;
      const entries = table.data.subarray(LOOKUP_TABLE_META_SIZE);
      for (const i of [...lookup.writableIndexes, ...lookup.readonlyIndexes]) {
        if (32 * i + 32 <= entries.length) named.push(getAddressDecoder().decode(entries.subarray(32 * i, 32 * i + 32)));
      }
    }
    return [...new Set(named)];
  }

  /**
   * Sends `instructions` to both and requires identical observations (every account the
   * transaction names included) and identical extra `accounts` afterwards. Returns ours.
   */
  async expectSame(instructions: Instruction[], accounts: readonly Address[] = []): Promise<Observed> {
    const r = this.send(await this.transaction(instructions));
    expect(r.ours).toEqual(r.theirs);
    this.expectSameAccounts(accounts);
    return r.ours;
  }

  /** Requires both sides to hold the same `accounts`. */
  expectSameAccounts(accounts: Iterable<Address>): void {
    for (const a of new Set(accounts)) expect(this.account(a).ours, a).toEqual(this.account(a).theirs);
  }

  /** Both sides' view of an account (lamports, owner, executable, size, data). */
  account(address: Address) {
    return { ours: view(this.ours.getAccount(address)), theirs: view(this.theirs.getAccount(address) as ReturnType<SVM['getAccount']>) };
  }
}

/**
 * What each side observed of the same transaction: error, logs, compute units, return data, inner
 * instructions, pretty logs, String() forms, and the given accounts afterwards (none by default).
 */
export function observeBoth(
  o: ReturnType<SVM['sendTransaction']>,
  t: ReturnType<LiteSVM['sendTransaction']>,
  ourAccounts: Observed['accounts'] = {},
  theirAccounts: Observed['accounts'] = {},
): { ours: Observed; theirs: Observed } {
  return {
    ours:
      o instanceof OurFailed
        ? observe(o, o.meta(), describeError(o.outcome.error!), () => o.err(), ourAccounts)
        : observe(o, o, undefined, undefined, ourAccounts),
    theirs:
      t instanceof FailedTransactionMetadata
        ? observe(t, t.meta(), theirError(t), () => t.err(), theirAccounts)
        : observe(t, t, undefined, undefined, theirAccounts),
  };
}

/** LiteSVM's error in our `describeError` notation. */
function theirError(t: FailedTransactionMetadata): string {
  const e = t.err() as unknown;
  const names = TRANSACTION_ERRORS;
  if (typeof e === 'number') return names[e];
  const obj = e as { index?: number; accountIndex?: number; err?: () => unknown; toString(): string };
  if (obj.err) {
    const inner = obj.err() as unknown;
    const text = typeof inner === 'number' ? INSTRUCTION_ERRORS[inner] : `Custom(${(inner as { code: number }).code})`;
    return `InstructionError(${obj.index}, ${text})`;
  }
  if (obj.accountIndex !== undefined) return `InsufficientFundsForRent { account_index: ${obj.accountIndex} }`;
  return `DuplicateInstruction(${obj.index})`;
}

const TRANSACTION_ERRORS = TransactionErrorFieldless as unknown as Record<number, string>;
const INSTRUCTION_ERRORS = InstructionErrorFieldless as unknown as Record<number, string>;

/** Puts the same account into both runtimes. */
export function setBoth(d: Dual, address: Address, account: { lamports: bigint; data?: Uint8Array; owner: Address; executable?: boolean }): void {
  const data = account.data ?? new Uint8Array(0);
  const encoded = {
    address,
    lamports: lamports(account.lamports),
    data,
    programAddress: account.owner,
    executable: account.executable ?? false,
    space: BigInt(data.length),
  };
  d.ours.setAccount(encoded);
  d.theirs.setAccount(encoded);
}

/** Deploys the same ELF in both under a fresh address. */
export async function deployBoth(d: Dual, elf: Uint8Array): Promise<Address> {
  const id = (await generateKeyPairSigner()).address;
  d.ours.addProgram(id, elf);
  d.theirs.addProgram(id, elf);
  return id;
}

/** A System transfer signed by `from`. */
export function systemTransfer(from: KeyPairSigner, to: Address, lamports: bigint): Instruction {
  const data = new Uint8Array(12);
  new DataView(data.buffer).setUint32(0, 2, true);
  new DataView(data.buffer).setBigUint64(4, lamports, true);
  return { programAddress: SYSTEM_PROGRAM, accounts: [meta(from.address, true, from), meta(to, true)], data };
}

/** System CreateAccount: `payer` funds `account` (both sign) with `lamports`, `space` bytes, owned by `owner`. */
export function systemCreateAccount(payer: KeyPairSigner, account: KeyPairSigner, lamports: bigint, space: bigint, owner: Address): Instruction {
  return {
    programAddress: SYSTEM_PROGRAM,
    accounts: [meta(payer.address, true, payer), meta(account.address, true, account)],
    data: bytes(u32(0), u64(lamports), u64(space), bs58.decode(owner)),
  };
}

/** LiteSVM's and our mainnet sets with `id` switched. */
export function toggled(id: string, on: boolean): [FeatureSet, OracleFeatures] {
  const ours = FeatureSet.mainnet();
  const theirs = new OracleFeatures();
  for (const [k, slot] of ours.inner.entries()) theirs.activate(bs58.decode(k), slot);
  if (on) {
    ours.activate(id, 0n);
    theirs.activate(bs58.decode(id), 0n);
  } else {
    ours.deactivate(id);
    theirs.deactivate(bs58.decode(id));
  }
  return [ours, theirs];
}
