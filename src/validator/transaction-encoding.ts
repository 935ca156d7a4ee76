/**
 * Processed transactions as Agave's RPC writes them (`EncodedTransactionWithStatusMeta`): the
 * transaction as json, jsonParsed (account keys with their roles; instructions parsed where Agave
 * has a parser, else partially decoded: json-parsed/instruction.ts), base58 or base64, or only its accounts
 * (`transactionDetails: "accounts"`), with its status meta; and the refusal of versions a client
 * does not accept.
 */
import bs58 from 'bs58';
import { BPF_LOADER_UPGRADEABLE } from '../runtime/ids.js';
import type { WireTransaction } from '../runtime/message.js';
import type { InnerInstruction, TransactionOutcome } from '../runtime/runtime.js';
import { bytesToBase64 } from '../platform.js';
import { returnDataJson, statusJson, transactionErrorJson } from './encodings.js';
import { instructionJson } from './json-parsed/instruction.js';
import { RpcError, SERVER_ERROR } from './json-rpc.js';
import type { TransactionRecord } from './ledger.js';

/** `UiTransactionEncoding` as a processed transaction may be asked for. */
export const TRANSACTION_ENCODINGS = ['binary', 'base64', 'base58', 'json', 'jsonParsed'] as const;
export type TransactionEncoding = (typeof TRANSACTION_ENCODINGS)[number];

/** A compiled instruction as `UiCompiledInstruction`. */
export const compiledJson = (ix: { programIdIndex: number; accounts: Uint8Array; data: Uint8Array }, stackHeight: number | null) => ({
  programIdIndex: ix.programIdIndex,
  accounts: [...ix.accounts],
  data: bs58.encode(ix.data),
  stackHeight,
});

/** `UiInnerInstructions` for the top-level instructions that made CPIs. */
export function innerInstructionsJson(inner: InnerInstruction[][], keys?: readonly string[]) {
  return inner.flatMap((list, index) =>
    list.length === 0 ? [] : [{ index, instructions: list.map((i) => (keys ? instructionJson(keys, i, i.stackHeight) : compiledJson(i, i.stackHeight))) }],
  );
}

/** Return data as RPC shows it: none when the transaction left it empty. */
export const returnData = (o: TransactionOutcome) => (o.returnData.data.length === 0 ? null : returnDataJson(o.returnData));

/**
 * Refuses a v0 transaction to a client that named no `maxSupportedTransactionVersion`, or one
 * that is newer than the version it named (Agave's -32015).
 */
export function checkVersion(version: WireTransaction['message']['version'], max: number | undefined): void {
  if (version === 'legacy' || (max !== undefined && version <= max)) return;
  throw new RpcError(
    SERVER_ERROR.UNSUPPORTED_TRANSACTION_VERSION,
    max === undefined
      ? `Transaction version (${version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${version}`
      : `Transaction version (${version}) is not supported by the requesting client.`,
  );
}

/** Every key of a recorded transaction: static, then those its lookups loaded. */
const allKeys = (r: TransactionRecord) => [...r.tx.message.staticKeys, ...r.loadedAddresses.writable, ...r.loadedAddresses.readonly];

/**
 * `ParsedAccount`s: each key with its role. A legacy message's write locks are read from its header
 * with invoked programs demoted (`is_maybe_writable`); a v0 message's are those it ran with.
 */
function parsedAccounts(r: TransactionRecord) {
  const m = r.tx.message;
  const statics = m.staticKeys.length;
  const invoked = new Set(m.instructions.map((ix) => ix.programIdIndex));
  const loaderPresent = m.staticKeys.includes(BPF_LOADER_UPGRADEABLE);
  const legacyWritable = (i: number) =>
    (i < m.numRequiredSignatures - m.numReadonlySigned || (i >= m.numRequiredSignatures && i < statics - m.numReadonlyUnsigned)) &&
    !(invoked.has(i) && !loaderPresent);
  return allKeys(r).map((pubkey, i) => ({
    pubkey,
    writable: m.version === 'legacy' ? legacyWritable(i) : r.writable[i],
    signer: i < m.numRequiredSignatures,
    source: i < statics ? 'transaction' : 'lookupTable',
  }));
}

const lookupsJson = (tx: WireTransaction) =>
  tx.message.version === 'legacy'
    ? {}
    : {
        addressTableLookups: tx.message.lookups.map((l) => ({
          accountKey: l.accountKey,
          writableIndexes: [...l.writableIndexes],
          readonlyIndexes: [...l.readonlyIndexes],
        })),
      };

