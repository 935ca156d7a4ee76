/**
 * Host functions callable from sBPF (`call imm` with a registered hash). A syscall receives the
 * VM context and r1..r5 and returns r0; it aborts the program by throwing (an `EbpfError`, or any
 * Error, which becomes `SyscallError` with the error's message as in the reference's boxed error).
 */
import { refused, toFunction, toInteger, toText } from '../arguments.js';
import { hashSymbolName } from '../elf/murmur3.js';
import { EbpfError } from './errors.js';
import { WebsvmError } from '../errors.js';
import type { MemoryMap } from './memory.js';
import { InstructionFailure } from '../runtime/errors.js';
import { SyscallError } from '../syscalls/errors.js';

/** What a syscall can reach while it runs. */
export interface SyscallContext {
  /** The program's memory. */
  readonly memory: MemoryMap;
  /** Compute units left (after the instructions executed so far were charged). */
  remaining(): bigint;
  /** Charges `units`; saturates at zero (the caller decides whether running out is an error). */
  consume(units: bigint | number): void;
  /** Whether typed pointers must be aligned (false for loader-v1 programs); default true. */
  readonly checkAligned?: boolean;
}

/** A host function: `(ctx, r1..r5) → r0`. */
export type SyscallFn = (ctx: SyscallContext, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => bigint;

/** A registered syscall. */
export interface SyscallEntry {
  /** Symbol name (`sol_log_` …). */
  readonly name: string;
  /** murmur3 hash of the name: the `call` immediate. */
  readonly hash: number;
  /** The host function. */
  readonly fn: SyscallFn;
  /** Compute units charged before the function runs (0 when the function meters itself). */
  readonly cost: number;
}

/** A set of syscalls keyed by name hash (solana-sbpf's loader function registry). */
export class SyscallRegistry {
  private readonly byHash = new Map<number, SyscallEntry>();
  private signatureText: string | undefined;
  #revision = 0;

  /** Registers `fn` under `name`; `cost` units are charged on every call before `fn` runs. */
  register(name: string, fn: SyscallFn, opts: { cost?: number } = {}): this {
    toText(name, 'name', 'a syscall name');
    toFunction(fn, 'fn', 'a syscall function');
    if (typeof opts !== 'object' || opts === null) throw refused('opts', 'options { cost? } or undefined', opts);
    if (opts.cost !== undefined) toInteger(opts.cost, 'opts.cost', 0, Number.MAX_SAFE_INTEGER, 'a compute unit cost');
    const hash = hashSymbolName(name);
    const existing = this.byHash.get(hash);
    if (existing && existing.name !== name) {
      throw new WebsvmError('SymbolHashCollision', `Symbol hash collision ${name} / ${existing.name}`, { name, existingName: existing.name, hash });
    }
    this.byHash.set(hash, { name, hash, fn, cost: opts.cost ?? 0 });
    this.signatureText = undefined;
    this.#revision++;
    return this;
  }

  /**
   * Which hashes are registered, as text: registries with the same signature resolve every
   * `call` alike, so compiled code is shared between them.
   */
  signature(): string {
    return (this.signatureText ??= [...this.byHash.keys()].sort((a, b) => a - b).join(','));
  }

  /** Changes with every {@link register}: a cache of lookups is valid while it stays the same. */
  get revision(): number {
    return this.#revision;
  }

  /** The syscall whose name hashes to `hash`, if any. */
  lookup(hash: number): SyscallEntry | undefined {
    if (typeof hash !== 'number') throw refused('hash', 'a syscall hash (a number)', hash);
    return this.byHash.get(hash >>> 0);
  }

  /** All registered syscalls. */
  entries(): IterableIterator<SyscallEntry> {
    return this.byHash.values();
  }
}

/**
 * Runs a syscall the way solana-sbpf's `BuiltinFunctionDefinition::vm` does once the executed
 * instructions are charged: the registered cost (failing like `consume_checked` when it does not
 * fit), then the function; any failure becomes `SyscallError` carrying the original as `cause`.
 */
export function invokeSyscall(ctx: SyscallContext, entry: SyscallEntry, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint, pc: number): bigint {
  try {
    if (entry.cost > 0) {
      consumeChecked(ctx, entry.cost);
    }
    // The registers one by one, not in an array spread into the call: a syscall is made per call
    // instruction, and before V8 optimises the caller both the array and the spread cost.
    return entry.fn(ctx, r1, r2, r3, r4, r5);
  } catch (e) {
    const err = EbpfError.syscall(e instanceof Error ? e.message : String(e));
    err.pc = pc;
    (err as { cause?: unknown }).cause = e;
    throw err;
  }
}

/** Charges `units` or fails the way `consume_checked` does (the meter drops to zero). */
export function consumeChecked(ctx: SyscallContext, units: number): void {
  if (ctx.remaining() < units) {
    ctx.consume(ctx.remaining());
    throw new InstructionFailure({ kind: 'ComputationalBudgetExceeded' });
  }
  ctx.consume(units);
}

/** `translate_type`'s alignment rule: a typed pointer must be aligned unless the caller is loader v1. */
export function requireAligned(ctx: SyscallContext, addr: bigint, align: number): void {
  if (ctx.checkAligned !== false && addr % BigInt(align) !== 0n) throw new SyscallError('UnalignedPointer');
}
