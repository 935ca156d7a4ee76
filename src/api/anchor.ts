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
import { Check } from './harness.js';

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
interface IdlAccountItem {
  name: string;
  writable?: boolean;
  signer?: boolean;
  isMut?: boolean;
  isSigner?: boolean;
  address?: string;
  optional?: boolean;
  isOptional?: boolean;
  accounts?: IdlAccountItem[];
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

/** Anchor's own error codes (anchor-lang `ErrorCode`), for failures raised by the framework. */
export const ANCHOR_FRAMEWORK_ERRORS: Record<number, string> = {
  100: 'InstructionMissing',
  101: 'InstructionFallbackNotFound',
  102: 'InstructionDidNotDeserialize',
  103: 'InstructionDidNotSerialize',
  2000: 'ConstraintMut',
  2001: 'ConstraintHasOne',
  2002: 'ConstraintSigner',
  2003: 'ConstraintRaw',
  2004: 'ConstraintOwner',
  2005: 'ConstraintRentExempt',
  2006: 'ConstraintSeeds',
  2007: 'ConstraintExecutable',
  2012: 'ConstraintAddress',
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
};

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const discriminator = (namespace: string, name: string) => sha256(new TextEncoder().encode(`${namespace}:${name}`)).subarray(0, 8);
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

  private typeDef(t: IdlType): IdlTypeDef {
    const name = typeof t === 'object' && 'defined' in t ? (typeof t.defined === 'string' ? t.defined : t.defined.name) : String(t);
    const def = this.types.get(name) ?? this.accountTypes().get(name);
    if (!def) throw new WebsvmError('InvalidIdl', `unknown IDL type ${name}`);
    return def;
  }

  private accountTypes(): Map<string, IdlTypeDef> {
    const m = new Map<string, IdlTypeDef>();
    for (const a of this.idl.accounts ?? []) if (a.type) m.set(a.name, { name: a.name, type: a.type });
    return m;
  }

  private schema(t: IdlType): Schema {
    if (typeof t === 'string') {
      if (PUBKEY_TYPES.has(t)) return { array: { type: 'u8', len: 32 } };
      if (t === 'bytes') return { array: { type: 'u8' } };
      return t as Schema;
    }
    if ('vec' in t) return { array: { type: this.schema(t.vec) } };
    if ('option' in t) return { option: this.schema(t.option) };
    if ('array' in t) return { array: { type: this.schema(t.array[0]), len: t.array[1] } };
    return this.defSchema(this.typeDef(t));
  }

  private defSchema(def: IdlTypeDef): Schema {
    if (def.type.kind === 'struct') return this.fieldsSchema(def.type.fields ?? []);
    return {
      enum: def.type.variants.map((v) => ({
        struct: {
          [v.name]: this.fieldsSchema(
            (v.fields ?? []).map((f, i) => (typeof f === 'object' && f !== null && 'name' in f ? f : { name: String(i), type: f as IdlType })),
          ),
        },
      })),
    };
  }

  private fieldsSchema(fields: IdlField[]): Schema {
    return { struct: Object.fromEntries(fields.map((f) => [f.name, this.schema(f.type)])) };
  }

  /** Decoded borsh → JS: pubkeys as base58, bytes as Uint8Array. */
  private fromBorsh(t: IdlType, v: unknown): unknown {
    if (typeof t === 'string') {
      if (PUBKEY_TYPES.has(t)) return encodeAddress(Uint8Array.from(v as number[]));
      if (t === 'bytes') return Uint8Array.from(v as number[]);
      return v;
    }
    if ('vec' in t) return (v as unknown[]).map((x) => this.fromBorsh(t.vec, x));
    if ('option' in t) return v === null || v === undefined ? null : this.fromBorsh(t.option, v);
    if ('array' in t) return (v as unknown[]).map((x) => this.fromBorsh(t.array[0], x));
    return this.fromDef(this.typeDef(t), v);
  }

  private fromDef(def: IdlTypeDef, v: unknown): unknown {
    const obj = v as Record<string, unknown>;
    if (def.type.kind === 'struct') return Object.fromEntries((def.type.fields ?? []).map((f) => [f.name, this.fromBorsh(f.type, obj[f.name])]));
    // borsh decodes an enum as an object with exactly its variant's key.
    const [variant] = Object.keys(obj);
    if (variant === undefined) throw new WebsvmError('InvalidIdl', `enum ${def.name} has no variants`);
    return { [variant]: obj[variant] };
  }

  /** JS → borsh input: base58 pubkeys to bytes. */
  private toBorsh(t: IdlType, v: unknown): unknown {
    if (typeof t === 'string') {
      if (PUBKEY_TYPES.has(t)) return Array.from(decodeAddress(toAddress(v as AddressInput)));
      if (t === 'bytes') return Array.from(v as ArrayLike<number>);
      return v;
    }
    if ('vec' in t) return (v as unknown[]).map((x) => this.toBorsh(t.vec, x));
    if ('option' in t) return v === null || v === undefined ? null : this.toBorsh(t.option, v);
    if ('array' in t) return Array.from(v as ArrayLike<unknown>, (x) => this.toBorsh(t.array[0], x));
    const def = this.typeDef(t);
    if (def.type.kind !== 'struct') return v;
    const obj = v as Record<string, unknown>;
    return Object.fromEntries((def.type.fields ?? []).map((f) => [f.name, this.toBorsh(f.type, obj[f.name])]));
  }

