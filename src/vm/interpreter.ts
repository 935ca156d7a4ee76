/**
 * The reference interpreter: executes sBPF one instruction at a time with solana-sbpf's exact
 * semantics (`interpreter.rs` `step`), meter precedence and call frames. It is the oracle the JIT
 * is compared against, so clarity of semantics wins over cleverness — but the hot loop keeps
 * registers as 32-bit halves (no BigInt) for the common ALU, jump and memory instructions.
 */
import {
  FIRST_SCRATCH_REG,
  FRAME_PTR_REG,
  INSN_SIZE,
  MAX_CALL_DEPTH,
  MM_INPUT_START,
  MM_STACK_START,
  STACK_FRAME_SIZE,
} from '../isa/constants.js';
import * as op from '../isa/opcodes.js';
import {
  callxTargetRegister,
  disableLddw,
  disableLe,
  disableNeg,
  enableJmp32,
  enablePqr,
  explicitSignExtensionOfResults,
  manualStackFrameBump,
  moveMemoryInstructionClasses,
  stackFrameGaps,
  staticSyscalls,
  swapSubRegImmOperands,
  type SBPFVersion,
} from '../isa/version.js';
import type { Executable } from '../executable.js';
import { EbpfError } from './errors.js';
import type { MemoryMap } from './memory.js';
import { invokeSyscall, type SyscallContext, type SyscallRegistry } from './syscalls.js';

/** One register-trace entry: r0..r10 followed by the pc, as the reference's `RegisterTraceEntry`. */
export type TraceEntry = bigint[];

/**
 * Where a register trace goes: an array, or a recorder that keeps what it needs of each entry and
 * returns `false` once it wants no more (the run then goes on untraced, at full speed).
 */
export interface TraceSink {
  push(entry: TraceEntry): unknown;
}

/** Outcome of a run. */
export type RunResult =
  | { ok: true; value: bigint; instructions: bigint }
  | { ok: false; error: EbpfError; instructions: bigint };

const U32 = 0x1_0000_0000;
const MIN_I64 = -(1n << 63n);

/** Decoded program: one typed array per field, indexed by slot. */
interface Decoded {
  readonly n: number;
  readonly opc: Uint8Array;
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly off: Int16Array;
  readonly imm: Int32Array;
}

const decodedCache = new WeakMap<Uint8Array, Decoded>();

function decode(text: Uint8Array): Decoded {
  const cached = decodedCache.get(text);
  if (cached) return cached;
  const n = Math.floor(text.length / INSN_SIZE);
  const d: Decoded = {
    n,
    opc: new Uint8Array(n),
    dst: new Uint8Array(n),
    src: new Uint8Array(n),
    off: new Int16Array(n),
    imm: new Int32Array(n),
  };
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  for (let pc = 0; pc < n; pc++) {
    const o = pc * INSN_SIZE;
    d.opc[pc] = text[o];
    d.dst[pc] = text[o + 1] & 0x0f;
    d.src[pc] = text[o + 1] >>> 4;
    d.off[pc] = view.getInt16(o + 2, true);
    d.imm[pc] = view.getInt32(o + 4, true);
  }
  decodedCache.set(text, d);
  return d;
}

