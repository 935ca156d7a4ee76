/**
 * Transactions: requestAirdrop, sendTransaction (preflight simulation), simulateTransaction,
 * getSignatureStatuses, getTransaction.
 */
import bs58 from 'bs58';
import type { Account } from '../../runtime/accounts.js';
import { transactionErrorText } from '../../runtime/errors.js';
import type { TransactionOutcome } from '../../runtime/runtime.js';
import type { WireTransaction } from '../../runtime/message.js';
import { accountEncoding, statusJson, transactionErrorJson } from '../encodings.js';
import { encodedAccount } from './tokens.js';
import { invalidParams, RpcError, SERVER_ERROR, type Json } from '../json-rpc.js';
import {
  boundedList,
  config,
  confirmedCommitment,
  maxSupportedVersion,
  optionalBool,
  positional,
  pubkey,
  signature,
  string,
  u64,
  variant,
  wrongType,
} from '../params.js';
import { tokenBalances } from '../token-balances.js';
import { confirmedTransaction, innerInstructionsJson, returnData, TRANSACTION_ENCODINGS } from '../transaction-encoding.js';
import { decodeWire, replaceBlockhash, type TransactionBinaryEncoding } from '../transaction-wire.js';
import { checkContextConfig, reach, withContext, type MethodGroup, type RpcContext } from './context.js';

/** Agave's `MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS`. */
const MAX_SIGNATURE_STATUSES = 256;

function binaryEncoding(v: Json | undefined): TransactionBinaryEncoding {
  const encoding = variant(v, TRANSACTION_ENCODINGS) ?? 'base58';
  if (encoding === 'base58' || encoding === 'base64') return encoding;
  if (encoding === 'binary') return 'base58';
  throw invalidParams(`unsupported encoding: ${encoding}. Supported encodings: base58, base64`);
}

/** The keys a transaction names (static ones and, when they load, its lookups'). */
function keysOf(ctx: RpcContext, tx: WireTransaction): string[] {
  const loaded = ctx.ledger.loadedKeys(tx);
  return [...tx.message.staticKeys, ...loaded.writable, ...loaded.readonly];
}

/** `RpcSimulateTransactionResult` from a simulation's outcome. */
function simulationResult(
  ctx: RpcContext,
  tx: WireTransaction,
  o: TransactionOutcome,
  extras: { accounts: unknown; innerInstructions: boolean; replacementBlockhash: unknown },
) {
  const get = (a: string) => ctx.svm.runtime.accounts.get(a);
  const written = new Map<string, Account>(o.postAccounts);
  const after = (a: string) => written.get(a) ?? get(a);
  const keys = keysOf(ctx, tx);
  const loaded = ctx.ledger.loadedKeys(tx);
  return {
    err: o.error ? transactionErrorJson(o.error) : null,
    logs: o.logs,
    accounts: extras.accounts,
    unitsConsumed: o.computeUnitsConsumed,
    returnData: returnData(o),
    // Agave parses a simulation's inner instructions as jsonParsed does (`parse_ui_inner_instructions`).
    innerInstructions: extras.innerInstructions ? innerInstructionsJson(o.innerInstructions, keys) : null,
    replacementBlockhash: extras.replacementBlockhash,
    fee: o.included ? o.fee : null,
    preBalances: keys.map((k) => get(k)?.lamports ?? 0n),
    postBalances: keys.map((k) => after(k)?.lamports ?? 0n),
    preTokenBalances: tokenBalances(keys, get),
    postTokenBalances: tokenBalances(keys, after),
    loadedAddresses: loaded,
  };
}

