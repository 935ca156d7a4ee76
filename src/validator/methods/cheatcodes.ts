/**
 * Surfpool's cheatcodes, with its method names, parameters, answers and errors, so that scripts
 * written for Surfpool run here: surfnet_setAccount, surfnet_setTokenAccount,
 * surfnet_cloneProgramAccount, surfnet_setProgramAuthority, surfnet_resetAccount, surfnet_setSupply,
 * surfnet_timeTravel, surfnet_pauseClock, surfnet_resumeClock, surfnet_getLocalSignatures.
 * Where Surfpool's own behaviour is a slip (a Clock sysvar holding the slot index as its slot), the
 * cluster's meaning is kept.
 */
import bs58 from 'bs58';
import { decodeAddress, encodeAddress, type Account } from '../../runtime/accounts.js';
import { ASSOCIATED_TOKEN_PROGRAM, BPF_LOADER_UPGRADEABLE, SYSTEM_PROGRAM } from '../../runtime/ids.js';
import { encodeLoaderState, loaderStateKind, PROGRAM_SIZE } from '../../runtime/loader-state.js';
import { programDataAddress } from '../../runtime/runtime.js';
import { findProgramAddress } from '../../syscalls/pda.js';
import { transactionErrorJson } from '../encodings.js';
import { epochOf, firstSlotOfEpoch } from '../epochs.js';
import { withUpgradeAuthority } from '../genesis-files.js';
import { invalidParams, RpcError, type Json } from '../json-rpc.js';
import { bool, newtypeVariant, positional, string, u64, wrongType } from '../params.js';
import { NATIVE_MINT, readTokenAccount, TOKEN_ACCOUNT_LEN, TOKEN_PROGRAM_ID, writeTokenAccount, type TokenAccountState } from '../spl-token.js';
import { epochInfo } from './chain.js';
import { reach, withContext, type MethodGroup, type RpcContext } from './context.js';

/** `get_local_signatures`' default count. */
const DEFAULT_LOCAL_SIGNATURES = 50n;
/** Where time travel lands without a target: an hour from now. */
const DEFAULT_TIME_TRAVEL_MS = 3_600_000;

/** jsonrpc-core's `Error::internal_error()` with Surfpool's explanation as data. */
const internal = (data: string) => new RpcError(-32603, 'Internal error', data);

/** Surfpool's `verify_pubkey`: `Invalid pubkey '<text>'`, with `ParsePubkeyError`'s text as data. */
function surfpoolPubkey(v: Json): string {
  const text = string(v);
  const bytes = text.length > 44 ? undefined : bs58.decodeUnsafe(text);
  if (bytes?.length === 32) return text;
  throw new RpcError(-32602, `Invalid pubkey '${text}'`, bytes === undefined && text.length <= 44 ? 'Invalid Base58 string' : 'String is the wrong size');
}

/** A struct param as serde reads it: a map, each field absent or null when not given. */
function struct(v: Json | undefined, name: string): { [key: string]: Json } {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) throw wrongType(v ?? null, `struct ${name}`);
  return v;
}

/** An optional field read by `read` (absent or null: undefined). */
const optional = <T>(v: Json | undefined, read: (v: Json) => T): T | undefined => (v === undefined || v === null ? undefined : read(v));

/** `hex::decode` with its error text (`Invalid hex data provided: …`); `BytesOrString` also takes the text as a byte list. */
function hexData(v: Json): Uint8Array {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (Array.isArray(v) && v.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b < 256))
    text = String.fromCharCode(...(v as number[]));
  else throw wrongType(v, 'a list of bytes or a string');
  const fail = (why: string) => invalidParams(`Invalid hex data provided: ${why}`);
  if (text.length % 2 !== 0) throw fail('Odd number of digits');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < text.length; i++) {
    const digit = parseInt(text[i], 16);
    if (Number.isNaN(digit)) throw fail(`Invalid character '${text[i]}' at position ${i}`);
    out[i >> 1] |= i % 2 === 0 ? digit << 4 : digit;
  }
  return out;
}

