/**
 * Anchor IDL support: build instructions from an IDL, decode (and encode) accounts and events
 * with borsh, and name custom program errors. Both IDL formats are read: Anchor ≥ 0.30
 * (`discriminator`, `writable`/`signer`, `pubkey`) and the older one (`isMut`/`isSigner`,
 * `publicKey`, discriminators derived from `global:<name>` / `account:<Name>` / `event:<Name>`).
 */
import { sha256 } from '../crypto/sha256.js';
import { deserialize, serialize, type Schema } from 'borsh';
import { WebsvmError } from '../errors.js';
import { base64ToBytes } from '../platform.js';
import { decodeAddress, encodeAddress } from '../runtime/accounts.js';
import type { InstructionError } from '../runtime/errors.js';
import { toAddress, type AddressInput } from './inputs.js';
import { refused, toArray, toBytes, toChecked, toEach, toFields, toOptions, toText } from '../arguments.js';
import { Check } from './harness.js';
import { camelCase, lookup, resolveAccounts, snakeCase, type IdlAccountItem, type ResolveOptions } from './anchor-accounts.js';

export type { ResolveOptions } from './anchor-accounts.js';

/** An IDL type (the subset Anchor emits). */
export type IdlType = string | { vec: IdlType } | { option: IdlType } | { array: [IdlType, number] } | { defined: string | { name: string } };

interface IdlField {
  name: string;
  type: IdlType;
}
interface IdlTypeDef {
  name: string;
  type: { kind: 'struct'; fields?: IdlField[] } | { kind: 'enum'; variants: { name: string; fields?: (IdlField | IdlType)[] }[] };
}

/** An Anchor IDL (JSON). */
export interface AnchorIdl {
  address?: string;
  name?: string;
  metadata?: { name?: string };
  instructions: { name: string; discriminator?: number[]; accounts: IdlAccountItem[]; args: IdlField[] }[];
  accounts?: { name: string; discriminator?: number[]; type?: IdlTypeDef['type'] }[];
  events?: { name: string; discriminator?: number[]; fields?: IdlField[] }[];
  errors?: { code: number; name: string; msg?: string }[];
  types?: IdlTypeDef[];
}

