/**
 * How an Anchor client fills in an instruction's accounts from its IDL, for both IDL formats:
 * fixed addresses (`address`), the well-known programs and sysvars the 0.29 client supplies by
 * name, optional accounts (the program id, read-only, for None), PDAs from `pda.seeds`
 * (constants, arguments, other accounts' addresses and fields of their data), and 0.30
 * `relations` (`has_one`: an account named by a field of a related account's data), found in as
 * many rounds as their dependencies on one another need.
 */
import { WebsvmError } from '../errors.js';
import { findProgramAddress } from '../syscalls/pda.js';
import { decodeAddress, encodeAddress } from '../runtime/accounts.js';
import { ASSOCIATED_TOKEN_PROGRAM } from '../runtime/ids.js';
import { toAddress, type AddressInput } from './inputs.js';

/** A type as an IDL spells it (the shapes {@link IdlSeed} needs). */
type SeedType = string | { array: [unknown, number] } | { defined: string | { name: string } } | object;

/** One seed of a PDA (0.30: `value` is bytes; 0.29: `value` is typed by `type`). */
export interface IdlSeed {
  kind: 'const' | 'arg' | 'account';
  type?: SeedType;
  value?: unknown;
  path?: string;
  /** For a seed read from an account's data: the IDL account type that data is. */
  account?: string;
}

/** An entry of an instruction's account list: an account, or a group of them. */
export interface IdlAccountItem {
  name: string;
  writable?: boolean;
  signer?: boolean;
  isMut?: boolean;
  isSigner?: boolean;
  address?: string;
  optional?: boolean;
  isOptional?: boolean;
  pda?: { seeds: IdlSeed[]; program?: IdlSeed; programId?: IdlSeed };
  /**
   * 0.30+: accounts whose data holds this one's address in a field of its name (the IDL form of
   * `has_one`). Anchor's client reads the first of them.
   */
  relations?: string[];
  accounts?: IdlAccountItem[];
}

/** What the resolver needs from the program's IDL coder. */
export interface IdlCoder {
  /** The primitive type at `path` inside an argument's (or an account type's) fields. */
  fieldType(type: SeedType, path: string[]): SeedType;
  /** An IDL account's data, decoded (field names as in the IDL). */
  decodeAccount(name: string, data: Uint8Array): Record<string, unknown>;
  /** Data decoded as whichever IDL account its discriminator names; undefined if none does. */
  decodeAnyAccount(data: Uint8Array): Record<string, unknown> | undefined;
}

/** Options of instruction building that reach beyond the IDL. */
export interface ResolveOptions {
  /**
   * An account's current data, for PDA seeds that read a field of another account and for
   * `relations` (Anchor's client fetches it from the cluster); without it such accounts must be passed.
   */
  accountData?(address: string): Uint8Array | undefined;
}

/** What the 0.29 client fills in by name when an old-format IDL leaves an account out. */
const WELL_KNOWN: Record<string, string> = {
  associatedTokenProgram: ASSOCIATED_TOKEN_PROGRAM,
  rent: 'SysvarRent111111111111111111111111111111111',
  systemProgram: '11111111111111111111111111111111',
  tokenProgram: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
  clock: 'SysvarC1ock11111111111111111111111111111111',
};

export const snakeCase = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
export const camelCase = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `record`'s entry for an IDL name, under the name as written, in snake_case or in camelCase. */
export function lookup<T>(record: Record<string, T>, name: string): T | undefined {
  return record[name] ?? record[snakeCase(name)] ?? record[camelCase(name)];
}

/** An account meta in kit's shape (role bit 0 writable, bit 1 signer). */
export interface AccountMeta {
  address: string;
  role: number;
}

/**
 * The account metas of an instruction: `given` accounts by IDL name (`null` for an optional
 * account left empty), the rest resolved as Anchor's client resolves them.
 */
export function resolveAccounts(
  instruction: { name: string; accounts: IdlAccountItem[]; args: { name: string; type: SeedType }[] },
  args: Record<string, unknown>,
  given: Record<string, AddressInput | null | undefined>,
  context: { programId: string; legacy: boolean; coder: IdlCoder; options?: ResolveOptions },
): AccountMeta[] {
  const leaves: IdlAccountItem[] = [];
  const flatten = (items: IdlAccountItem[]) => items.forEach((item) => (item.accounts ? flatten(item.accounts) : leaves.push(item)));
  flatten(instruction.accounts);

  const known = new Map<string, string | null>();
  for (const item of leaves) {
    const value = lookup(given, item.name);
    if (value === null) known.set(item.name, null);
    else if (value !== undefined) known.set(item.name, toAddress(value));
    else if (item.address) known.set(item.name, item.address);
    else if (context.legacy) {
      const wellKnown = WELL_KNOWN[camelCase(item.name)];
      if (wellKnown) known.set(item.name, wellKnown);
    }
  }
  const seeds = new SeedReader(instruction, args, known, context.coder, context.options);
  // A PDA or a relation may depend on another account found so far: resolve until a round finds nothing new.
  for (let progress = true; progress;) {
    progress = false;
    for (const item of leaves) {
      if (known.has(item.name) || !(item.pda || item.relations)) continue;
      // As in Anchor's client, a relation that resolves wins over the PDA.
      const address = related(item, known, context.coder, context.options) ?? (item.pda && seeds.derive(item.pda, context.programId));
      if (address !== undefined) {
        known.set(item.name, address);
        progress = true;
      }
    }
  }

  return leaves.map((item) => {
    const optional = item.optional ?? item.isOptional ?? false;
    const address = known.get(item.name);
    // Anchor's None: the program id, read-only and not signing, whether left out, null or given as such.
    if (optional && (address === undefined || address === null || address === context.programId)) return { address: context.programId, role: 0 };
    if (address === undefined || address === null) {
      const why = item.pda
        ? ` (its PDA seeds need ${seeds.missing(item.pda).join(', ')})`
        : item.relations
          ? ` (found through ${item.relations[0]}'s data, which needs ${item.relations[0]} and options.accountData)`
          : '';
      throw new WebsvmError('InvalidArgument', `${instruction.name}: missing account ${item.name}${why}`);
    }
    const writable = item.writable ?? item.isMut ?? false;
    const signer = item.signer ?? item.isSigner ?? false;
    return { address, role: (writable ? 1 : 0) | (signer ? 2 : 0) };
  });
}

