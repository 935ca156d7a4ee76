/**
 * `surfnet_profileTransaction`, with Surfpool's parameters and answer (`UiKeyedProfileResult`): a
 * transaction simulated whole (signatures checked), and, unless `depth` is `"transaction"`, once
 * per instruction prefix (the first instruction, the first two, …), each instruction's profile
 * being what its prefix adds: compute units and logs beyond the previous prefix's, and the
 * accounts it names as the previous prefix left them and as it leaves them. Nothing is committed.
 */
import { decodeAddress, type Account } from '../../runtime/accounts.js';
import { transactionErrorText } from '../../runtime/errors.js';
import type { WireTransaction } from '../../runtime/message.js';
import type { TransactionOutcome } from '../../runtime/runtime.js';
import { accountEncoding, type AccountEncoding } from '../encodings.js';
import { config, positional, string, variant } from '../params.js';
import { decodeWire } from '../transaction-wire.js';
import { reach, withContext, type MethodGroup, type RpcContext } from './context.js';
import { encodedAccount } from './tokens.js';

/** The accounts a simulation read and left: every key, undefined for one that does not exist. */
type Capture = Map<string, Account | undefined>;

/** What one profile reports before it is encoded (Surfpool's `ProfileResult`). */
interface Profile {
  pre: Capture;
  post: Capture;
  computeUnitsConsumed: bigint;
  logs: string[];
  error: string | null;
}

/** Keys in the order of their bytes (Surfpool keeps captures in a `BTreeMap<Pubkey, _>`). */
function byKeyBytes(keys: Iterable<string>): string[] {
  const compare = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };
  return [...new Set(keys)].sort((a, b) => compare(decodeAddress(a), decodeAddress(b)));
}

/** A profile of `outcome` over `keys`, whose states before are `pre`; one that never ran leaves no account states (as Surfpool's). */
function profileOf(keys: string[], pre: (key: string) => Account | undefined, outcome: TransactionOutcome): Profile {
  const written = new Map(outcome.postAccounts);
  const before: Capture = new Map(keys.map((k) => [k, pre(k)]));
  const after: Capture = outcome.included ? new Map(keys.map((k) => [k, written.has(k) ? live(written.get(k)!) : before.get(k)])) : new Map();
  return {
    pre: outcome.included ? before : new Map(),
    post: after,
    computeUnitsConsumed: outcome.computeUnitsConsumed,
    logs: outcome.logs,
    error: outcome.error ? transactionErrorText(outcome.error) : null,
  };
}

/** An account as the bank holds it: none once it has no lamports. */
const live = (a: Account): Account | undefined => (a.lamports > 0n ? a : undefined);

const sameAccount = (a: Account, b: Account) =>
  a.lamports === b.lamports &&
  a.owner === b.owner &&
  a.executable === b.executable &&
  a.rentEpoch === b.rentEpoch &&
  a.data.length === b.data.length &&
  a.data.every((x, i) => x === b.data[i]);

export const profileMethods: MethodGroup = (ctx) => ({
  surfnet_profileTransaction: async (p) => {
    const [data, tagRaw, raw] = positional(p, 1, 3);
    if (tagRaw !== undefined && tagRaw !== null) string(tagRaw);
    const cfg = config(raw);
    const { encoding } = accountEncoding({ encoding: cfg.encoding ?? 'jsonParsed' }, 'jsonParsed');
    const depth = variant(cfg.depth, ['transaction', 'instruction'] as const) ?? 'instruction';
    const { tx } = decodeWire(string(data), 'base64');
    if (ctx.fork) await ctx.fork.fetchForTransaction(tx, ctx.ledger);
    const loaded = ctx.ledger.loadedKeys(tx);
    const keys = [...tx.message.staticKeys, ...loaded.writable, ...loaded.readonly];
    await reach(ctx, keys);
    const current = (k: string) => ctx.svm.runtime.accounts.get(k);
    const readonly = new Map(
      keys.flatMap((k, i): [string, Account][] => {
        const account = isWritable(tx, i, loaded.writable.length) ? undefined : current(k);
        return account ? [[k, account]] : [];
      }),
    );
    const whole = profileOf(byKeyBytes(keys), current, ctx.ledger.simulate(tx, true));
    const instructions = depth === 'instruction' ? instructionProfiles(ctx, tx, keys) : undefined;
    const encode = (profile: Profile) => encodeProfile(ctx, profile, readonly, encoding);
    return withContext(ctx, {
      slot: ctx.ledger.slot,
      key: crypto.randomUUID(),
      ...(instructions ? { instructionProfiles: instructions.map(encode) } : {}),
      transactionProfile: encode(whole),
      readonlyAccountStates: Object.fromEntries([...readonly].map(([k, a]) => [k, encodedAccount(ctx, k, a, encoding, undefined)])),
    });
  },
});