/** `SetSomeAccount`: an address, or the text `"null"` for none. */
const someAccount = (v: Json): string | null => (string(v) === 'null' ? null : surfpoolPubkey(v));

/** The ATA of `owner` for `mint` under `tokenProgram`. */
const associatedTokenAddress = (owner: string, mint: string, tokenProgram: string) =>
  encodeAddress(findProgramAddress([decodeAddress(owner), decodeAddress(tokenProgram), decodeAddress(mint)], decodeAddress(ASSOCIATED_TOKEN_PROGRAM))[0]);

/** Writes `account` at `address` (a program is loaded, a zero-lamport account removed); it is local from then on. */
function write(ctx: RpcContext, entries: [string, Account][]): void {
  try {
    ctx.ledger.setAccounts(entries, (address, e) => internal(`Failed to set account ${address}: ${(e as Error).message ?? String(e)}`));
  } finally {
    for (const [address] of entries) ctx.fork?.keepLocal(address);
  }
}

const removed = (): Account => ({ lamports: 0n, data: new Uint8Array(), owner: SYSTEM_PROGRAM, executable: false, rentEpoch: 0n });

/** `TimeTravelConfig`'s variants. */
const TIME_TRAVEL_KINDS = ['absoluteEpoch', 'absoluteSlot', 'absoluteTimestamp'] as const;
type TimeTravelKind = (typeof TIME_TRAVEL_KINDS)[number];

/** The clock a time-travel target gives: its slot and Unix seconds, or Surfpool's error for a target in the past. */
function timeTravelTarget(ctx: RpcContext, raw: Json | undefined): { slot: bigint; unixTimestamp: bigint } {
  const [kind, value]: [TimeTravelKind, Json] =
    raw === undefined || raw === null ? ['absoluteTimestamp', Date.now() + DEFAULT_TIME_TRAVEL_MS] : newtypeVariant(raw, TIME_TRAVEL_KINDS);
  const target = u64(value);
  const schedule = ctx.svm.runtime.epochSchedule;
  const current = ctx.ledger.slot;
  const currentMs = ctx.svm.runtime.clock.unixTimestamp * 1000n;
  const slotMs = BigInt(ctx.slotClock.slotTimeMs);
  const atSlot = (slot: bigint) => ({ slot, unixTimestamp: (currentMs + (slot > current ? slot - current : 0n) * slotMs) / 1000n });
  switch (kind) {
    case 'absoluteTimestamp':
      if (target < currentMs) throw internal(`Cannot travel to past timestamp: target=${target}, current=${currentMs}`);
      return { slot: current + (target - currentMs) / slotMs, unixTimestamp: target / 1000n };
    case 'absoluteSlot':
      if (target < current) throw internal(`Cannot travel to past slot: target=${target}, current=${current}`);
      return atSlot(target);
    case 'absoluteEpoch': {
      const epoch = epochOf(schedule, current).epoch;
      if (target < epoch) throw internal(`Cannot travel to past epoch: target=${target}, current=${epoch}`);
      return atSlot(firstSlotOfEpoch(schedule, target));
    }
  }
}

