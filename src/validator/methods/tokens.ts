/**
 * SPL Token reads: getTokenAccountBalance, getTokenSupply, getTokenLargestAccounts,
 * getTokenAccountsByOwner and getTokenAccountsByDelegate, for SPL Token and Token-2022.
 */
import type { Account } from '../../runtime/accounts.js';
import { decodeAddress, encodeAddress } from '../../runtime/accounts.js';
import { encode, pubkey as addressCodec } from '../../runtime/codec.js';
import { coption } from '../../runtime/spl-token-layouts.js';
import { accountEncoding, uiAccount, type AccountEncoding, type DataSlice } from '../encodings.js';
import { invalidParams, RpcError, type Json } from '../json-rpc.js';
import { parseAccount } from '../json-parsed/account.js';
import { commitment, config, newtypeVariant, positional, pubkey, string } from '../params.js';
import {
  compareAddresses,
  DELEGATE_OFFSET,
  isTokenAccountData,
  isTokenProgram,
  MINT_OFFSET,
  NATIVE_MINT,
  OWNER_OFFSET,
  readMint,
  readTokenAccount,
  TOKEN_PROGRAM_ID,
} from '../spl-token.js';
import { mintUnits, NATIVE_MINT_UNITS, tokenAmount, type MintUnits } from '../token-units.js';
import { checkContextConfig, live, reach, withContext, type MethodGroup, type RpcContext } from './context.js';

/** Agave's `NUM_LARGEST_ACCOUNTS`. */
const NUM_LARGEST_ACCOUNTS = 20;

interface MintInfo {
  /** The token program owning the mint. */
  owner: string;
  units: MintUnits;
}

/** The clock's Unix time, which interest-bearing and scaled mints read their UI amounts at. */
const now = (ctx: RpcContext) => ctx.svm.runtime.clock.unixTimestamp;

/** `get_mint_owner_and_additional_data`: the mint's program and decimals, or the error Agave answers. */
function mintInfo(ctx: RpcContext, mint: string): MintInfo | RpcError {
  if (mint === NATIVE_MINT) return { owner: TOKEN_PROGRAM_ID, units: NATIVE_MINT_UNITS };
  const account = live(ctx, mint);
  if (!account) return invalidParams('Invalid param: could not find mint');
  const units = mintUnits(account.data, now(ctx));
  if (!units) return invalidParams('Invalid param: Token mint could not be unpacked');
  return { owner: account.owner, units };
}

function requireMint(ctx: RpcContext, mint: string): MintInfo {
  const info = mintInfo(ctx, mint);
  if (info instanceof RpcError) throw info;
  return info;
}

/** `get_token_program_id_and_mint` for `{ mint }` or `{ programId }`. */
type TokenAccountsFilter = { mint: string } | { programId: string };

/** `RpcTokenAccountsFilter` as serde reads the externally tagged enum. */
function tokenAccountsFilter(v: Json): TokenAccountsFilter {
  const [name, value] = newtypeVariant(v, ['mint', 'programId'] as const);
  return name === 'mint' ? { mint: string(value) } : { programId: string(value) };
}

/** The token program to scan and the mint to match, refused as Agave refuses them. */
function programAndMint(ctx: RpcContext, filter: TokenAccountsFilter): { program: string; mint?: string } {
  if ('mint' in filter) {
    const { owner } = requireMint(ctx, filter.mint);
    if (!isTokenProgram(owner)) throw invalidParams('Invalid param: not a Token mint');
    return { program: owner, mint: filter.mint };
  }
  if (!isTokenProgram(filter.programId)) throw invalidParams('Invalid param: unrecognized Token program id');
  return { program: filter.programId };
}

const bytesAt = (offset: number, bytes: Uint8Array) => (data: Uint8Array) => bytes.every((b, i) => data[offset + i] === b);

/** The initialized token accounts of `program` whose data passes `checks`, in address order (Agave's sorted scan). */
function tokenAccounts(ctx: RpcContext, program: string, checks: ((data: Uint8Array) => boolean)[]): [string, Account][] {
  const found: [string, Account][] = [];
  for (const [address, account] of ctx.svm.runtime.accounts.entries()) {
    if (account.owner !== program || account.lamports === 0n || !isTokenAccountData(account.data)) continue;
    if (checks.every((check) => check(account.data))) found.push([address, account]);
  }
  return found.sort(([a], [b]) => compareAddresses(a, b));
}

/**
 * One account as `get_encoded_account` writes it: in `jsonParsed`, parsed by its owner's parser,
 * a token account with its mint's units (read from the mint account itself, wrapped SOL
 * included; `accounts` may hold newer states, as a simulation's do).
 */
export function encodedAccount(
  ctx: RpcContext,
  address: string,
  account: Account,
  encoding: AccountEncoding,
  dataSlice: DataSlice | undefined,
  accounts?: ReadonlyMap<string, Account>,
): object {
  if (encoding !== 'jsonParsed') return uiAccount(account, encoding, dataSlice);
  const unitsOf = (mint: string) => {
    const data = (accounts?.get(mint) ?? live(ctx, mint))?.data;
    return data && mintUnits(data, now(ctx));
  };
  return uiAccount(account, encoding, dataSlice, parseAccount(address, account, unitsOf));
}