/** Whether key `i` of `tx` may be written (`is_maybe_writable`: by the message header, lookups' writable keys included). */
function isWritable(tx: WireTransaction, i: number, loadedWritable: number): boolean {
  const m = tx.message;
  const statics = m.staticKeys.length;
  if (i >= statics) return i < statics + loadedWritable;
  if (i < m.numRequiredSignatures) return i < m.numRequiredSignatures - m.numReadonlySigned;
  return i < statics - m.numReadonlyUnsigned;
}

/**
 * One profile per instruction: each prefix of the instructions simulated (signatures unchecked:
 * they sign the whole message), less what the prefix before it consumed and logged, over the
 * accounts the instruction names (its program's too).
 */
function instructionProfiles(ctx: RpcContext, tx: WireTransaction, keys: string[]): Profile[] {
  const instructions = tx.message.instructions;
  const profiles: Profile[] = [];
  let previous: TransactionOutcome | undefined;
  for (let n = 1; n <= instructions.length; n++) {
    const prefix: WireTransaction = { ...tx, message: { ...tx.message, instructions: instructions.slice(0, n) } };
    const outcome = ctx.ledger.simulate(prefix, false);
    const ix = instructions[n - 1];
    const named = byKeyBytes([...ix.accounts].map((i) => keys[i]).concat(keys[ix.programIdIndex]));
    const before = new Map(previous?.included ? previous.postAccounts : []);
    const pre = (k: string) => (before.has(k) ? live(before.get(k)!) : ctx.svm.runtime.accounts.get(k));
    const profile = profileOf(named, pre, outcome);
    profile.computeUnitsConsumed -= previous ? previous.computeUnitsConsumed : 0n;
    if (profile.computeUnitsConsumed < 0n) profile.computeUnitsConsumed = 0n;
    profile.logs = outcome.logs.slice(previous ? previous.logs.length : 0);
    profiles.push(profile);
    previous = outcome;
  }
  return profiles;
}

/** `UiProfileResult`: each account's state (`readonly`, or `writable` with its change), units, logs and error text. */
function encodeProfile(ctx: RpcContext, profile: Profile, readonly: ReadonlyMap<string, Account>, encoding: AccountEncoding) {
  const after = new Map([...profile.post].filter((e): e is [string, Account] => e[1] !== undefined));
  const ui = (k: string, a: Account) => encodedAccount(ctx, k, a, encoding, undefined, after);
  const accountStates: { [key: string]: object } = {};
  for (const [k, pre] of profile.pre) {
    if (!profile.post.has(k)) continue;
    if (readonly.has(k)) {
      accountStates[k] = { type: 'readonly' };
      continue;
    }
    const post = profile.post.get(k);
    let change: object;
    if (!pre && post) change = { type: 'create', data: ui(k, post) };
    else if (pre && !post) change = { type: 'delete', data: ui(k, pre) };
    else if (pre && post && !sameAccount(pre, post)) change = { type: 'update', data: [ui(k, pre), ui(k, post)] };
    else change = { type: 'unchanged', data: pre ? ui(k, pre) : null };
    accountStates[k] = { type: 'writable', accountChange: change };
  }
  return { accountStates, computeUnitsConsumed: profile.computeUnitsConsumed, logMessages: profile.logs, errorMessage: profile.error };
}