const bswap32 = (v: number): number =>
  (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** r10 at entry (SBPF_SEMANTICS §1): top of frame 0, or of the whole stack with manual frames. */
export function initialFramePointer(exe: Executable, memory: MemoryMap): bigint {
  return BigInt(MM_STACK_START + (manualStackFrameBump(exe.sbpfVersion) ? memory.hostLength[2] : STACK_FRAME_SIZE));
}

/** Options of one interpreter run. */
export interface InterpreterOptions {
  /** Budget of the instruction meter. */
  computeUnits: bigint;
  /** Host functions. */
  syscalls: SyscallRegistry;
  /** Collect a register trace (one entry per executed instruction). */
  trace?: TraceSink;
  /**
   * Continue a run another engine started (the JIT hands over when it cannot finish exactly):
   * registers and call frames are already in place, this is the rest of the machine state.
   */
  resume?: ResumeState;
}

/** Machine state beyond registers and frames, for {@link InterpreterOptions.resume}. */
export interface ResumeState {
  pc: number;
  depth: number;
  /** Units left in the context meter. */
  remaining: number;
  /** The meter as last synchronised, and instructions executed since. */
  previousMeter: number;
  due: number;
}

/**
 * One VM instance: registers, call frames and the instruction meter over a memory map.
 * Registers are kept in a 12 × u64 buffer (r0..r10, pc) viewed as u32 halves and as u64.
 */
export class Interpreter implements SyscallContext {
  /** Register file as 32-bit halves: r[i] = (R[2i+1] << 32) | R[2i]; slot 11 is the pc. */
  readonly R = new Uint32Array(24);
  /** Unsigned 64-bit view of the register file. */
  readonly B = new BigUint64Array(this.R.buffer);
  /** Signed 64-bit view of the register file. */
  readonly S = new BigInt64Array(this.R.buffer);

  /** Call frames: r6..r9 and r10 of the caller (5 per frame), and the return pc. */
  readonly savedRegs = new BigUint64Array(MAX_CALL_DEPTH * 5);
  readonly returnPc = new Int32Array(MAX_CALL_DEPTH);
  private depth = 0;
  /** SyscallContext: whether syscalls check pointer alignment. */
  checkAligned = true;
  /** Meter: remaining units at the last synchronisation, and instructions executed since. */
  private previousMeter = 0;
  private due = 0;
  private remainingUnits = 0;

  constructor(
    readonly exe: Executable,
    readonly memory: MemoryMap,
  ) {
    this.B[1] = BigInt(MM_INPUT_START);
    this.B[FRAME_PTR_REG] = initialFramePointer(exe, memory);
  }

  /** SyscallContext: units left. */
  remaining(): bigint {
    return BigInt(this.remainingUnits);
  }

  /** SyscallContext: charge units, saturating at zero. */
  consume(units: bigint | number): void {
    const u = Number(units);
    this.remainingUnits = this.remainingUnits > u ? this.remainingUnits - u : 0;
  }

  /** Runs from the entrypoint until exit or error. */
  run(opts: InterpreterOptions): RunResult {
    // Budgets beyond 2^53 units are indistinguishable from unlimited here.
    const initial = Number(opts.computeUnits);
    const resume = opts.resume;
    this.remainingUnits = resume ? resume.remaining : initial;
    this.previousMeter = resume ? resume.previousMeter : initial;
    this.due = resume ? resume.due : 0;
    this.depth = resume ? resume.depth : 0;
    let outcome: { ok: true; value: bigint } | { ok: false; error: EbpfError };
    try {
      outcome = { ok: true, value: this.loop(opts) };
    } catch (e) {
      if (!(e instanceof EbpfError)) throw e; // a defect of ours, not a program outcome
      const error = e;
      if (error.pc === undefined) error.pc = this.R[22];
      outcome = { ok: false, error };
    }
    this.consume(this.due);
    this.due = 0;
    return { ...outcome, instructions: BigInt(initial - this.remainingUnits) };
  }

  private fail(kind: 'DivideByZero' | 'DivideOverflow' | 'UnsupportedInstruction' | 'InvalidInstruction' | 'CallOutsideTextSegment' | 'CallDepthExceeded' | 'ExceededMaxInstructions' | 'ExecutionOverrun', pc: number): never {
    this.R[22] = pc;
    throw new EbpfError(kind, undefined, pc);
  }

  /** Saves r6..r9, r10 and the return pc; bumps the frame pointer as the version requires. */
  private pushFrame(pc: number): void {
    const B = this.B;
    const base = this.depth * 5;
    for (let i = 0; i < 4; i++) this.savedRegs[base + i] = B[FIRST_SCRATCH_REG + i];
    this.savedRegs[base + 4] = B[FRAME_PTR_REG];
    this.returnPc[this.depth] = pc + 1;
    this.depth++;
    if (this.depth === MAX_CALL_DEPTH) this.fail('CallDepthExceeded', pc);
    const v = this.exe.sbpfVersion;
    if (!manualStackFrameBump(v)) {
      B[FRAME_PTR_REG] += BigInt(STACK_FRAME_SIZE * (stackFrameGaps(v) ? 2 : 1));
    }
  }

  /** Charges the instructions so far, runs a syscall, re-synchronises the meter. */
  private dispatchSyscall(hash: number, pc: number): boolean {
    const entry = this.syscalls!.lookup(hash);
    if (!entry) return false;
    this.R[22] = pc;
    this.consume(this.due);
    this.due = 0;
    const B = this.B;
    try {
      B[0] = invokeSyscall(this, entry, [B[1], B[2], B[3], B[4], B[5]], pc);
    } finally {
      this.previousMeter = this.remainingUnits;
    }
    return true;
  }

  private syscalls: SyscallRegistry | undefined;

  private loop(opts: InterpreterOptions): bigint {
    this.syscalls = opts.syscalls;
    const exe = this.exe;
    const v: SBPFVersion = exe.sbpfVersion;
    const { n, opc, dst: D, src: SR, off: OFF, imm: IMM } = decode(exe.text);
    const R = this.R;
    const B = this.B;
    const S = this.S;
    const mem = this.memory;
    const bytes = mem.bytes;
    const view = mem.view;
    let trace = opts.trace;
    const moveMem = moveMemoryInstructionClasses(v);
    const pqr = enablePqr(v);
    const jmp32 = enableJmp32(v);
    const signExt = !explicitSignExtensionOfResults(v);
    const swapSub = swapSubRegImmOperands(v);
    const noNeg = disableNeg(v);
    const noLddw = disableLddw(v);
    const noLe = disableLe(v);
    const statics = staticSyscalls(v);
    const textVaddr = BigInt(exe.textVaddr);
    let pc = opts.resume ? opts.resume.pc : exe.entryPc;

    // 32-bit result writers.
    const set32 = (d: number, value: number, sign: boolean): void => {
      R[2 * d] = value;
      R[2 * d + 1] = sign && value & 0x80000000 ? 0xffffffff : 0;
    };
    // Host offset of `reg + off`, or throws the access violation.
    const address = (r: number, off: number, len: number, store: boolean): number => {
      let lo = R[2 * r] + off;
      let hi = R[2 * r + 1];
      if (lo >= U32) {
        lo -= U32;
        hi = (hi + 1) >>> 0;
      } else if (lo < 0) {
        lo += U32;
        hi = (hi - 1) >>> 0;
      }
      const host = mem.translateParts(hi, lo, len, store);
      if (host < 0) {
        R[22] = pc;
        const err = mem.accessViolation((BigInt(hi) << 32n) | BigInt(lo), len, store);
        err.pc = pc;
        throw err;
      }
      return host;
    };
    const load = (d: number, s: number, off: number, len: number): void => {
      const o = address(s, off, len, false);
      R[2 * d + 1] = 0;
      if (len === 1) R[2 * d] = bytes[o];
      else if (len === 2) R[2 * d] = view.getUint16(o, true);
      else if (len === 4) R[2 * d] = view.getUint32(o, true);
      else {
        R[2 * d] = view.getUint32(o, true);
        R[2 * d + 1] = view.getUint32(o + 4, true);
      }
    };
    const store = (d: number, off: number, len: number, lo: number, hi: number): void => {
      const o = address(d, off, len, true);
      if (len === 1) bytes[o] = lo;
      else if (len === 2) view.setUint16(o, lo & 0xffff, true);
      else if (len === 4) view.setUint32(o, lo, true);
      else {
        view.setUint32(o, lo, true);
        view.setUint32(o + 4, hi, true);
      }
    };
    const lt = (ah: number, al: number, bh: number, bl: number): boolean => ah < bh || (ah === bh && al < bl);
    const slt = (ah: number, al: number, bh: number, bl: number): boolean =>
      (ah | 0) < (bh | 0) || (ah === bh && al < bl);

    for (;;) {
      if (this.due >= this.previousMeter) this.fail('ExceededMaxInstructions', pc);
      this.due++;
      if (pc >= n || pc < 0) this.fail('ExecutionOverrun', pc);
      R[22] = pc;
      if (trace && trace.push(Array.from(B.subarray(0, 12))) === false) trace = undefined;
      const o = opc[pc];
      const d = D[pc];
      const s = SR[pc];
      const imm = IMM[pc];
      // Registers r11..r15 do not exist; the verifier rejects them (the reference would index out of bounds).
      if (d > 10 || s > 10) this.fail('InvalidInstruction', pc);
      const immHi = imm < 0 ? 0xffffffff : 0;
      let next = pc + 1;
      switch (o) {
        case op.LD_DW_IMM:
          if (noLddw) this.fail('UnsupportedInstruction', pc);
          R[2 * d] = imm >>> 0;
          R[2 * d + 1] = pc + 1 < n ? IMM[pc + 1] >>> 0 : 0;
          next = pc + 2;
          break;
        // V0 memory classes (V2 reuses none of these opcodes).
        case op.LD_B_REG:
        case op.LD_H_REG:
        case op.LD_W_REG:
        case op.LD_DW_REG:
          if (moveMem) this.fail('UnsupportedInstruction', pc);
          load(d, s, OFF[pc], o === op.LD_B_REG ? 1 : o === op.LD_H_REG ? 2 : o === op.LD_W_REG ? 4 : 8);
          break;
        case op.ST_B_IMM:
        case op.ST_H_IMM:
        case op.ST_W_IMM:
        case op.ST_DW_IMM:
          if (moveMem) this.fail('UnsupportedInstruction', pc);
          store(d, OFF[pc], o === op.ST_B_IMM ? 1 : o === op.ST_H_IMM ? 2 : o === op.ST_W_IMM ? 4 : 8, imm >>> 0, immHi);
          break;
        case op.ST_B_REG:
        case op.ST_H_REG:
        case op.ST_W_REG:
        case op.ST_DW_REG:
          if (moveMem) this.fail('UnsupportedInstruction', pc);
          store(d, OFF[pc], o === op.ST_B_REG ? 1 : o === op.ST_H_REG ? 2 : o === op.ST_W_REG ? 4 : 8, R[2 * s], R[2 * s + 1]);
          break;

        // ALU32 (class 4), with V2's loads interleaved on the opcodes PQR frees.
        case op.ADD32_IMM:
          set32(d, (R[2 * d] + imm) >>> 0, signExt);
          break;
        case op.ADD32_REG:
          set32(d, (R[2 * d] + R[2 * s]) >>> 0, signExt);
          break;
        case op.SUB32_IMM:
          set32(d, (swapSub ? imm - R[2 * d] : R[2 * d] - imm) >>> 0, signExt);
          break;
        case op.SUB32_REG:
          set32(d, (R[2 * d] - R[2 * s]) >>> 0, signExt);
          break;
        case op.MUL32_IMM:
          if (pqr) this.fail('UnsupportedInstruction', pc);
          set32(d, Math.imul(R[2 * d], imm) >>> 0, signExt);
          break;
        case op.MUL32_REG: // == LD_1B_REG
          if (moveMem) load(d, s, OFF[pc], 1);
          else set32(d, Math.imul(R[2 * d], R[2 * s]) >>> 0, signExt);
          break;
        case op.DIV32_IMM:
          if (pqr) this.fail('UnsupportedInstruction', pc);
          if (imm === 0) this.fail('DivideByZero', pc);
          set32(d, Math.floor(R[2 * d] / (imm >>> 0)), false);
          break;
        case op.DIV32_REG: // == LD_2B_REG
          if (moveMem) load(d, s, OFF[pc], 2);
          else {
            if (R[2 * s] === 0) this.fail('DivideByZero', pc);
            set32(d, Math.floor(R[2 * d] / R[2 * s]), false);
          }
          break;
        case op.MOD32_IMM:
          if (pqr) this.fail('UnsupportedInstruction', pc);
          if (imm === 0) this.fail('DivideByZero', pc);
          set32(d, R[2 * d] % (imm >>> 0), false);
          break;
        case op.MOD32_REG: // == LD_8B_REG
          if (moveMem) load(d, s, OFF[pc], 8);
          else {
            if (R[2 * s] === 0) this.fail('DivideByZero', pc);
            set32(d, R[2 * d] % R[2 * s], false);
          }
          break;
        case op.LD_4B_REG: // 0x8c; the other V2 loads share opcodes with mul32/div32/mod32 (above)
          if (!moveMem) this.fail('UnsupportedInstruction', pc);
          load(d, s, OFF[pc], 4);
          break;
        case op.OR32_IMM:
          set32(d, (R[2 * d] | imm) >>> 0, false);
          break;
        case op.OR32_REG:
          set32(d, (R[2 * d] | R[2 * s]) >>> 0, false);
          break;
        case op.AND32_IMM:
          set32(d, (R[2 * d] & imm) >>> 0, false);
          break;
        case op.AND32_REG:
          set32(d, (R[2 * d] & R[2 * s]) >>> 0, false);
          break;
        case op.XOR32_IMM:
          set32(d, (R[2 * d] ^ imm) >>> 0, false);
          break;
        case op.XOR32_REG:
          set32(d, (R[2 * d] ^ R[2 * s]) >>> 0, false);
          break;
        case op.LSH32_IMM:
          set32(d, (R[2 * d] << imm) >>> 0, false);
          break;
        case op.LSH32_REG:
          set32(d, (R[2 * d] << R[2 * s]) >>> 0, false);
          break;
        case op.RSH32_IMM:
          set32(d, R[2 * d] >>> imm, false);
          break;
        case op.RSH32_REG:
          set32(d, R[2 * d] >>> R[2 * s], false);
          break;
        case op.ARSH32_IMM:
          set32(d, (R[2 * d] >> imm) >>> 0, false);
          break;
        case op.ARSH32_REG:
          set32(d, (R[2 * d] >> R[2 * s]) >>> 0, false);
          break;
        case op.NEG32:
          if (noNeg) this.fail('UnsupportedInstruction', pc);
          set32(d, -R[2 * d] >>> 0, false);
          break;
        case op.MOV32_IMM:
          set32(d, imm >>> 0, false);
          break;
        case op.MOV32_REG:
          set32(d, R[2 * s], !signExt);
          break;
        case op.LE:
          if (noLe) this.fail('UnsupportedInstruction', pc);
          if (imm === 16) set32(d, R[2 * d] & 0xffff, false);
          else if (imm === 32) R[2 * d + 1] = 0;
          else if (imm !== 64) this.fail('InvalidInstruction', pc);
          break;
        case op.BE:
          if (imm === 16) set32(d, ((R[2 * d] & 0xff) << 8) | ((R[2 * d] >>> 8) & 0xff), false);
          else if (imm === 32) set32(d, bswap32(R[2 * d]), false);
          else if (imm === 64) {
            const lo = R[2 * d];
            R[2 * d] = bswap32(R[2 * d + 1]);
            R[2 * d + 1] = bswap32(lo);
          } else this.fail('InvalidInstruction', pc);
          break;

        // ALU64 (class 7), with V2's stores interleaved on the opcodes PQR frees.
        case op.ADD64_IMM:
        case op.ADD64_REG: {
          const bl = o === op.ADD64_IMM ? imm >>> 0 : R[2 * s];
          const bh = o === op.ADD64_IMM ? immHi : R[2 * s + 1];
          const lo = R[2 * d] + bl;
          R[2 * d] = lo;
          R[2 * d + 1] = R[2 * d + 1] + bh + (lo >= U32 ? 1 : 0);
          break;
        }
        case op.SUB64_IMM:
          if (swapSub) B[d] = BigInt(imm) - B[d];
          else B[d] -= BigInt(imm);
          break;
        case op.SUB64_REG:
          B[d] -= B[s];
          break;
        case op.MUL64_IMM: // == ST_1B_IMM
          if (moveMem) store(d, OFF[pc], 1, imm >>> 0, immHi);
          else B[d] *= BigInt.asUintN(64, BigInt(imm));
          break;
        case op.MUL64_REG: // == ST_1B_REG
          if (moveMem) store(d, OFF[pc], 1, R[2 * s], R[2 * s + 1]);
          else B[d] *= B[s];
          break;
        case op.DIV64_IMM: // == ST_2B_IMM
          if (moveMem) store(d, OFF[pc], 2, imm >>> 0, immHi);
          else {
            if (imm === 0) this.fail('DivideByZero', pc);
            B[d] /= BigInt.asUintN(64, BigInt(imm));
          }
          break;
        case op.DIV64_REG: // == ST_2B_REG
          if (moveMem) store(d, OFF[pc], 2, R[2 * s], R[2 * s + 1]);
          else {
            if (B[s] === 0n) this.fail('DivideByZero', pc);
            B[d] /= B[s];
          }
          break;
        case op.OR64_IMM:
          R[2 * d] |= imm;
          R[2 * d + 1] |= immHi;
          break;
        case op.OR64_REG:
          R[2 * d] |= R[2 * s];
          R[2 * d + 1] |= R[2 * s + 1];
          break;
        case op.AND64_IMM:
          R[2 * d] &= imm;
          R[2 * d + 1] &= immHi;
          break;
        case op.AND64_REG:
          R[2 * d] &= R[2 * s];
          R[2 * d + 1] &= R[2 * s + 1];
          break;
        case op.XOR64_IMM:
          R[2 * d] ^= imm;
          R[2 * d + 1] ^= immHi;
          break;
        case op.XOR64_REG:
          R[2 * d] ^= R[2 * s];
          R[2 * d + 1] ^= R[2 * s + 1];
          break;
        case op.LSH64_IMM:
        case op.LSH64_REG: {
          const k = (o === op.LSH64_IMM ? imm : R[2 * s]) & 63;
          if (k >= 32) {
            R[2 * d + 1] = R[2 * d] << (k - 32);
            R[2 * d] = 0;
          } else if (k > 0) {
            R[2 * d + 1] = (R[2 * d + 1] << k) | (R[2 * d] >>> (32 - k));
            R[2 * d] = R[2 * d] << k;
          }
          break;
        }
        case op.RSH64_IMM:
        case op.RSH64_REG: {
          const k = (o === op.RSH64_IMM ? imm : R[2 * s]) & 63;
          if (k >= 32) {
            R[2 * d] = R[2 * d + 1] >>> (k - 32);
            R[2 * d + 1] = 0;
          } else if (k > 0) {
            R[2 * d] = (R[2 * d] >>> k) | (R[2 * d + 1] << (32 - k));
            R[2 * d + 1] = R[2 * d + 1] >>> k;
          }
          break;
        }
        case op.ARSH64_IMM:
          S[d] >>= BigInt(imm & 63);
          break;
        case op.ARSH64_REG:
          S[d] >>= BigInt(R[2 * s] & 63);
          break;
        case op.NEG64: // == ST_4B_IMM
          if (moveMem) store(d, OFF[pc], 4, imm >>> 0, immHi);
          else if (noNeg) this.fail('UnsupportedInstruction', pc);
          else B[d] = -B[d];
          break;
        case op.ST_4B_REG: // 0x8f
          if (!moveMem) this.fail('UnsupportedInstruction', pc);
          store(d, OFF[pc], 4, R[2 * s], R[2 * s + 1]);
          break;
        case op.MOD64_IMM: // == ST_8B_IMM
          if (moveMem) store(d, OFF[pc], 8, imm >>> 0, immHi);
          else {
            if (imm === 0) this.fail('DivideByZero', pc);
            B[d] %= BigInt.asUintN(64, BigInt(imm));
          }
          break;
        case op.MOD64_REG: // == ST_8B_REG
          if (moveMem) store(d, OFF[pc], 8, R[2 * s], R[2 * s + 1]);
          else {
            if (B[s] === 0n) this.fail('DivideByZero', pc);
            B[d] %= B[s];
          }
          break;
        case op.MOV64_IMM:
          R[2 * d] = imm;
          R[2 * d + 1] = immHi;
          break;
        case op.MOV64_REG:
          R[2 * d] = R[2 * s];
          R[2 * d + 1] = R[2 * s + 1];
          break;
        case op.HOR64_IMM:
          if (!noLddw) this.fail('UnsupportedInstruction', pc);
          R[2 * d + 1] |= imm;
          break;

        // JMP64 (class 5)
        case op.JA:
          next += OFF[pc];
          break;
        case op.JEQ64_IMM:
          if (R[2 * d] === imm >>> 0 && R[2 * d + 1] === immHi) next += OFF[pc];
          break;
        case op.JEQ64_REG:
          if (R[2 * d] === R[2 * s] && R[2 * d + 1] === R[2 * s + 1]) next += OFF[pc];
          break;
        case op.JNE64_IMM:
          if (R[2 * d] !== imm >>> 0 || R[2 * d + 1] !== immHi) next += OFF[pc];
          break;
        case op.JNE64_REG:
          if (R[2 * d] !== R[2 * s] || R[2 * d + 1] !== R[2 * s + 1]) next += OFF[pc];
          break;
        case op.JGT64_IMM:
          if (lt(immHi, imm >>> 0, R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;
        case op.JGT64_REG:
          if (lt(R[2 * s + 1], R[2 * s], R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;
        case op.JGE64_IMM:
          if (!lt(R[2 * d + 1], R[2 * d], immHi, imm >>> 0)) next += OFF[pc];
          break;
        case op.JGE64_REG:
          if (!lt(R[2 * d + 1], R[2 * d], R[2 * s + 1], R[2 * s])) next += OFF[pc];
          break;
        case op.JLT64_IMM:
          if (lt(R[2 * d + 1], R[2 * d], immHi, imm >>> 0)) next += OFF[pc];
          break;
        case op.JLT64_REG:
          if (lt(R[2 * d + 1], R[2 * d], R[2 * s + 1], R[2 * s])) next += OFF[pc];
          break;
        case op.JLE64_IMM:
          if (!lt(immHi, imm >>> 0, R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;
        case op.JLE64_REG:
          if (!lt(R[2 * s + 1], R[2 * s], R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;
        case op.JSET64_IMM:
          if ((R[2 * d] & imm) !== 0 || (R[2 * d + 1] & immHi) !== 0) next += OFF[pc];
          break;
        case op.JSET64_REG:
          if ((R[2 * d] & R[2 * s]) !== 0 || (R[2 * d + 1] & R[2 * s + 1]) !== 0) next += OFF[pc];
          break;
        case op.JSGT64_IMM:
          if (slt(immHi, imm >>> 0, R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;
        case op.JSGT64_REG:
          if (slt(R[2 * s + 1], R[2 * s], R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;
        case op.JSGE64_IMM:
          if (!slt(R[2 * d + 1], R[2 * d], immHi, imm >>> 0)) next += OFF[pc];
          break;
        case op.JSGE64_REG:
          if (!slt(R[2 * d + 1], R[2 * d], R[2 * s + 1], R[2 * s])) next += OFF[pc];
          break;
        case op.JSLT64_IMM:
          if (slt(R[2 * d + 1], R[2 * d], immHi, imm >>> 0)) next += OFF[pc];
          break;
        case op.JSLT64_REG:
          if (slt(R[2 * d + 1], R[2 * d], R[2 * s + 1], R[2 * s])) next += OFF[pc];
          break;
        case op.JSLE64_IMM:
          if (!slt(immHi, imm >>> 0, R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;
        case op.JSLE64_REG:
          if (!slt(R[2 * s + 1], R[2 * s], R[2 * d + 1], R[2 * d])) next += OFF[pc];
          break;

        case op.CALL_REG: {
          const reg = callxTargetRegister(v, { dst: d, src: s, imm });
          if (reg < 0 || reg > 10) this.fail('InvalidInstruction', pc); // verifier: InvalidRegister
          const target = B[reg];
          this.pushFrame(pc);
          const targetPc = BigInt.asUintN(64, target - textVaddr) / 8n;
          if (targetPc >= BigInt(n)) this.fail('CallOutsideTextSegment', pc);
          next = Number(targetPc);
          break;
        }
        case op.CALL_IMM: {
          let resolved = false;
          if (!statics || s === 0) resolved = this.dispatchSyscall(imm >>> 0, pc);
          if (statics) {
            const target = next + imm;
            if (s === 1 && target >= 0 && target < n) {
              this.pushFrame(pc);
              next = target;
              resolved = true;
            }
          } else {
            const fn = exe.functions.get(imm >>> 0);
            if (fn) {
              this.pushFrame(pc);
              if (fn.pc >= n) this.fail('CallOutsideTextSegment', pc);
              next = fn.pc;
              resolved = true;
            }
          }
          if (!resolved) this.fail('UnsupportedInstruction', pc);
          break;
        }
        case op.EXIT:
          if (this.depth === 0) {
            if (this.due > this.previousMeter) this.fail('ExceededMaxInstructions', pc);
            return B[0];
          } else {
            this.depth--;
            const base = this.depth * 5;
            for (let i = 0; i < 4; i++) B[FIRST_SCRATCH_REG + i] = this.savedRegs[base + i];
            B[FRAME_PTR_REG] = this.savedRegs[base + 4];
            next = this.returnPc[this.depth];
          }
          break;

        default:
          if ((o & op.BPF_CLS_MASK) === op.BPF_JMP32 && jmp32) {
            if (this.jump32(o, d, s, imm)) next += OFF[pc];
          } else if ((o & op.BPF_CLS_MASK) === op.BPF_PQR && pqr) {
            this.pqr(o, d, s, imm, pc);
          } else {
            this.fail('UnsupportedInstruction', pc);
          }
      }
      pc = next;
    }
  }

  /** JMP32 (V3+): compares the low 32 bits; whether the branch is taken. */
  private jump32(o: number, d: number, s: number, imm: number): boolean {
    const a = this.R[2 * d];
    const b = o & op.BPF_X ? this.R[2 * s] : imm >>> 0;
    switch (o & 0xf0) {
      case op.BPF_JEQ:
        return a === b;
      case op.BPF_JNE:
        return a !== b;
      case op.BPF_JGT:
        return a > b;
      case op.BPF_JGE:
        return a >= b;
      case op.BPF_JLT:
        return a < b;
      case op.BPF_JLE:
        return a <= b;
      case op.BPF_JSET:
        return (a & b) !== 0;
      case op.BPF_JSGT:
        return (a | 0) > (b | 0);
      case op.BPF_JSGE:
        return (a | 0) >= (b | 0);
      case op.BPF_JSLT:
        return (a | 0) < (b | 0);
      case op.BPF_JSLE:
        return (a | 0) <= (b | 0);
      default:
        return this.fail('UnsupportedInstruction', this.R[22]);
    }
  }

  /** PQR class (V2): multiply high/low, unsigned and signed division and remainder. */
  private pqr(o: number, d: number, s: number, imm: number, pc: number): void {
    const R = this.R;
    const B = this.B;
    const S = this.S;
    const reg = (o & op.BPF_X) !== 0;
    const wide = (o & op.BPF_B) !== 0;
    // Bit 4 (BPF_B) selects the 64-bit form, so the operation is in bits 5..7.
    switch (o & 0xe0) {
      case op.BPF_LMUL:
        if (wide) B[d] *= reg ? B[s] : BigInt(imm);
        else {
          R[2 * d] = Math.imul(R[2 * d], reg ? R[2 * s] : imm);
          R[2 * d + 1] = 0;
        }
        return;
      case op.BPF_UHMUL:
        if (!wide) break;
        B[d] = (B[d] * (reg ? B[s] : BigInt(imm >>> 0))) >> 64n;
        return;
      case op.BPF_SHMUL:
        if (!wide) break;
        B[d] = (S[d] * (reg ? S[s] : BigInt(imm))) >> 64n;
        return;
      case op.BPF_UDIV:
      case op.BPF_UREM: {
        const rem = (o & 0xe0) === op.BPF_UREM;
        if (wide) {
          const divisor = reg ? B[s] : BigInt(imm >>> 0);
          if (divisor === 0n) this.fail('DivideByZero', pc);
          B[d] = rem ? B[d] % divisor : B[d] / divisor;
        } else {
          const divisor = reg ? R[2 * s] : imm >>> 0;
          if (divisor === 0) this.fail('DivideByZero', pc);
          R[2 * d] = rem ? R[2 * d] % divisor : Math.floor(R[2 * d] / divisor);
          R[2 * d + 1] = 0;
        }
        return;
      }
      case op.BPF_SDIV:
      case op.BPF_SREM: {
        const rem = (o & 0xe0) === op.BPF_SREM;
        if (wide) {
          const divisor = reg ? S[s] : BigInt(imm);
          if (divisor === 0n) this.fail('DivideByZero', pc);
          if (S[d] === MIN_I64 && divisor === -1n) this.fail('DivideOverflow', pc);
          B[d] = rem ? S[d] % divisor : S[d] / divisor;
        } else {
          const divisor = reg ? R[2 * s] | 0 : imm;
          const dividend = R[2 * d] | 0;
          if (divisor === 0) this.fail('DivideByZero', pc);
          if (dividend === -0x80000000 && divisor === -1) this.fail('DivideOverflow', pc);
          R[2 * d] = (rem ? dividend % divisor : Math.trunc(dividend / divisor)) >>> 0;
          R[2 * d + 1] = 0;
        }
        return;
      }
    }
    this.fail('UnsupportedInstruction', pc);
  }
}