  // --- instructions ---

  /**
   * Builds an instruction: `args` by IDL argument name, `accounts` by IDL account name (accounts
   * with a fixed address in the IDL may be left out, and optional ones: Anchor passes the program id for None).
   */
  instruction(name: string, args: Record<string, unknown>, accounts: Record<string, AddressInput>): AnchorInstruction {
    const ix = this.idl.instructions.find((i) => i.name === name || snake(i.name) === snake(name));
    if (!ix) throw new WebsvmError('InvalidIdl', `${this.name} has no instruction ${name}`);
    const disc = ix.discriminator ? Uint8Array.from(ix.discriminator) : discriminator('global', snake(ix.name));
    const fields = ix.args;
    const body = serialize(
      this.fieldsSchema(fields),
      Object.fromEntries(
        fields.map((f) => {
          if (!(f.name in args)) throw new WebsvmError('InvalidArgument', `${name}: missing argument ${f.name}`);
          return [f.name, this.toBorsh(f.type, args[f.name])];
        }),
      ),
    );
    const metas: { address: string; role: number }[] = [];
    const flatten = (items: IdlAccountItem[]) => {
      for (const item of items) {
        if (item.accounts) {
          flatten(item.accounts);
          continue;
        }
        const given = accounts[item.name] ?? accounts[snake(item.name)];
        const address = given !== undefined ? toAddress(given) : item.address;
        if (address === undefined) {
          if (item.optional ?? item.isOptional) {
            metas.push({ address: this.programId, role: 0 });
            continue;
          }
          throw new WebsvmError('InvalidArgument', `${name}: missing account ${item.name}`);
        }
        const writable = item.writable ?? item.isMut ?? false;
        const signer = item.signer ?? item.isSigner ?? false;
        metas.push({ address, role: (writable ? 1 : 0) | (signer ? 2 : 0) });
      }
    };
    flatten(ix.accounts);
    const data = new Uint8Array(8 + body.length);
    data.set(disc);
    data.set(body, 8);
    return { programAddress: this.programId, accounts: metas, data };
  }

  // --- accounts and events ---

  private accountEntry(name: string) {
    const a = (this.idl.accounts ?? []).find((x) => x.name === name);
    if (!a) throw new WebsvmError('InvalidIdl', `${this.name} has no account type ${name}`);
    const def = a.type ? { name, type: a.type } : this.typeDef({ defined: name });
    return { disc: a.discriminator ? Uint8Array.from(a.discriminator) : discriminator('account', name), def };
  }

  /** Decodes an account's data as IDL account `name` (checks the 8-byte discriminator). */
  decodeAccount<T = Record<string, unknown>>(name: string, data: Uint8Array): T {
    const { disc, def } = this.accountEntry(name);
    if (!same(data, disc)) throw new WebsvmError('AccountDiscriminatorMismatch', `account data is not a ${name}`);
    return this.fromDef(def, deserialize(this.defSchema(def), data.subarray(8))) as T;
  }

  /** Encodes `value` as account `name` (discriminator + borsh), e.g. to build fixtures. */
  encodeAccount(name: string, value: Record<string, unknown>): Uint8Array {
    const { disc, def } = this.accountEntry(name);
    const fields = def.type.kind === 'struct' ? (def.type.fields ?? []) : [];
    const body = serialize(this.defSchema(def), Object.fromEntries(fields.map((f) => [f.name, this.toBorsh(f.type, value[f.name])])));
    const out = new Uint8Array(8 + body.length);
    out.set(disc);
    out.set(body, 8);
    return out;
  }

  /** Events in `Program data:` log lines (Anchor's `emit!`), decoded by discriminator. */
  decodeEvents(logs: string[]): { name: string; data: Record<string, unknown> }[] {
    const out: { name: string; data: Record<string, unknown> }[] = [];
    for (const line of logs) {
      if (!line.startsWith('Program data: ')) continue;
      for (const field of line.slice('Program data: '.length).split(' ')) {
        const bytes = base64ToBytes(field);
        if (!bytes) continue; // not an event of this program
        for (const e of this.idl.events ?? []) {
          const disc = e.discriminator ? Uint8Array.from(e.discriminator) : discriminator('event', e.name);
          if (!same(bytes, disc)) continue;
          const fields =
            e.fields ?? (this.types.get(e.name)?.type.kind === 'struct' ? ((this.types.get(e.name)!.type as { fields?: IdlField[] }).fields ?? []) : []);
          const decoded = deserialize(this.fieldsSchema(fields), bytes.subarray(8)) as Record<string, unknown>;
          out.push({ name: e.name, data: Object.fromEntries(fields.map((f) => [f.name, this.fromBorsh(f.type, decoded[f.name])])) });
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
    if (error.kind !== 'Custom') return error.kind;
    const named = this.errorName(error.code);
    return named ? `${named.name} (Custom(${error.code})${named.msg ? `: ${named.msg}` : ''})` : `Custom(${error.code})`;
  }
}