/** `RpcKeyedAccount`s of a token program; with `jsonParsed`, those the parser cannot read are left out (`get_parsed_token_accounts`). */
export function keyedAccounts(ctx: RpcContext, accounts: [string, Account][], encoding: AccountEncoding, dataSlice: DataSlice | undefined) {
  if (encoding !== 'jsonParsed') return accounts.map(([address, account]) => ({ pubkey: address, account: uiAccount(account, encoding, dataSlice) }));
  const units = new Map<string, MintUnits | undefined>();
  const unitsOf = (mint: string) => {
    if (!units.has(mint)) {
      const info = mintInfo(ctx, mint);
      units.set(mint, info instanceof RpcError ? undefined : info.units);
    }
    return units.get(mint);
  };
  return accounts.flatMap(([address, account]) => {
    const parsed = parseAccount(address, account, unitsOf);
    return parsed ? [{ pubkey: address, account: uiAccount(account, encoding, undefined, parsed) }] : [];
  });
}

/** getTokenAccountsByOwner / ByDelegate: the scan `checks` for the account's key, then the common filter and config. */
function accountsBy(ctx: RpcContext, p: Parameters<ReturnType<MethodGroup>[string]>[0], checksFor: (key: Uint8Array) => ((data: Uint8Array) => boolean)[]) {
  const [key, rawFilter, raw] = positional(p, 2, 3);
  const filter = tokenAccountsFilter(rawFilter);
  const cfg = config(raw);
  const { encoding, dataSlice } = accountEncoding(cfg, 'binary', false);
  const address = pubkey(key);
  pubkey('mint' in filter ? filter.mint : filter.programId);
  checkContextConfig(ctx, cfg);
  const { program, mint } = programAndMint(ctx, filter);
  const checks = checksFor(decodeAddress(address));
  if (mint !== undefined) checks.push(bytesAt(MINT_OFFSET, decodeAddress(mint)));
  return withContext(ctx, keyedAccounts(ctx, tokenAccounts(ctx, program, checks), encoding, dataSlice));
}

/** The token account's `delegate` field holding `delegate` (`COption`'s tag 1 and the key). */
const delegateIs = (delegate: Uint8Array) => encode(coption(addressCodec), encodeAddress(delegate));

export const tokenMethods: MethodGroup = (ctx) => ({
  getTokenAccountBalance: async (p) => {
    const [key, cfg] = positional(p, 1, 2);
    const address = pubkey(key);
    commitment(config(cfg));
    await reach(ctx, [address]);
    const held = live(ctx, address);
    if (held && isTokenProgram(held.owner)) await reach(ctx, [readTokenAccount(held.data)?.mint ?? address]);
    const account = live(ctx, address);
    if (!account) throw invalidParams('Invalid param: could not find account');
    const state = isTokenProgram(account.owner) ? readTokenAccount(account.data) : undefined;
    if (!state) throw invalidParams('Invalid param: not a Token account');
    return withContext(ctx, tokenAmount(state.amount, requireMint(ctx, state.mint).units));
  },
  getTokenSupply: async (p) => {
    const [key, cfg] = positional(p, 1, 2);
    const address = pubkey(key);
    commitment(config(cfg));
    await reach(ctx, [address]);
    const account = live(ctx, address);
    if (!account) throw invalidParams('Invalid param: could not find account');
    if (!isTokenProgram(account.owner)) throw invalidParams('Invalid param: not a Token mint');
    const mint = readMint(account.data);
    if (!mint) throw invalidParams('Invalid param: mint could not be unpacked');
    return withContext(ctx, tokenAmount(mint.supply, mintUnits(account.data, now(ctx))!));
  },
  getTokenLargestAccounts: (p) => {
    const [key, cfg] = positional(p, 1, 2);
    const mint = pubkey(key);
    commitment(config(cfg));
    const { owner, units } = requireMint(ctx, mint);
    if (!isTokenProgram(owner)) throw invalidParams('Invalid param: not a Token mint');
    const balances = tokenAccounts(ctx, owner, [bytesAt(MINT_OFFSET, decodeAddress(mint))]).map(([address, account]) => ({
      address,
      amount: readTokenAccount(account.data)?.amount ?? 0n,
    }));
    // Largest first; equal amounts by address, the larger first (Agave's heap of `(amount, address)`).
    balances.sort((a, b) => (a.amount === b.amount ? compareAddresses(b.address, a.address) : a.amount > b.amount ? -1 : 1));
    return withContext(
      ctx,
      balances.slice(0, NUM_LARGEST_ACCOUNTS).map(({ address, amount }) => ({ address, ...tokenAmount(amount, units) })),
    );
  },
  getTokenAccountsByOwner: (p) => accountsBy(ctx, p, (owner) => [bytesAt(OWNER_OFFSET, owner)]),
  getTokenAccountsByDelegate: (p) => accountsBy(ctx, p, (delegate) => [bytesAt(DELEGATE_OFFSET, delegateIs(delegate))]),
});