/** Anchor's own error codes (anchor-lang `ErrorCode`, Anchor 0.31), for failures raised by the framework. */
export const ANCHOR_FRAMEWORK_ERRORS: Record<number, string> = {
  100: 'InstructionMissing',
  101: 'InstructionFallbackNotFound',
  102: 'InstructionDidNotDeserialize',
  103: 'InstructionDidNotSerialize',
  1000: 'IdlInstructionStub',
  1001: 'IdlInstructionInvalidProgram',
  1002: 'IdlAccountNotEmpty',
  1500: 'EventInstructionStub',
  2000: 'ConstraintMut',
  2001: 'ConstraintHasOne',
  2002: 'ConstraintSigner',
  2003: 'ConstraintRaw',
  2004: 'ConstraintOwner',
  2005: 'ConstraintRentExempt',
  2006: 'ConstraintSeeds',
  2007: 'ConstraintExecutable',
  2008: 'ConstraintState',
  2009: 'ConstraintAssociated',
  2010: 'ConstraintAssociatedInit',
  2011: 'ConstraintClose',
  2012: 'ConstraintAddress',
  2013: 'ConstraintZero',
  2014: 'ConstraintTokenMint',
  2015: 'ConstraintTokenOwner',
  2016: 'ConstraintMintMintAuthority',
  2017: 'ConstraintMintFreezeAuthority',
  2018: 'ConstraintMintDecimals',
  2019: 'ConstraintSpace',
  2020: 'ConstraintAccountIsNone',
  2021: 'ConstraintTokenTokenProgram',
  2022: 'ConstraintMintTokenProgram',
  2023: 'ConstraintAssociatedTokenTokenProgram',
  2024: 'ConstraintMintGroupPointerExtension',
  2025: 'ConstraintMintGroupPointerExtensionAuthority',
  2026: 'ConstraintMintGroupPointerExtensionGroupAddress',
  2027: 'ConstraintMintGroupMemberPointerExtension',
  2028: 'ConstraintMintGroupMemberPointerExtensionAuthority',
  2029: 'ConstraintMintGroupMemberPointerExtensionMemberAddress',
  2030: 'ConstraintMintMetadataPointerExtension',
  2031: 'ConstraintMintMetadataPointerExtensionAuthority',
  2032: 'ConstraintMintMetadataPointerExtensionMetadataAddress',
  2033: 'ConstraintMintCloseAuthorityExtension',
  2034: 'ConstraintMintCloseAuthorityExtensionAuthority',
  2035: 'ConstraintMintPermanentDelegateExtension',
  2036: 'ConstraintMintPermanentDelegateExtensionDelegate',
  2037: 'ConstraintMintTransferHookExtension',
  2038: 'ConstraintMintTransferHookExtensionAuthority',
  2039: 'ConstraintMintTransferHookExtensionProgramId',
  2500: 'RequireViolated',
  2501: 'RequireEqViolated',
  2502: 'RequireKeysEqViolated',
  2503: 'RequireNeqViolated',
  2504: 'RequireKeysNeqViolated',
  2505: 'RequireGtViolated',
  2506: 'RequireGteViolated',
  3000: 'AccountDiscriminatorAlreadySet',
  3001: 'AccountDiscriminatorNotFound',
  3002: 'AccountDiscriminatorMismatch',
  3003: 'AccountDidNotDeserialize',
  3004: 'AccountDidNotSerialize',
  3005: 'AccountNotEnoughKeys',
  3006: 'AccountNotMutable',
  3007: 'AccountOwnedByWrongProgram',
  3008: 'InvalidProgramId',
  3009: 'InvalidProgramExecutable',
  3010: 'AccountNotSigner',
  3011: 'AccountNotSystemOwned',
  3012: 'AccountNotInitialized',
  3013: 'AccountNotProgramData',
  3014: 'AccountNotAssociatedTokenAccount',
  3015: 'AccountSysvarMismatch',
  3016: 'AccountReallocExceedsLimit',
  3017: 'AccountDuplicateReallocs',
  4100: 'DeclaredProgramIdMismatch',
  4101: 'TryingToInitPayerAsProgramAccount',
  4102: 'InvalidNumericConversion',
  5000: 'Deprecated',
};