/** A transaction in the `json` encoding (`UiTransaction` with a raw message). */
function transactionJson(tx: WireTransaction) {
  const m = tx.message;
  return {
    signatures: tx.signatures.map((s) => bs58.encode(s)),
    message: {
      accountKeys: m.staticKeys,
      header: {
        numRequiredSignatures: m.numRequiredSignatures,
        numReadonlySignedAccounts: m.numReadonlySigned,
        numReadonlyUnsignedAccounts: m.numReadonlyUnsigned,
      },
      recentBlockhash: m.recentBlockhash,
      instructions: m.instructions.map((ix) => compiledJson(ix, null)),
      ...lookupsJson(tx),
    },
  };
}

/** A transaction in the `jsonParsed` encoding (`UiTransaction` with a parsed message). */
function transactionJsonParsed(r: TransactionRecord) {
  const keys = allKeys(r);
  return {
    signatures: r.tx.signatures.map((s) => bs58.encode(s)),
    message: {
      accountKeys: parsedAccounts(r),
      recentBlockhash: r.tx.message.recentBlockhash,
      instructions: r.tx.message.instructions.map((ix) => instructionJson(keys, ix, null)),
      ...lookupsJson(r.tx),
    },
  };
}

function encodedTransaction(r: TransactionRecord, encoding: TransactionEncoding) {
  switch (encoding) {
    case 'json':
      return transactionJson(r.tx);
    case 'jsonParsed':
      return transactionJsonParsed(r);
    case 'binary':
      return bs58.encode(r.wire);
    case 'base58':
      return [bs58.encode(r.wire), 'base58'];
    case 'base64':
      return [bytesToBase64(r.wire), 'base64'];
  }
}

/** The status fields every meta has (`build_simple_ui_transaction_status_meta`). */
function simpleMeta(r: TransactionRecord, showRewards: boolean) {
  const o = r.outcome;
  return {
    err: o.error ? transactionErrorJson(o.error) : null,
    status: statusJson(o.error),
    fee: o.fee,
    preBalances: r.preBalances,
    postBalances: r.postBalances,
    preTokenBalances: r.preTokenBalances,
    postTokenBalances: r.postTokenBalances,
    ...(showRewards ? { rewards: [] } : {}),
  };
}

/** `UiTransactionStatusMeta`; jsonParsed names the inner instructions' accounts and leaves out `loadedAddresses`, as Agave does. */
function meta(r: TransactionRecord, encoding: TransactionEncoding, showRewards: boolean) {
  const o = r.outcome;
  const parsed = encoding === 'jsonParsed';
  const data = returnData(o);
  return {
    ...simpleMeta(r, showRewards),
    innerInstructions: innerInstructionsJson(o.innerInstructions, parsed ? allKeys(r) : undefined),
    logMessages: o.logs,
    ...(parsed ? {} : { loadedAddresses: r.loadedAddresses }),
    ...(data ? { returnData: data } : {}),
    computeUnitsConsumed: o.computeUnitsConsumed,
  };
}

/** How a block or a transaction lookup wants its transactions. */
export interface TransactionEncodingOptions {
  encoding: TransactionEncoding;
  /** `maxSupportedTransactionVersion`; when given, each transaction says its version. */
  maxVersion: number | undefined;
  showRewards: boolean;
}

/** `EncodedTransactionWithStatusMeta` (`transactionDetails: "full"`). */
export function transactionWithMeta(r: TransactionRecord, o: TransactionEncodingOptions) {
  checkVersion(r.tx.message.version, o.maxVersion);
  return {
    transaction: encodedTransaction(r, o.encoding),
    meta: meta(r, o.encoding, o.showRewards),
    ...(o.maxVersion !== undefined ? { version: r.tx.message.version } : {}),
  };
}

/** A transaction's accounts and status only (`transactionDetails: "accounts"`). */
export function transactionAccounts(r: TransactionRecord, o: TransactionEncodingOptions) {
  checkVersion(r.tx.message.version, o.maxVersion);
  return {
    transaction: { signatures: r.tx.signatures.map((s) => bs58.encode(s)), accountKeys: parsedAccounts(r) },
    meta: simpleMeta(r, o.showRewards),
    ...(o.maxVersion !== undefined ? { version: r.tx.message.version } : {}),
  };
}

/** `EncodedConfirmedTransactionWithStatusMeta`: a transaction with its slot and block time (`getTransaction`). */
export function confirmedTransaction(r: TransactionRecord, o: TransactionEncodingOptions) {
  const { transaction, meta: m, ...version } = transactionWithMeta(r, o);
  return { slot: r.slot, transaction, meta: m, blockTime: r.blockTime, ...version };
}