export const cheatcodeMethods: MethodGroup = (ctx) => {
  const runtime = ctx.svm.runtime;
  const local = (address: string) => runtime.accounts.get(address);

  return {
    surfnet_setAccount: async (p) => {
      const [key, raw] = positional(p, 2, 2);
      const address = surfpoolPubkey(key);
      const u = struct(raw, 'AccountUpdate');
      const update = {
        lamports: optional(u.lamports, u64),
        data: optional(u.data, hexData),
        owner: optional(u.owner, surfpoolPubkey),
        executable: optional(u.executable, bool),
        rentEpoch: optional(u.rentEpoch, u64),
      };
      const complete = Object.values(update).every((v) => v !== undefined);
      if (!complete) await reach(ctx, [address]);
      const base = complete ? undefined : local(address);
      write(ctx, [
        [
          address,
          {
            lamports: update.lamports ?? base?.lamports ?? 0n,
            data: update.data ?? base?.data ?? new Uint8Array(),
            owner: update.owner ?? base?.owner ?? SYSTEM_PROGRAM,
            executable: update.executable ?? base?.executable ?? false,
            rentEpoch: update.rentEpoch ?? base?.rentEpoch ?? 0n,
          },
        ],
      ]);
      return withContext(ctx, null);
    },

    surfnet_setTokenAccount: async (p) => {
      const [ownerKey, mintKey, raw, programKey] = positional(p, 3, 4);
      const owner = surfpoolPubkey(ownerKey);
      const mint = surfpoolPubkey(mintKey);
      const u = struct(raw, 'TokenAccountUpdate');
      const update = {
        amount: optional(u.amount, u64),
        delegate: optional(u.delegate, someAccount),
        state: optional(u.state, string),
        delegatedAmount: optional(u.delegatedAmount, u64),
        closeAuthority: optional(u.closeAuthority, someAccount),
      };
      const tokenProgram = optional(programKey, surfpoolPubkey) ?? TOKEN_PROGRAM_ID;
      const address = associatedTokenAddress(owner, mint, tokenProgram);
      await reach(ctx, [mint, address]);
      const rent = runtime.minimumBalance(TOKEN_ACCOUNT_LEN);
      const native = mint === NATIVE_MINT;
      const lamports = native ? rent + (update.amount ?? 0n) : rent;
      const existing = local(address);
      const data = existing ? existing.data.slice() : new Uint8Array(TOKEN_ACCOUNT_LEN);
      const state = existing
        ? readTokenAccount(data)
        : {
            mint,
            owner,
            amount: 0n,
            delegate: null,
            state: 'initialized' as const,
            nativeReserve: native ? rent : null,
            delegatedAmount: 0n,
            closeAuthority: null,
          };
      if (!state) throw invalidParams('Failed to unpack token account data: Parse error: Failed to unpack token account');
      let accountState: TokenAccountState = state.state;
      if (update.state !== undefined) {
        if (update.state !== 'uninitialized' && update.state !== 'initialized' && update.state !== 'frozen')
          throw invalidParams(`Invalid token account state ${update.state}`);
        accountState = update.state;
      }
      writeTokenAccount(data, {
        ...state,
        amount: update.amount ?? state.amount,
        delegate: update.delegate === undefined ? state.delegate : update.delegate,
        state: accountState,
        delegatedAmount: update.delegatedAmount ?? state.delegatedAmount,
        closeAuthority: update.closeAuthority === undefined ? state.closeAuthority : update.closeAuthority,
      });
      write(ctx, [[address, { lamports, data, owner: existing?.owner ?? tokenProgram, executable: false, rentEpoch: existing?.rentEpoch ?? 0n }]]);
      return withContext(ctx, null);
    },

    surfnet_cloneProgramAccount: async (p) => {
      const [sourceKey, destinationKey] = positional(p, 2, 2);
      const source = surfpoolPubkey(sourceKey);
      const destination = surfpoolPubkey(destinationKey);
      const sourceData = programDataAddress(source);
      await reach(ctx, [source, sourceData]);
      const program = local(source);
      if (!program) throw invalidParams(`Account ${source} not found`);
      const programData = local(sourceData);
      if (!programData) throw invalidParams(`Account ${sourceData} not found`);
      const kind = loaderStateKind(program.data);
      if (kind === undefined) throw new RpcError(-32602, `Invalid program account ${source}`, 'Failed to parse account data');
      if (kind !== 'Program' || program.data.length < PROGRAM_SIZE) throw invalidParams(`Account ${source} is not a program account`);
      const destinationData = programDataAddress(destination);
      const data = encodeLoaderState({ kind: 'Program', programData: destinationData });
      write(ctx, [
        [destinationData, { ...programData, data: programData.data.slice() }],
        [destination, { ...program, data }],
      ]);
      return withContext(ctx, null);
    },

    surfnet_setProgramAuthority: async (p) => {
      const [programKey, authorityKey] = positional(p, 1, 2);
      const programId = surfpoolPubkey(programKey);
      const authority = optional(authorityKey, surfpoolPubkey) ?? null;
      const dataAddress = programDataAddress(programId);
      await reach(ctx, [programId, dataAddress]);
      const invalid = (address: string, why: string) => new RpcError(-32602, `Invalid program account ${address}`, why);
      if (!local(programId)) throw invalid(programId, 'Account not found');
      const programData = local(dataAddress);
      if (!programData) throw invalid(dataAddress, 'Program data account does not exist');
      if (programData.owner !== BPF_LOADER_UPGRADEABLE || loaderStateKind(programData.data) !== 'ProgramData')
        throw invalid(programId, 'Invalid program data account');
      write(ctx, [[dataAddress, withUpgradeAuthority(programData, authority)]]);
      return withContext(ctx, null);
    },

    surfnet_resetAccount: (p) => {
      const [key, raw] = positional(p, 1, 2);
      const address = surfpoolPubkey(key);
      const cfg = optional(raw, (v) => struct(v, 'ResetAccountConfig')) ?? {};
      // Surfpool reads `include_owned_accounts` (its docs write `includeOwnedAccounts`): either is taken.
      const cascade = optional(cfg.include_owned_accounts ?? cfg.includeOwnedAccounts, bool) ?? false;
      const account = local(address);
      if (account) {
        const targets = [address];
        if (account.executable && account.owner === BPF_LOADER_UPGRADEABLE) targets.push(programDataAddress(address));
        if (cascade) for (const [owned, a] of runtime.accounts.entries()) if (a.owner === address) targets.push(owned);
        ctx.ledger.setAccounts(targets.map((t) => [t, removed()]));
        // Reset, not closed: a fork reads them upstream again.
        for (const t of targets) ctx.fork?.forget(t);
      }
      return withContext(ctx, null);
    },

    surfnet_setSupply: (p) => {
      const [raw] = positional(p, 1, 1);
      const u = struct(raw, 'SupplyUpdate');
      const accounts = optional(u.non_circulating_accounts, (v) => {
        if (!Array.isArray(v)) throw wrongType(v, 'a sequence');
        return v.map(string).map((text, i) => {
          try {
            return surfpoolPubkey(text);
          } catch (e) {
            const inner = e as RpcError;
            throw new RpcError(-32602, `Invalid pubkey '${text}' at index ${i}`, `Invalid params: ${inner.message}: ${JSON.stringify(inner.data)}`);
          }
        });
      });
      const supply = { total: optional(u.total, u64), circulating: optional(u.circulating, u64), nonCirculating: optional(u.non_circulating, u64) };
      if (supply.total !== undefined) ctx.supply.total = supply.total;
      if (supply.circulating !== undefined) ctx.supply.circulating = supply.circulating;
      if (supply.nonCirculating !== undefined) ctx.supply.nonCirculating = supply.nonCirculating;
      if (accounts !== undefined) ctx.supply.nonCirculatingAccounts = accounts;
      ctx.journal?.record({ kind: 'supply', supply: ctx.supply });
      return withContext(ctx, null);
    },

    surfnet_timeTravel: (p) => {
      const [raw] = positional(p, 0, 1);
      const { slot, unixTimestamp } = timeTravelTarget(ctx, raw);
      ctx.ledger.travelTo(slot, unixTimestamp);
      return epochInfo(ctx);
    },

    surfnet_pauseClock: (p) => {
      positional(p, 0, 0);
      ctx.slotClock.pause();
      ctx.journal?.record({ kind: 'clock', paused: true });
      return epochInfo(ctx);
    },

    surfnet_resumeClock: (p) => {
      positional(p, 0, 0);
      ctx.slotClock.resume();
      ctx.journal?.record({ kind: 'clock', paused: false });
      return epochInfo(ctx);
    },

    surfnet_getLocalSignatures: (p) => {
      const [raw] = positional(p, 0, 1);
      const limit = optional(raw, u64) ?? DEFAULT_LOCAL_SIGNATURES;
      const value: { signature: string; err: Json; logs: string[] }[] = [];
      for (const [signature, r] of ctx.ledger.newestTransactions()) {
        if (BigInt(value.length) >= limit) break;
        value.push({ signature, err: r.outcome.error ? transactionErrorJson(r.outcome.error) : null, logs: r.outcome.logs });
      }
      return withContext(ctx, value);
    },
  };
};