export const transactionMethods: MethodGroup = (ctx) => ({
  requestAirdrop: async (p) => {
    const [key, lamports, cfg] = positional(p, 2, 3);
    const to = pubkey(key);
    const amount = u64(lamports);
    checkContextConfig(ctx, config(cfg));
    await reach(ctx, [to]);
    const outcome = ctx.ledger.submit(ctx.svm.runtime.airdropTransaction(to, amount));
    if (outcome.error) throw new RpcError(-32603, `Internal error: airdrop failed: ${transactionErrorText(outcome.error)}`);
    return bs58.encode(outcome.signature);
  },

  sendTransaction: async (p) => {
    const [data, raw] = positional(p, 1, 2);
    const cfg = config(raw);
    const encoding = binaryEncoding(cfg.encoding);
    variant(cfg.preflightCommitment, ['processed', 'confirmed', 'finalized'] as const);
    const { wire, tx } = decodeWire(string(data), encoding);
    if (ctx.fork) await ctx.fork.fetchForTransaction(tx, ctx.ledger);
    if (!optionalBool(cfg.skipPreflight)) {
      checkContextConfig(ctx, cfg);
      const preflight = ctx.ledger.simulate(tx, true);
      const error = preflight.error;
      if (error?.kind === 'SignatureFailure')
        throw new RpcError(SERVER_ERROR.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
      if (error?.kind === 'SanitizeFailure') throw invalidParams(`invalid transaction: ${transactionErrorText(error)}`);
      if (error) {
        const result = simulationResult(ctx, tx, preflight, { accounts: null, innerInstructions: false, replacementBlockhash: null });
        throw new RpcError(SERVER_ERROR.SEND_TRANSACTION_PREFLIGHT_FAILURE, `Transaction simulation failed: ${transactionErrorText(error)}`, result);
      }
    }
    ctx.ledger.submit(wire);
    return bs58.encode(tx.signatures[0] ?? new Uint8Array(64));
  },

  simulateTransaction: async (p) => {
    const [data, raw] = positional(p, 1, 2);
    const cfg = config(raw);
    const sigVerify = optionalBool(cfg.sigVerify);
    const replace = optionalBool(cfg.replaceRecentBlockhash);
    if (sigVerify && replace) throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
    const encoding = binaryEncoding(cfg.encoding);
    checkContextConfig(ctx, cfg);
    const decoded = decodeWire(string(data), encoding);
    if (ctx.fork) await ctx.fork.fetchForTransaction(decoded.tx, ctx.ledger);
    const latest = ctx.ledger.latestBlockhash;
    const tx = replace ? replaceBlockhash(decoded.wire, decoded.tx, latest.blockhash) : decoded.tx;
    const replacementBlockhash = replace ? latest : null;
    const wanted = cfg.accounts === undefined || cfg.accounts === null ? undefined : config(cfg.accounts);
    const keys = keysOf(ctx, tx);
    let addresses: string[] = [];
    let accountsEncoding: ReturnType<typeof accountEncoding> | undefined;
    if (wanted) {
      if (!Array.isArray(wanted.addresses)) throw wrongType(wanted.addresses ?? null, 'a sequence');
      addresses = wanted.addresses.map(pubkey);
      if (addresses.length > keys.length) throw invalidParams(`Too many accounts provided; max ${keys.length}`);
      accountsEncoding = accountEncoding(wanted, 'base64');
      if (accountsEncoding.encoding === 'binary' || accountsEncoding.encoding === 'base58') throw invalidParams('base58 encoding not supported');
    }
    const outcome = ctx.ledger.simulate(tx, sigVerify);
    const written = new Map<string, Account>(outcome.postAccounts);
    const accounts = accountsEncoding
      ? addresses.map((a) => {
          const account = keys.includes(a) ? (written.get(a) ?? ctx.svm.runtime.accounts.get(a)) : undefined;
          return account ? encodedAccount(ctx, a, account, accountsEncoding.encoding, accountsEncoding.dataSlice, written) : null;
        })
      : null;
    return withContext(ctx, simulationResult(ctx, tx, outcome, { accounts, innerInstructions: optionalBool(cfg.innerInstructions), replacementBlockhash }));
  },

  getSignatureStatuses: (p) => {
    const [list, cfg] = positional(p, 1, 2);
    const signatures = boundedList(list, MAX_SIGNATURE_STATUSES).map(signature);
    const c = config(cfg);
    optionalBool(c.searchTransactionHistory);
    return withContext(
      ctx,
      signatures.map((s) => {
        const r = ctx.ledger.record(s);
        if (!r) return null;
        // Blocks are final at once: every status is rooted (no confirmation count).
        return {
          slot: r.slot,
          confirmations: null,
          err: r.outcome.error ? transactionErrorJson(r.outcome.error) : null,
          status: statusJson(r.outcome.error),
          confirmationStatus: 'finalized',
        };
      }),
    );
  },

  getTransaction: (p) => {
    const [sig, raw] = positional(p, 1, 2);
    const s = signature(sig);
    // The old form: the encoding as the second argument.
    const cfg = typeof raw === 'string' ? { encoding: raw } : config(raw);
    const encoding = variant(cfg.encoding, TRANSACTION_ENCODINGS) ?? 'json';
    confirmedCommitment(cfg);
    const maxVersion = maxSupportedVersion(cfg);
    const r = ctx.ledger.record(s);
    if (!r) return null;
    return confirmedTransaction(r, { encoding, maxVersion, showRewards: true });
  },
});