/** The address an account found so far has, by IDL name in either case (null for an empty optional one). */
function knownAddress(known: Map<string, string | null>, name: string): string | null | undefined {
  return [...known].find(([n]) => n === name || camelCase(n) === camelCase(name))?.[1];
}

/**
 * `item`'s address read from its first relation's data (the field named as `item`), as Anchor's
 * client reads it; undefined while that account or its data is unknown, or holds no such field.
 */
function related(item: IdlAccountItem, known: Map<string, string | null>, coder: IdlCoder, options: ResolveOptions | undefined): string | undefined {
  const holder = item.relations?.[0] === undefined ? undefined : knownAddress(known, item.relations[0]);
  const data = holder ? options?.accountData?.(holder) : undefined;
  const value = data ? lookup(coder.decodeAnyAccount(data) ?? {}, item.name) : undefined;
  return value === undefined || value === null ? undefined : toAddress(value as AddressInput);
}

/** Turns the seeds of one instruction's PDAs into bytes, from its arguments and the accounts known so far. */
class SeedReader {
  constructor(
    private readonly instruction: { name: string; args: { name: string; type: SeedType }[] },
    private readonly args: Record<string, unknown>,
    private readonly known: Map<string, string | null>,
    private readonly coder: IdlCoder,
    private readonly options: ResolveOptions | undefined,
  ) {}

  /** The PDA's address, or undefined while a seed is not yet known. */
  derive(pda: NonNullable<IdlAccountItem['pda']>, programId: string): string | undefined {
    const parts = pda.seeds.map((s) => this.bytes(s));
    if (parts.some((p) => p === undefined)) return undefined;
    const programSeed = pda.program ?? pda.programId;
    const program = programSeed ? this.bytes(programSeed) : decodeAddress(programId);
    if (program === undefined) return undefined;
    return encodeAddress(findProgramAddress(parts as Uint8Array[], program)[0]);
  }

  /** The paths of the seeds that cannot be read (for the error naming a PDA that stayed unknown). */
  missing(pda: NonNullable<IdlAccountItem['pda']>): string[] {
    return pda.seeds.filter((s) => this.bytes(s) === undefined).map((s) => `${s.kind} ${s.path}`);
  }

  private bytes(seed: IdlSeed): Uint8Array | undefined {
    if (seed.kind === 'const') return seed.type === undefined ? Uint8Array.from(seed.value as number[]) : seedBytes(seed.type, seed.value);
    // split always yields a first element.
    const [head = '', ...path] = (seed.path ?? '').split('.');
    if (seed.kind === 'arg') {
      const arg = this.instruction.args.find((a) => a.name === head || camelCase(a.name) === camelCase(head));
      if (!arg) throw new WebsvmError('InvalidIdl', `${this.instruction.name}: a seed reads argument ${head}, which the instruction does not have`);
      const value = path.reduce<unknown>((v, field) => lookup((v ?? {}) as Record<string, unknown>, field), lookup(this.args, arg.name));
      return value === undefined ? undefined : seedBytes(this.coder.fieldType(arg.type, path), value);
    }
    const address = knownAddress(this.known, head);
    if (address === undefined || address === null) return undefined;
    if (path.length === 0) return decodeAddress(address);
    if (!seed.account) throw new WebsvmError('InvalidIdl', `${this.instruction.name}: the seed ${seed.path} names no account type`);
    const data = this.options?.accountData?.(address);
    if (!data) return undefined;
    const value = path.reduce<unknown>((v, field) => lookup(v as Record<string, unknown>, field), this.coder.decodeAccount(seed.account, data));
    return seedBytes(this.coder.fieldType({ defined: seed.account }, path), value);
  }
}

const INTEGER_BYTES: Record<string, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, u128: 16, i128: 16, u256: 32, i256: 32 };

/** A seed value as the bytes Anchor hashes: integers little-endian, strings as UTF-8, keys as 32 bytes. */
function seedBytes(type: SeedType, value: unknown): Uint8Array {
  if (typeof type === 'string') {
    const width = INTEGER_BYTES[type];
    if (width !== undefined) {
      let n = BigInt(String(value));
      if (n < 0n) n += 1n << BigInt(8 * width);
      return Uint8Array.from({ length: width }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
    }
    if (type === 'string') return new TextEncoder().encode(value as string);
    if (type === 'pubkey' || type === 'publicKey') return decodeAddress(toAddress(value as AddressInput));
    if (type === 'bytes') return Uint8Array.from(value as ArrayLike<number>);
  }
  if (typeof type === 'object' && 'array' in type) return Uint8Array.from(value as ArrayLike<number>);
  throw new WebsvmError('InvalidIdl', `a PDA seed of type ${JSON.stringify(type)} cannot be derived`);
}