/** Anchor 0.29 hashes an account's name in PascalCase (`account:CpiContextAccount`), whatever case the IDL writes it in. */
const pascalCase = (s: string) => s.replace(/(?:^|_)([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
/** Anchor's discriminator: the first bytes of the sha256 of `namespace:name`, before an instruction's arguments or an account's fields. */
const DISCRIMINATOR_BYTES = 8;
const discriminator = (namespace: string, name: string) => sha256(new TextEncoder().encode(`${namespace}:${name}`)).subarray(0, DISCRIMINATOR_BYTES);
const same = (a: Uint8Array, b: ArrayLike<number>) => a.length >= b.length && Array.from(b).every((x, i) => a[i] === x);
const PUBKEY_TYPES = new Set(['pubkey', 'publicKey']);

/** An instruction as the API takes it (kit shape: AccountRole bit 0 writable, bit 1 signer). */
export interface AnchorInstruction {
  programAddress: string;
  accounts: { address: string; role: number }[];
  data: Uint8Array;
}

export class AnchorProgram {
  readonly programId: string;
  private readonly types = new Map<string, IdlTypeDef>();

  constructor(
    readonly idl: AnchorIdl,
    programId?: AddressInput,
  ) {
    toChecked(idl, 'idl', 'an Anchor IDL { instructions, … }', 'idl', { instructions: (v, name) => toArray(v, name, 'an array of IDL instructions') });
    const id = programId ?? idl.address;
    if (id === undefined) throw new WebsvmError('InvalidIdl', 'the IDL has no address: pass the program id');
    this.programId = toAddress(id);
    for (const t of idl.types ?? []) this.types.set(t.name, t);
  }

  /** The program's name from the IDL. */
  get name(): string {
    return this.idl.metadata?.name ?? this.idl.name ?? 'program';
  }

  // --- borsh through IDL types ---

  #typeDef(t: IdlType): IdlTypeDef {
    const name = typeof t === 'object' && 'defined' in t ? (typeof t.defined === 'string' ? t.defined : t.defined.name) : String(t);
    const def = this.types.get(name) ?? this.#accountTypes().get(pascalCase(name));
    if (!def) throw new WebsvmError('InvalidIdl', `unknown IDL type ${name}`);
    return def;
  }

  /** The account types an old-format IDL declares inline, by their names in PascalCase. */
  #accountTypes(): Map<string, IdlTypeDef> {
    const m = new Map<string, IdlTypeDef>();
    for (const a of this.idl.accounts ?? []) if (a.type) m.set(pascalCase(a.name), { name: a.name, type: a.type });
    return m;
  }

  #schema(t: IdlType): Schema {
    if (typeof t === 'string') {
      if (PUBKEY_TYPES.has(t)) return { array: { type: 'u8', len: 32 } };
      if (t === 'bytes') return { array: { type: 'u8' } };
      return t as Schema;
    }
    if ('vec' in t) return { array: { type: this.#schema(t.vec) } };
    if ('option' in t) return { option: this.#schema(t.option) };
    if ('array' in t) return { array: { type: this.#schema(t.array[0]), len: t.array[1] } };
    return this.#defSchema(this.#typeDef(t));
  }

  #defSchema(def: IdlTypeDef): Schema {
    if (def.type.kind === 'struct') return this.#fieldsSchema(def.type.fields ?? []);
    return { enum: def.type.variants.map((v) => ({ struct: { [v.name]: this.#fieldsSchema(variantFields(v)) } })) };
  }

  #fieldsSchema(fields: IdlField[]): Schema {
    return { struct: Object.fromEntries(fields.map((f) => [f.name, this.#schema(f.type)])) };
  }

  /** Decoded borsh → JS: pubkeys as base58, bytes as Uint8Array. */
  #fromBorsh(t: IdlType, v: unknown): unknown {
    if (typeof t === 'string') {
      if (PUBKEY_TYPES.has(t)) return encodeAddress(Uint8Array.from(v as number[]));
      if (t === 'bytes') return Uint8Array.from(v as number[]);
      return v;
    }
    if ('vec' in t) return (v as unknown[]).map((x) => this.#fromBorsh(t.vec, x));
    if ('option' in t) return v === null || v === undefined ? null : this.#fromBorsh(t.option, v);
    if ('array' in t) return (v as unknown[]).map((x) => this.#fromBorsh(t.array[0], x));
    return this.#fromDef(this.#typeDef(t), v);
  }

  /** A struct's fields, or an enum value as `{ Variant: fields }` (a unit variant's fields are `{}`). */
  #fromDef(def: IdlTypeDef, v: unknown): unknown {
    const obj = v as Record<string, unknown>;
    const fromFields = (fields: IdlField[], values: Record<string, unknown>) =>
      Object.fromEntries(fields.map((f) => [f.name, this.#fromBorsh(f.type, values[f.name])]));
    if (def.type.kind === 'struct') return fromFields(def.type.fields ?? [], obj);
    // borsh decodes an enum as an object with exactly its variant's key.
    const [name] = Object.keys(obj);
    const variant = def.type.variants.find((x) => x.name === name);
    if (name === undefined || variant === undefined) throw new WebsvmError('InvalidIdl', `enum ${def.name} has no variant ${name ?? ''}`.trimEnd());
    return { [name]: fromFields(variantFields(variant), obj[name] as Record<string, unknown>) };
  }

  /**
   * JS → borsh input: base58 pubkeys (or `PublicKey`s) to bytes, `BN`s to bigints, fields by IDL
   * name in either case, enum values as `{ Variant: fields }` or, for a unit variant, its name
   * alone (`'Initialized'`, or `{ initialized: {} }` as Anchor's client writes it).
   */
  #toBorsh(t: IdlType, v: unknown): unknown {
    if (typeof t === 'string') {
      if (PUBKEY_TYPES.has(t)) return Array.from(decodeAddress(toAddress(v as AddressInput)));
      if (t === 'bytes') return Array.from(v as ArrayLike<number>);
      // bn.js numbers (what Anchor users pass for 64-bit and wider integers) as bigints.
      return typeof v === 'object' && v !== null && 'toArrayLike' in v ? BigInt(String(v)) : v;
    }
    if ('vec' in t) return (v as unknown[]).map((x) => this.#toBorsh(t.vec, x));
    if ('option' in t) return v === null || v === undefined ? null : this.#toBorsh(t.option, v);
    if ('array' in t) return Array.from(v as ArrayLike<unknown>, (x) => this.#toBorsh(t.array[0], x));
    const def = this.#typeDef(t);
    const toFields = (fields: IdlField[], values: Record<string, unknown>) =>
      Object.fromEntries(fields.map((f) => [f.name, this.#toBorsh(f.type, lookup(values, f.name))]));
    if (def.type.kind === 'struct') return toFields(def.type.fields ?? [], v as Record<string, unknown>);
    const [key, fields] = typeof v === 'string' ? [v, {}] : (Object.entries(v as object)[0] ?? []);
    const variant = def.type.variants.find((x) => x.name === key || pascalCase(x.name) === pascalCase(String(key)));
    if (!variant) {
      const names = def.type.variants.map((x) => x.name).join(', ');
      throw new WebsvmError('InvalidArgument', `${JSON.stringify(key)} is not a variant of ${def.name} (${names})`);
    }
    return { [variant.name]: toFields(variantFields(variant), (fields ?? {}) as Record<string, unknown>) };
  }

  /** The primitive type at `path` inside `type`'s struct fields (`type` itself for an empty path). */
  #fieldType(type: IdlType, path: string[]): IdlType {
    if (path.length === 0) return type;
    const def = this.#typeDef(type);
    const [first = ''] = path;
    const field = def.type.kind === 'struct' ? def.type.fields?.find((f) => f.name === first || camelCase(f.name) === camelCase(first)) : undefined;
    if (!field) throw new WebsvmError('InvalidIdl', `${def.name} has no field ${first}`);
    return this.#fieldType(field.type, path.slice(1));
  }

  /** Encodes `value` as the IDL type `name` (borsh, no discriminator), e.g. an instruction's nested argument. */
  encodeType(name: string, value: unknown): Uint8Array {
    toText(name, 'name', 'an IDL type name');
    const type: IdlType = { defined: name };
    return serialize(this.#schema(type), this.#toBorsh(type, value));
  }

  /** Decodes borsh `data` as the IDL type `name`. */
  decodeType<T = Record<string, unknown>>(name: string, data: Uint8Array): T {
    toText(name, 'name', 'an IDL type name');
    toBytes(data, 'data');
    const type: IdlType = { defined: name };
    return this.#fromBorsh(type, deserialize(this.#schema(type), data)) as T;
  }

  // --- instructions ---

  /**
   * Builds an instruction: `args` and `accounts` by IDL name (in the IDL's case, snake_case or
   * camelCase). Accounts may be left out where Anchor's client fills them in: a fixed `address`,
   * a PDA whose `pda.seeds` are known (seeds reading another account's data need
   * `options.accountData`), an account a 0.30 IDL's `relations` (`has_one`) find in a field of a
   * related account's data (also read through `options.accountData`), the well-known programs and
   * sysvars an old-format IDL names (`systemProgram`, `tokenProgram`, `associatedTokenProgram`,
   * `rent`, `clock`), and optional accounts, which are the program id, read-only, for None (as is
   * `null`, or the program id given).
   */
  instruction(
    name: string,
    args: Record<string, unknown>,
    accounts: Record<string, AddressInput | null | undefined>,
    options?: ResolveOptions,
  ): AnchorInstruction {
    toText(name, 'name', 'an IDL instruction name');
    toFields(args, 'args', 'the arguments by name (an object)');
    toFields(accounts, 'accounts', 'the accounts by name (an object)');
    toOptions(options);
    const ix = this.idl.instructions.find((i) => i.name === name || snakeCase(i.name) === snakeCase(name));
    if (!ix) throw new WebsvmError('InvalidIdl', `${this.name} has no instruction ${name}`);
    const disc = ix.discriminator ? Uint8Array.from(ix.discriminator) : discriminator('global', snakeCase(ix.name));
    const fields = ix.args;
    const body = serialize(
      this.#fieldsSchema(fields),
      Object.fromEntries(
        fields.map((f) => {
          const value = lookup(args, f.name);
          if (value === undefined) throw new WebsvmError('InvalidArgument', `${name}: missing argument ${f.name}`);
          return [f.name, this.#toBorsh(f.type, value)];
        }),
      ),
    );
    const metas = resolveAccounts(ix, args, accounts, {
      programId: this.programId,
      legacy: ix.discriminator === undefined,
      coder: {
        fieldType: (type, path) => this.#fieldType(type as IdlType, path),
        decodeAccount: (account, data) => this.decodeAccount(account, data),
        decodeAnyAccount: (data) => this.decodeAnyAccount(data)?.data,
      },
      options,
    });
    const data = new Uint8Array(DISCRIMINATOR_BYTES + body.length);
    data.set(disc);
    data.set(body, DISCRIMINATOR_BYTES);
    return { programAddress: this.programId, accounts: metas, data };
  }

  /** The IDL instruction `data` calls and its decoded arguments, or undefined when no discriminator matches. */
  decodeInstruction(data: Uint8Array): { name: string; args: Record<string, unknown> } | undefined {
    data = toBytes(data, 'data');
    const ix = this.idl.instructions.find((i) => same(data, i.discriminator ?? discriminator('global', snakeCase(i.name))));
    if (!ix) return undefined;
    const decoded = deserialize(this.#fieldsSchema(ix.args), data.subarray(DISCRIMINATOR_BYTES)) as Record<string, unknown>;
    return { name: ix.name, args: Object.fromEntries(ix.args.map((f) => [f.name, this.#fromBorsh(f.type, decoded[f.name])])) };
  }

  // --- accounts and events ---

  /** The IDL account type `data` holds (by its discriminator) and its decoded fields, or undefined when none matches. */
  decodeAnyAccount(data: Uint8Array): { name: string; data: Record<string, unknown> } | undefined {
    const account = (this.idl.accounts ?? []).find((a) => same(data, this.#accountEntry(a.name).disc));
    return account && { name: account.name, data: this.decodeAccount(account.name, data) };
  }

  /** IDL account `name` (in the IDL's case or another), its discriminator and its type. */
  #accountEntry(name: string) {
    const a = (this.idl.accounts ?? []).find((x) => x.name === name) ?? (this.idl.accounts ?? []).find((x) => pascalCase(x.name) === pascalCase(name));
    if (!a) throw new WebsvmError('InvalidIdl', `${this.name} has no account type ${name}`);
    const def = a.type ? { name: a.name, type: a.type } : this.#typeDef({ defined: a.name });
    return { disc: a.discriminator ? Uint8Array.from(a.discriminator) : discriminator('account', pascalCase(a.name)), def };
  }

  /** Decodes an account's data as IDL account `name` (checks the 8-byte discriminator). */
  decodeAccount<T = Record<string, unknown>>(name: string, data: Uint8Array): T {
    toText(name, 'name', 'an IDL account name');
    toBytes(data, 'data');
    const { disc, def } = this.#accountEntry(name);
    if (!same(data, disc)) throw new WebsvmError('AccountDiscriminatorMismatch', `account data is not a ${name}`);
    return this.#fromDef(def, deserialize(this.#defSchema(def), data.subarray(DISCRIMINATOR_BYTES))) as T;
  }

  /** Encodes `value` as account `name` (discriminator + borsh), e.g. to build fixtures. */
  encodeAccount(name: string, value: Record<string, unknown>): Uint8Array {
    toText(name, 'name', 'an IDL account name');
    toFields(value, 'value', 'the account fields by name (an object)');
    const { disc, def } = this.#accountEntry(name);
    const fields = def.type.kind === 'struct' ? (def.type.fields ?? []) : [];
    const body = serialize(this.#defSchema(def), Object.fromEntries(fields.map((f) => [f.name, this.#toBorsh(f.type, lookup(value, f.name))])));
    const out = new Uint8Array(DISCRIMINATOR_BYTES + body.length);
    out.set(disc);
    out.set(body, DISCRIMINATOR_BYTES);
    return out;
  }

  /** Events in `Program data:` log lines (Anchor's `emit!`), decoded by discriminator. */
  decodeEvents(logs: string[]): { name: string; data: Record<string, unknown> }[] {
    const out: { name: string; data: Record<string, unknown> }[] = [];
    for (const line of toEach(logs, 'logs', 'an array of log lines', (l, name) => toText(l, name))) {
      if (!line.startsWith('Program data: ')) continue;
      for (const field of line.slice('Program data: '.length).split(' ')) {
        const bytes = base64ToBytes(field);
        if (!bytes) continue; // not an event of this program
        for (const e of this.idl.events ?? []) {
          const disc = e.discriminator ? Uint8Array.from(e.discriminator) : discriminator('event', e.name);
          if (!same(bytes, disc)) continue;
          const fields =
            e.fields ?? (this.types.get(e.name)?.type.kind === 'struct' ? ((this.types.get(e.name)!.type as { fields?: IdlField[] }).fields ?? []) : []);
          const decoded = deserialize(this.#fieldsSchema(fields), bytes.subarray(DISCRIMINATOR_BYTES)) as Record<string, unknown>;
          out.push({ name: e.name, data: Object.fromEntries(fields.map((f) => [f.name, this.#fromBorsh(f.type, decoded[f.name])])) });
        }
      }
    }
    return out;
  }

  // --- errors ---

  /** The IDL (or Anchor framework) name and message of a custom error code. */
  errorName(code: number): { name: string; msg?: string } | undefined {
    const e = (this.idl.errors ?? []).find((x) => x.code === code);
    if (e) return { name: e.name, msg: e.msg };
    const framework = ANCHOR_FRAMEWORK_ERRORS[code];
    return framework ? { name: framework } : undefined;
  }

  /** The custom error code of an IDL error name. */
  errorCode(name: string): number {
    toText(name, 'name', 'an IDL error name');
    const e = (this.idl.errors ?? []).find((x) => x.name === name);
    if (e) return e.code;
    const framework = Object.entries(ANCHOR_FRAMEWORK_ERRORS).find(([, n]) => n === name);
    if (framework) return Number(framework[0]);
    throw new WebsvmError('InvalidIdl', `${this.name} has no error ${name}`);
  }

  /** A check that the run failed with the IDL (or framework) error `name`. */
  errorCheck(name: string): Check {
    return Check.err({ custom: this.errorCode(name) });
  }

  /** A readable form of an instruction error, with the IDL name of custom codes. */
  describe(error: InstructionError): string {
    if (typeof toFields(error, 'error', 'an InstructionError { kind, … }').kind !== 'string') throw refused('error', 'an InstructionError { kind, … }', error);
    if (error.kind !== 'Custom') return error.kind;
    const named = this.errorName(error.code);
    return named ? `${named.name} (Custom(${error.code})${named.msg ? `: ${named.msg}` : ''})` : `Custom(${error.code})`;
  }
}

/** An enum variant's fields, tuple variants' unnamed ones named by position. */
function variantFields(variant: { fields?: (IdlField | IdlType)[] }): IdlField[] {
  return (variant.fields ?? []).map((f, i) => (typeof f === 'object' && f !== null && 'name' in f ? f : { name: String(i), type: f as IdlType }));
}
