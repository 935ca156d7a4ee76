/**
 * The reference interpreter: executes sBPF one instruction at a time with solana-sbpf's exact
 * semantics (`interpreter.rs` `step`), meter precedence and call frames. It is the oracle the JIT
 * is compared against, and the first execution tier (every program's first runs happen here), so
 * it is written for both: each instruction's semantics stay in one readable `case`, and the shape
 * around them is what V8 optimises well:
 * - the program is decoded once per executable into dense handler numbers (`Handler`) with the
 *   version's rules already applied, so the loop is one `switch` over literal cases (a jump table)
 *   and unsupported or invalid instructions are just handlers;
 * - registers are 32-bit halves in an Int32Array, and 64-bit arithmetic works on the halves with
 *   explicit carries (BigInt only for 64-bit division of large values and the V2 PQR class);
 * - the meter and the pc live in locals, written back to the object only where someone can
 *   observe them (syscalls, faults, the end of the run).
 */
import { toInstance } from '../arguments.js';
import { FRAME_PTR_REG, INSN_SIZE, MAX_CALL_DEPTH, MM_INPUT_START, MM_STACK_START, STACK_FRAME_SIZE } from '../isa/constants.js';
import * as op from '../isa/opcodes.js';
import { SLOT } from '../isa/slot.js';
import { InternalError } from '../errors.js';
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
import { toExecutable, type Executable } from '../executable.js';
import { EbpfError, type EbpfErrorKind } from './errors.js';
import { MemoryMap } from './memory.js';
import { invokeSyscall, type SyscallContext, type SyscallEntry, type SyscallRegistry } from './syscalls.js';

/** One register-trace entry: r0..r10 followed by the pc, as the reference's `RegisterTraceEntry`. */
export type TraceEntry = bigint[];

/**
 * Where a register trace goes: an array, or a recorder that keeps what it needs of each entry and
 * returns `false` once it wants no more (the run then goes on untraced, at full speed).
 */
export interface TraceSink {
  push(entry: TraceEntry): unknown;
  /**
   * Called once before the first entry with the machine that runs, for sinks that also read its
   * memory, call frames and meter while entries arrive (the debugger).
   */
  attach?(machine: Interpreter): void;
}

/** Outcome of a run. */
export type RunResult = { ok: true; value: bigint; instructions: bigint } | { ok: false; error: EbpfError; instructions: bigint };

const U32 = 0x1_0000_0000;
const MIN_I64 = -(1n << 63n);

/**
 * What the loop does for a slot: the opcode with the version's meaning resolved. It must stay in
 * this file: the `switch` needs its members as literals, and TypeScript compilers inline a
 * `const enum` only within the file that declares it.
 */
const enum Handler {
  /** A place outside the program (see {@link DecodedProgram}). */
  Overrun,
  Unsupported,
  Invalid,
  /**
   * Only in the opcode table, never in a decoded slot: le, be, call and callx, whose handler
   * also depends on the operands (see {@link operandHandler}).
   */
  ByOperands,
  Lddw,
  Hor64,
  Load1,
  Load2,
  Load4,
  Load8,
  StoreImm1,
  StoreImm2,
  StoreImm4,
  StoreImm8,
  StoreReg1,
  StoreReg2,
  StoreReg4,
  StoreReg8,
  Add32Imm,
  Add32Reg,
  Sub32Imm,
  Sub32Reg,
  Mul32Imm,
  Mul32Reg,
  Div32Imm,
  Div32Reg,
  Mod32Imm,
  Mod32Reg,
  Or32Imm,
  Or32Reg,
  And32Imm,
  And32Reg,
  Xor32Imm,
  Xor32Reg,
  Lsh32Imm,
  Lsh32Reg,
  Rsh32Imm,
  Rsh32Reg,
  Arsh32Imm,
  Arsh32Reg,
  Neg32,
  Mov32Imm,
  Mov32Reg,
  Le16,
  Le32,
  Be16,
  Be32,
  Be64,
  /** `le64`: leaves the register as it is. */
  Nop,
  Add64Imm,
  Add64Reg,
  Sub64Imm,
  Sub64Reg,
  Mul64Imm,
  Mul64Reg,
  Div64Imm,
  Div64Reg,
  Mod64Imm,
  Mod64Reg,
  Or64Imm,
  Or64Reg,
  And64Imm,
  And64Reg,
  Xor64Imm,
  Xor64Reg,
  Lsh64Imm,
  Lsh64Reg,
  Rsh64Imm,
  Rsh64Reg,
  Arsh64Imm,
  Arsh64Reg,
  Neg64,
  Mov64Imm,
  Mov64Reg,
  /** The V2 PQR class, decided by `Interpreter.pqr` from the opcode. */
  Pqr,
  // Jumps, from Ja to Jsle32Reg: `aux` holds the target slot.
  Ja,
  Jeq64Imm,
  Jeq64Reg,
  Jne64Imm,
  Jne64Reg,
  Jgt64Imm,
  Jgt64Reg,
  Jge64Imm,
  Jge64Reg,
  Jlt64Imm,
  Jlt64Reg,
  Jle64Imm,
  Jle64Reg,
  Jset64Imm,
  Jset64Reg,
  Jsgt64Imm,
  Jsgt64Reg,
  Jsge64Imm,
  Jsge64Reg,
  Jslt64Imm,
  Jslt64Reg,
  Jsle64Imm,
  Jsle64Reg,
  Jeq32Imm,
  Jeq32Reg,
  Jne32Imm,
  Jne32Reg,
  Jgt32Imm,
  Jgt32Reg,
  Jge32Imm,
  Jge32Reg,
  Jlt32Imm,
  Jlt32Reg,
  Jle32Imm,
  Jle32Reg,
  Jset32Imm,
  Jset32Reg,
  Jsgt32Imm,
  Jsgt32Reg,
  Jsge32Imm,
  Jsge32Reg,
  Jslt32Imm,
  Jslt32Reg,
  Jsle32Imm,
  Jsle32Reg,
  /** V0–V2 `call imm`: a syscall by hash, then (also) a function by registry key. */
  CallImm,
  /** V3+ `call imm` with src 1: pc-relative, target in range. */
  CallLocal,
  /** V3+ `call imm` with src 0: a syscall by hash. */
  CallSyscall,
  /** `callx`: the dst field holds the version's target register. */
  CallReg,
  Exit,
}

/** Conditional jumps by operation bits (`opcode & 0xf0`): the 64-bit imm handler, 64-bit reg is +1, then 32-bit. */
const JUMP_HANDLERS = new Map<number, [Handler, Handler]>([
  [op.BPF_JEQ, [Handler.Jeq64Imm, Handler.Jeq32Imm]],
  [op.BPF_JNE, [Handler.Jne64Imm, Handler.Jne32Imm]],
  [op.BPF_JGT, [Handler.Jgt64Imm, Handler.Jgt32Imm]],
  [op.BPF_JGE, [Handler.Jge64Imm, Handler.Jge32Imm]],
  [op.BPF_JLT, [Handler.Jlt64Imm, Handler.Jlt32Imm]],
  [op.BPF_JLE, [Handler.Jle64Imm, Handler.Jle32Imm]],
  [op.BPF_JSET, [Handler.Jset64Imm, Handler.Jset32Imm]],
  [op.BPF_JSGT, [Handler.Jsgt64Imm, Handler.Jsgt32Imm]],
  [op.BPF_JSGE, [Handler.Jsge64Imm, Handler.Jsge32Imm]],
  [op.BPF_JSLT, [Handler.Jslt64Imm, Handler.Jslt32Imm]],
  [op.BPF_JSLE, [Handler.Jsle64Imm, Handler.Jsle32Imm]],
]);

/**
 * The handler of every opcode in version `v`; `ByOperands` for le, be, call and callx, whose
 * meaning also depends on their operands.
 */
function buildHandlerTable(v: SBPFVersion): Uint8Array {
  const t = new Uint8Array(256).fill(Handler.Unsupported);
  // V2 moves loads and stores into the ALU classes, onto opcodes that PQR frees.
  const moved = moveMemoryInstructionClasses(v);
  const pqr = enablePqr(v);
  if (disableLddw(v)) t[op.HOR64_IMM] = Handler.Hor64;
  else t[op.LD_DW_IMM] = Handler.Lddw;
  if (!moved) {
    t[op.LD_B_REG] = Handler.Load1;
    t[op.LD_H_REG] = Handler.Load2;
    t[op.LD_W_REG] = Handler.Load4;
    t[op.LD_DW_REG] = Handler.Load8;
    t[op.ST_B_IMM] = Handler.StoreImm1;
    t[op.ST_H_IMM] = Handler.StoreImm2;
    t[op.ST_W_IMM] = Handler.StoreImm4;
    t[op.ST_DW_IMM] = Handler.StoreImm8;
    t[op.ST_B_REG] = Handler.StoreReg1;
    t[op.ST_H_REG] = Handler.StoreReg2;
    t[op.ST_W_REG] = Handler.StoreReg4;
    t[op.ST_DW_REG] = Handler.StoreReg8;
  }
  t[op.ADD32_IMM] = Handler.Add32Imm;
  t[op.ADD32_REG] = Handler.Add32Reg;
  t[op.SUB32_IMM] = Handler.Sub32Imm;
  t[op.SUB32_REG] = Handler.Sub32Reg;
  if (!pqr) {
    t[op.MUL32_IMM] = Handler.Mul32Imm;
    t[op.DIV32_IMM] = Handler.Div32Imm;
    t[op.MOD32_IMM] = Handler.Mod32Imm;
  }
  t[op.MUL32_REG] = moved ? Handler.Load1 : Handler.Mul32Reg; // == LD_1B_REG
  t[op.DIV32_REG] = moved ? Handler.Load2 : Handler.Div32Reg; // == LD_2B_REG
  t[op.MOD32_REG] = moved ? Handler.Load8 : Handler.Mod32Reg; // == LD_8B_REG
  if (moved) t[op.LD_4B_REG] = Handler.Load4;
  t[op.OR32_IMM] = Handler.Or32Imm;
  t[op.OR32_REG] = Handler.Or32Reg;
  t[op.AND32_IMM] = Handler.And32Imm;
  t[op.AND32_REG] = Handler.And32Reg;
  t[op.XOR32_IMM] = Handler.Xor32Imm;
  t[op.XOR32_REG] = Handler.Xor32Reg;
  t[op.LSH32_IMM] = Handler.Lsh32Imm;
  t[op.LSH32_REG] = Handler.Lsh32Reg;
  t[op.RSH32_IMM] = Handler.Rsh32Imm;
  t[op.RSH32_REG] = Handler.Rsh32Reg;
  t[op.ARSH32_IMM] = Handler.Arsh32Imm;
  t[op.ARSH32_REG] = Handler.Arsh32Reg;
  if (!disableNeg(v)) t[op.NEG32] = Handler.Neg32;
  t[op.MOV32_IMM] = Handler.Mov32Imm;
  t[op.MOV32_REG] = Handler.Mov32Reg;

  t[op.ADD64_IMM] = Handler.Add64Imm;
  t[op.ADD64_REG] = Handler.Add64Reg;
  t[op.SUB64_IMM] = Handler.Sub64Imm;
  t[op.SUB64_REG] = Handler.Sub64Reg;
  t[op.MUL64_IMM] = moved ? Handler.StoreImm1 : Handler.Mul64Imm; // == ST_1B_IMM
  t[op.MUL64_REG] = moved ? Handler.StoreReg1 : Handler.Mul64Reg; // == ST_1B_REG
  t[op.DIV64_IMM] = moved ? Handler.StoreImm2 : Handler.Div64Imm; // == ST_2B_IMM
  t[op.DIV64_REG] = moved ? Handler.StoreReg2 : Handler.Div64Reg; // == ST_2B_REG
  t[op.MOD64_IMM] = moved ? Handler.StoreImm8 : Handler.Mod64Imm; // == ST_8B_IMM
  t[op.MOD64_REG] = moved ? Handler.StoreReg8 : Handler.Mod64Reg; // == ST_8B_REG
  if (moved) {
    t[op.NEG64] = Handler.StoreImm4; // == ST_4B_IMM
    t[op.ST_4B_REG] = Handler.StoreReg4;
  } else if (!disableNeg(v)) t[op.NEG64] = Handler.Neg64;
  t[op.OR64_IMM] = Handler.Or64Imm;
  t[op.OR64_REG] = Handler.Or64Reg;
  t[op.AND64_IMM] = Handler.And64Imm;
  t[op.AND64_REG] = Handler.And64Reg;
  t[op.XOR64_IMM] = Handler.Xor64Imm;
  t[op.XOR64_REG] = Handler.Xor64Reg;
  t[op.LSH64_IMM] = Handler.Lsh64Imm;
  t[op.LSH64_REG] = Handler.Lsh64Reg;
  t[op.RSH64_IMM] = Handler.Rsh64Imm;
  t[op.RSH64_REG] = Handler.Rsh64Reg;
  t[op.ARSH64_IMM] = Handler.Arsh64Imm;
  t[op.ARSH64_REG] = Handler.Arsh64Reg;
  t[op.MOV64_IMM] = Handler.Mov64Imm;
  t[op.MOV64_REG] = Handler.Mov64Reg;

  t[op.JA] = Handler.Ja;
  for (const [operation, [imm64, imm32]] of JUMP_HANDLERS) {
    t[op.BPF_JMP64 | op.BPF_K | operation] = imm64;
    t[op.BPF_JMP64 | op.BPF_X | operation] = imm64 + 1;
    // Class 6 is JMP32 from V3 on and PQR in V2.
    if (enableJmp32(v)) {
      t[op.BPF_JMP32 | op.BPF_K | operation] = imm32;
      t[op.BPF_JMP32 | op.BPF_X | operation] = imm32 + 1;
    }
  }
  if (pqr) for (let o = op.BPF_PQR; o < 256; o += 8) t[o] = Handler.Pqr;
  t[op.EXIT] = Handler.Exit;
  for (const o of [op.LE, op.BE, op.CALL_REG, op.CALL_IMM]) t[o] = Handler.ByOperands;
  return t;
}

const handlerTables = new Map<SBPFVersion, Uint8Array>();

/**
 * A program decoded for the loop, slot by slot as the run first reaches each stretch of it (a
 * test file runs a small part of a large program, and decoding all of it would cost more than
 * running that part). The loop never compares the pc with the program's end: every place it can
 * continue at outside the program has a slot of `word` whose handler is `Overrun` — slots n and
 * n + 1 (falling off the end, an `lddw` in the last slot) and one after them for each jump leaving
 * the program, whose target then points there; {@link slotPc} tells the pc such a slot stands for.
 */
interface DecodedProgram {
  readonly exe: Executable;
  /** The program's text, for reading immediates and offsets. */
  readonly view: DataView;
  /** The version's handler for each opcode. */
  readonly table: Uint8Array;
  /** Instruction slots. */
  readonly n: number;
  /**
   * `handler | 2·dst << 8 | 2·src << 16` (register numbers doubled: they index register halves),
   * or {@link UNDECODED}. Replaced by a longer array when a jump out of the program is decoded.
   */
  word: Int32Array;
  /** The immediate; one extra zero slot, read as the upper half of an `lddw` in the last slot. */
  readonly imm: Int32Array;
  /** Memory access offset, jump target slot, call target slot (-1: none), or the PQR opcode. */
  readonly aux: Int32Array;
  /** The targets outside the program of jumps, for the slots from n + 2 on. */
  readonly outside: number[];
  /** What `call imm` slots resolved to in `syscalls` (see {@link syscallsResolved}). */
  resolved?: { syscalls: SyscallRegistry; revision: number; entries: Map<number, SyscallEntry | null> };
}

/**
 * A slot of `word` not decoded yet: zero, so a fresh array needs no fill (a megabyte program's
 * first run would touch half a megabyte of new pages for it). Only the Overrun slots past the
 * program decode to zero too, and decoding from one of them decodes nothing.
 */
const UNDECODED = 0;

/** The pc that slot `slot` of `program` stands for. */
const slotPc = (program: DecodedProgram, slot: number): number => (slot < program.n + 2 ? slot : program.outside[slot - program.n - 2]);

/**
 * By slot, the syscall a `call imm` of `program` resolves to in `syscalls` (null: none), filled
 * as the calls execute: a lookup by hash costs more than a short function. Valid while the
 * registry is unchanged; a program normally runs with one registry. A map, not an array over
 * every slot: a megabyte program would allocate a megabyte for its first run to hold a few dozen.
 */
function syscallsResolved(program: DecodedProgram, syscalls: SyscallRegistry): Map<number, SyscallEntry | null> {
  const cached = program.resolved;
  if (cached && cached.syscalls === syscalls && cached.revision === syscalls.revision) return cached.entries;
  const entries = new Map<number, SyscallEntry | null>();
  program.resolved = { syscalls, revision: syscalls.revision, entries };
  return entries;
}

/** Marks a `call imm` whose key names no function. */
const NO_FUNCTION = -1;

const decodedPrograms = new WeakMap<Executable, DecodedProgram>();

/** The decoded form of `exe` (created on first use, then cached with the executable). */
function decodedProgram(exe: Executable): DecodedProgram {
  let decoded = decodedPrograms.get(exe);
  if (decoded) return decoded;
  const v = exe.sbpfVersion;
  let table = handlerTables.get(v);
  if (!table) handlerTables.set(v, (table = buildHandlerTable(v)));
  const n = Math.floor(exe.text.length / INSN_SIZE);
  const word = new Int32Array(n + 2); // UNDECODED; slots n and n + 1 are Overrun, also zero
  // `resolved` is set here (not added later) so that every decoded program has one shape.
  const view = new DataView(exe.text.buffer, exe.text.byteOffset, exe.text.byteLength);
  decoded = { exe, view, table, n, word, imm: new Int32Array(n + 1), aux: new Int32Array(n), outside: [], resolved: undefined };
  decodedPrograms.set(exe, decoded);
  return decoded;
}

/** Where the decoder reads a slot's fields (module constants: as cheap as literal offsets). */
const { opc: OPC, regs: REGS, off: OFF, imm: IMM } = SLOT;

/**
 * Decodes the straight run of slots from `pc` (< n) up to its first jump, call or exit, or a slot
 * already decoded. A program's first runs decode thousands of slots before V8 has optimised this,
 * so the common slot costs no call: only le, be, call and callx go through {@link operandHandler}.
 */
function decodeRun(program: DecodedProgram, pc: number): void {
  const { exe, view, table, n, imm: imms, aux } = program;
  const text = exe.text;
  for (; pc < n && program.word[pc] === UNDECODED; pc++) {
    const at = pc * INSN_SIZE;
    const opc = text[at + OPC];
    const regs = text[at + REGS];
    let dst = regs & 0x0f;
    const src = regs >>> 4;
    const imm = view.getInt32(at + IMM, true);
    imms[pc] = imm;
    let handler: Handler = table[opc];
    let slotAux = 0;
    // Registers r11..r15 do not exist; the verifier rejects them (the reference would index out of bounds).
    if (dst > 10 || src > 10) handler = Handler.Invalid;
    else if (handler === Handler.ByOperands) {
      handler = operandHandler(exe.sbpfVersion, n, pc, opc, dst, src, imm);
      if (handler === Handler.CallReg) dst = callxTargetRegister(exe.sbpfVersion, { dst, src, imm });
      else if (handler === Handler.CallImm) slotAux = exe.functions.get(imm >>> 0)?.pc ?? NO_FUNCTION;
      else if (handler === Handler.CallLocal) slotAux = pc + 1 + imm;
    }
    if (handler >= Handler.Load1 && handler <= Handler.StoreReg8) slotAux = view.getInt16(at + OFF, true);
    else if (handler >= Handler.Ja && handler <= Handler.Jsle32Reg) slotAux = pc + 1 + view.getInt16(at + OFF, true);
    else if (handler === Handler.Pqr) slotAux = opc;
    program.word[pc] = handler | (dst << 9) | (src << 17);
    aux[pc] = slotAux;
    if (handler === Handler.Lddw && pc + 1 < n) imms[pc + 1] = view.getInt32(at + INSN_SIZE + IMM, true);
    if (handler >= Handler.Ja && handler <= Handler.Jsle32Reg && (slotAux < 0 || slotAux > n + 1)) {
      program.outside.push(slotAux);
      aux[pc] = n + 1 + program.outside.length;
      const longer = new Int32Array(n + 2 + program.outside.length);
      longer.set(program.word);
      longer[longer.length - 1] = Handler.Overrun;
      program.word = longer;
    }
    if (handler >= Handler.Ja) return; // jumps, calls and exit end the run
  }
}

/**
 * The handler of an le, be, call or callx slot (registers already checked) of a program of `n`
 * slots in version `v`: what these mean depends on their operands too.
 */
function operandHandler(v: SBPFVersion, n: number, pc: number, opc: number, dst: number, src: number, imm: number): Handler {
  switch (opc) {
    case op.LE:
      if (disableLe(v)) return Handler.Unsupported;
      return imm === 16 ? Handler.Le16 : imm === 32 ? Handler.Le32 : imm === 64 ? Handler.Nop : Handler.Invalid;
    case op.BE:
      return imm === 16 ? Handler.Be16 : imm === 32 ? Handler.Be32 : imm === 64 ? Handler.Be64 : Handler.Invalid;
    case op.CALL_REG: {
      const reg = callxTargetRegister(v, { dst, src, imm });
      return reg < 0 || reg > 10 ? Handler.Invalid : Handler.CallReg; // verifier: InvalidRegister
    }
    default: // CALL_IMM
      if (!staticSyscalls(v)) return Handler.CallImm;
      if (src === 0) return Handler.CallSyscall;
      return src === 1 && pc + 1 + imm >= 0 && pc + 1 + imm < n ? Handler.CallLocal : Handler.Unsupported;
  }
}

const bswap32 = (v: number): number => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);

/** Unsigned `a < b` of two u64 given as (high, low) int32 halves. */
const ltU = (ah: number, al: number, bh: number, bl: number): boolean => (ah === bh ? al >>> 0 < bl >>> 0 : ah >>> 0 < bh >>> 0);
/** Signed `a < b` of two i64 given as (high, low) int32 halves. */
const ltS = (ah: number, al: number, bh: number, bl: number): boolean => (ah === bh ? al >>> 0 < bl >>> 0 : ah < bh);

/** `r[d] *= b` (wrapping u64) on halves: the low product's carry comes from a 16-bit split. */
function mul64(r: Int32Array, d: number, bl: number, bh: number): void {
  const al = r[d];
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = (((a0 * b0) >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  const lowHigh = a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry; // high 32 bits of al·bl
  r[d + 1] = lowHigh + Math.imul(al, bh) + Math.imul(r[d + 1], bl);
  r[d] = Math.imul(al, bl);
}

/** `r[d] /= b` or `r[d] %= b` (u64, b ≠ 0): doubles when both fit in 32 bits, else BigInt. */
function divMod64(r: Int32Array, wide: BigUint64Array, d: number, bl: number, bh: number, remainder: boolean): void {
  if ((r[d + 1] | bh) === 0) {
    const a = r[d] >>> 0;
    const b = bl >>> 0;
    r[d] = remainder ? a % b : a / b;
    return;
  }
  const divisor = (BigInt(bh >>> 0) << 32n) | BigInt(bl >>> 0);
  const i = d >> 1;
  wide[i] = remainder ? wide[i] % divisor : wide[i] / divisor;
}

/** The access violation of an access `MemoryMap.translateAt` refused, at `pc`. */
function accessFault(memory: MemoryMap, hi: number, lo: number, off: number, len: number, store: boolean, pc: number): EbpfError {
  const addr = BigInt.asUintN(64, ((BigInt(hi) << 32n) | BigInt(lo >>> 0)) + BigInt(off));
  const err = memory.accessViolation(addr, len, store);
  err.pc = pc;
  return err;
}

const fault = (kind: EbpfErrorKind, pc: number): EbpfError => new EbpfError(kind, undefined, pc);

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
  /**
   * Marks (sets to 1) the slot of every function this run enters by a call: the tiering's record
   * of which functions are worth compiling.
   */
  enteredFunctions?: Uint8Array;
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
 * Registers are kept in a 12 × u64 buffer (r0..r10, pc) viewed as 32-bit halves and as u64.
 */
export class Interpreter implements SyscallContext {
  /** Register file as 32-bit halves: r[i] = (R[2i+1] << 32) | R[2i]; slot 11 is the pc. */
  readonly R = new Uint32Array(24);
  /** Unsigned 64-bit view of the register file. */
  readonly B = new BigUint64Array(this.R.buffer);
  /** Signed 64-bit view of the register file. */
  readonly S = new BigInt64Array(this.R.buffer);
  /** The halves again, signed: what the loop computes on (int32 arithmetic throughout). */
  private readonly halves = new Int32Array(this.R.buffer);

  /** Call frames: r6..r9 and r10 of the caller (5 per frame), and the return pc. */
  readonly savedRegs = new BigUint64Array(MAX_CALL_DEPTH * 5);
  readonly returnPc = new Int32Array(MAX_CALL_DEPTH);
  /** {@link savedRegs} as halves: a frame is 10 halves, a copy of r6..r10's. */
  private readonly savedHalves = new Int32Array(this.savedRegs.buffer);
  private depth = 0;
  /** SyscallContext: whether syscalls check pointer alignment. */
  checkAligned = true;
  /** Meter: remaining units at the last synchronisation, and instructions executed since. */
  private previousMeter = 0;
  private due = 0;
  private remainingUnits = 0;
  #exe: Executable;
  #memory: MemoryMap;

  constructor(exe: Executable, memory: MemoryMap) {
    toExecutable(exe, 'exe');
    toInstance(memory, 'memory', MemoryMap, 'a MemoryMap');
    this.#exe = exe;
    this.#memory = memory;
    this.reset(exe, memory);
  }

  /** The program this instance runs. */
  get exe(): Executable {
    return this.#exe;
  }

  /** SyscallContext: the program's memory. */
  get memory(): MemoryMap {
    return this.#memory;
  }

  /**
   * Makes the instance as new for another run of `exe` over `memory` (instances are pooled:
   * allocating the register file and call frames again costs more than a short run).
   */
  reset(exe: Executable, memory: MemoryMap): void {
    this.#exe = exe;
    this.#memory = memory;
    this.halves.fill(0);
    this.B[1] = BigInt(MM_INPUT_START);
    this.B[FRAME_PTR_REG] = initialFramePointer(exe, memory);
    this.depth = 0;
    this.checkAligned = true;
  }

  /** SyscallContext: units left. */
  remaining(): bigint {
    return BigInt(this.remainingUnits);
  }

  /** Active call frames (0 in the entry function). */
  get callDepth(): number {
    return this.depth;
  }

  /**
   * Units left before the instruction a {@link TraceSink} was just given runs (valid only during
   * `push`: the meter lives in locals of the loop, which writes back what this needs when tracing).
   */
  meterBeforeTraced(): number {
    return this.remainingUnits - this.due + 1;
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
    opts.trace?.attach?.(this);
    try {
      outcome = { ok: true, value: this.loop(resume ? resume.pc : this.exe.entryPc, opts.syscalls, opts.trace, opts.enteredFunctions) };
    } catch (e) {
      if (!(e instanceof EbpfError)) throw e; // a defect of ours, not a program outcome
      const error = e;
      if (error.pc === undefined) error.pc = this.R[22];
      error.returnPcs = Array.from(this.returnPc.subarray(0, this.depth));
      outcome = { ok: false, error };
    }
    this.consume(this.due);
    this.due = 0;
    return { ...outcome, instructions: BigInt(initial - this.remainingUnits) };
  }

  /** Saves r6..r10 and the return pc; bumps the frame pointer as the version requires. */
  private pushFrame(pc: number): void {
    const r = this.halves;
    const depth = this.depth;
    const saved = this.savedHalves;
    const at = depth * 10;
    // Unrolled: this runs on every call.
    saved[at] = r[12];
    saved[at + 1] = r[13];
    saved[at + 2] = r[14];
    saved[at + 3] = r[15];
    saved[at + 4] = r[16];
    saved[at + 5] = r[17];
    saved[at + 6] = r[18];
    saved[at + 7] = r[19];
    saved[at + 8] = r[20];
    saved[at + 9] = r[21];
    this.returnPc[depth] = pc + 1;
    this.depth = depth + 1;
    if (depth + 1 === MAX_CALL_DEPTH) throw fault('CallDepthExceeded', pc);
    const v = this.exe.sbpfVersion;
    if (!manualStackFrameBump(v)) {
      const lo = (r[20] >>> 0) + STACK_FRAME_SIZE * (stackFrameGaps(v) ? 2 : 1);
      if (lo >= U32) r[21]++;
      r[20] = lo;
    }
  }

  /** Restores r6..r10 of the caller; returns the slot to continue at. */
  private popFrame(): number {
    const r = this.halves;
    const depth = --this.depth;
    const saved = this.savedHalves;
    const at = depth * 10;
    r[12] = saved[at];
    r[13] = saved[at + 1];
    r[14] = saved[at + 2];
    r[15] = saved[at + 3];
    r[16] = saved[at + 4];
    r[17] = saved[at + 5];
    r[18] = saved[at + 6];
    r[19] = saved[at + 7];
    r[20] = saved[at + 8];
    r[21] = saved[at + 9];
    return this.returnPc[depth];
  }

  /** Runs a syscall (the instructions so far are already charged); r0 receives its result. */
  private callSyscall(entry: SyscallEntry, pc: number): void {
    const B = this.B;
    B[0] = invokeSyscall(this, entry, B[1], B[2], B[3], B[4], B[5], pc);
  }

  /**
   * The fetch-execute loop from slot `pc`; returns r0 at the final exit. Locals `due` and `prev`
   * are the meter (`this.due`/`this.previousMeter` are written back on every way out).
   */
  private loop(pc: number, syscalls: SyscallRegistry, trace: TraceSink | undefined, entered: Uint8Array | undefined): bigint {
    const exe = this.exe;
    const v: SBPFVersion = exe.sbpfVersion;
    const program = decodedProgram(exe);
    const { n, imm: IMM, aux: AUX } = program;
    let word = program.word;
    const resolvedSyscalls = syscallsResolved(program, syscalls);
    const r = this.halves;
    const B = this.B;
    const mem = this.memory;
    const bytes = mem.bytes;
    const view = mem.view;
    const swapSub = swapSubRegImmOperands(v);
    const textLo = exe.textVaddr | 0;
    const textHi = Math.floor(exe.textVaddr / U32) | 0;
    let due = this.due;
    let prev = this.previousMeter;
    // eslint-disable-next-line no-useless-assignment -- a number from the start, so V8 keeps the variable unboxed
    let host = 0;
    try {
      // Outside the program from the start (only slots n and n + 1 exist for that).
      if (pc < 0 || pc > n + 1) {
        if (due >= prev) throw fault('ExceededMaxInstructions', pc);
        due++;
        throw fault('ExecutionOverrun', pc);
      }
      for (;;) {
        if (due >= prev) throw fault('ExceededMaxInstructions', slotPc(program, pc));
        due++;
        if (trace !== undefined) {
          if (pc >= n) throw fault('ExecutionOverrun', slotPc(program, pc));
          r[22] = pc;
          this.due = due; // for meterBeforeTraced()
          if (trace.push([B[0], B[1], B[2], B[3], B[4], B[5], B[6], B[7], B[8], B[9], B[10], B[11]]) === false) trace = undefined;
        }
        let w = word[pc];
        if (w === UNDECODED) {
          decodeRun(program, pc);
          word = program.word; // longer when the run had a jump out of the program
          w = word[pc];
        }
        const d = (w >> 8) & 0xff;
        const s = w >>> 16;
        switch (w & 0xff) {
          case Handler.Overrun:
            throw fault('ExecutionOverrun', slotPc(program, pc));
          case Handler.Unsupported:
            throw fault('UnsupportedInstruction', pc);
          case Handler.Invalid:
            throw fault('InvalidInstruction', pc);
          case Handler.Lddw:
            r[d] = IMM[pc];
            r[d + 1] = IMM[pc + 1];
            pc += 2;
            continue;
          // Loads zero-extend; an immediate store writes the sign-extended immediate's low bytes.
          case Handler.Load1:
            host = mem.translateAt(r[s + 1], r[s], AUX[pc], 1, false);
            if (host < 0) throw accessFault(mem, r[s + 1], r[s], AUX[pc], 1, false, pc);
            r[d] = bytes[host];
            r[d + 1] = 0;
            break;
          case Handler.Load2:
            host = mem.translateAt(r[s + 1], r[s], AUX[pc], 2, false);
            if (host < 0) throw accessFault(mem, r[s + 1], r[s], AUX[pc], 2, false, pc);
            r[d] = view.getUint16(host, true);
            r[d + 1] = 0;
            break;
          case Handler.Load4:
            host = mem.translateAt(r[s + 1], r[s], AUX[pc], 4, false);
            if (host < 0) throw accessFault(mem, r[s + 1], r[s], AUX[pc], 4, false, pc);
            r[d] = view.getInt32(host, true);
            r[d + 1] = 0;
            break;
          case Handler.Load8:
            host = mem.translateAt(r[s + 1], r[s], AUX[pc], 8, false);
            if (host < 0) throw accessFault(mem, r[s + 1], r[s], AUX[pc], 8, false, pc);
            r[d] = view.getInt32(host, true);
            r[d + 1] = view.getInt32(host + 4, true);
            break;
          case Handler.StoreImm1:
          case Handler.StoreReg1:
            host = mem.translateAt(r[d + 1], r[d], AUX[pc], 1, true);
            if (host < 0) throw accessFault(mem, r[d + 1], r[d], AUX[pc], 1, true, pc);
            bytes[host] = (w & 0xff) === Handler.StoreImm1 ? IMM[pc] : r[s];
            break;
          case Handler.StoreImm2:
          case Handler.StoreReg2:
            host = mem.translateAt(r[d + 1], r[d], AUX[pc], 2, true);
            if (host < 0) throw accessFault(mem, r[d + 1], r[d], AUX[pc], 2, true, pc);
            view.setInt16(host, (w & 0xff) === Handler.StoreImm2 ? IMM[pc] : r[s], true);
            break;
          case Handler.StoreImm4:
          case Handler.StoreReg4:
            host = mem.translateAt(r[d + 1], r[d], AUX[pc], 4, true);
            if (host < 0) throw accessFault(mem, r[d + 1], r[d], AUX[pc], 4, true, pc);
            view.setInt32(host, (w & 0xff) === Handler.StoreImm4 ? IMM[pc] : r[s], true);
            break;
          case Handler.StoreImm8:
            host = mem.translateAt(r[d + 1], r[d], AUX[pc], 8, true);
            if (host < 0) throw accessFault(mem, r[d + 1], r[d], AUX[pc], 8, true, pc);
            view.setInt32(host, IMM[pc], true);
            view.setInt32(host + 4, IMM[pc] >> 31, true);
            break;
          case Handler.StoreReg8:
            host = mem.translateAt(r[d + 1], r[d], AUX[pc], 8, true);
            if (host < 0) throw accessFault(mem, r[d + 1], r[d], AUX[pc], 8, true, pc);
            view.setInt32(host, r[s], true);
            view.setInt32(host + 4, r[s + 1], true);
            break;

          // ALU64 on halves; immediates are sign-extended to 64 bits (upper half `imm >> 31`).
          case Handler.Add64Imm: {
            const lo = (r[d] + IMM[pc]) | 0;
            r[d + 1] += (IMM[pc] >> 31) + (lo >>> 0 < r[d] >>> 0 ? 1 : 0);
            r[d] = lo;
            break;
          }
          case Handler.Add64Reg: {
            const lo = (r[d] + r[s]) | 0;
            r[d + 1] += r[s + 1] + (lo >>> 0 < r[d] >>> 0 ? 1 : 0);
            r[d] = lo;
            break;
          }
          case Handler.Sub64Imm: {
            const imm = IMM[pc];
            if (swapSub) {
              // V2 computes imm - dst.
              r[d + 1] = (imm >> 31) - r[d + 1] - (imm >>> 0 < r[d] >>> 0 ? 1 : 0);
              r[d] = imm - r[d];
            } else {
              r[d + 1] -= (imm >> 31) + (r[d] >>> 0 < imm >>> 0 ? 1 : 0);
              r[d] -= imm;
            }
            break;
          }
          case Handler.Sub64Reg:
            r[d + 1] -= r[s + 1] + (r[d] >>> 0 < r[s] >>> 0 ? 1 : 0);
            r[d] -= r[s];
            break;
          case Handler.Mul64Imm:
            mul64(r, d, IMM[pc], IMM[pc] >> 31);
            break;
          case Handler.Mul64Reg:
            mul64(r, d, r[s], r[s + 1]);
            break;
          // The divisor immediate is sign-extended, then divides as u64.
          case Handler.Div64Imm:
          case Handler.Div64Reg:
          case Handler.Mod64Imm:
          case Handler.Mod64Reg: {
            const h = w & 0xff;
            const reg = h === Handler.Div64Reg || h === Handler.Mod64Reg;
            const lo = reg ? r[s] : IMM[pc];
            const hi = reg ? r[s + 1] : IMM[pc] >> 31;
            if ((lo | hi) === 0) throw fault('DivideByZero', pc);
            divMod64(r, B, d, lo, hi, h === Handler.Mod64Imm || h === Handler.Mod64Reg);
            break;
          }
          case Handler.Or64Imm:
            r[d] |= IMM[pc];
            r[d + 1] |= IMM[pc] >> 31;
            break;
          case Handler.Or64Reg:
            r[d] |= r[s];
            r[d + 1] |= r[s + 1];
            break;
          case Handler.And64Imm:
            r[d] &= IMM[pc];
            r[d + 1] &= IMM[pc] >> 31;
            break;
          case Handler.And64Reg:
            r[d] &= r[s];
            r[d + 1] &= r[s + 1];
            break;
          case Handler.Xor64Imm:
            r[d] ^= IMM[pc];
            r[d + 1] ^= IMM[pc] >> 31;
            break;
          case Handler.Xor64Reg:
            r[d] ^= r[s];
            r[d + 1] ^= r[s + 1];
            break;
          case Handler.Lsh64Imm:
          case Handler.Lsh64Reg: {
            const k = ((w & 0xff) === Handler.Lsh64Imm ? IMM[pc] : r[s]) & 63;
            if (k >= 32) {
              r[d + 1] = r[d] << (k - 32);
              r[d] = 0;
            } else if (k > 0) {
              r[d + 1] = (r[d + 1] << k) | (r[d] >>> (32 - k));
              r[d] <<= k;
            }
            break;
          }
          case Handler.Rsh64Imm:
          case Handler.Rsh64Reg: {
            const k = ((w & 0xff) === Handler.Rsh64Imm ? IMM[pc] : r[s]) & 63;
            if (k >= 32) {
              r[d] = r[d + 1] >>> (k - 32);
              r[d + 1] = 0;
            } else if (k > 0) {
              r[d] = (r[d] >>> k) | (r[d + 1] << (32 - k));
              r[d + 1] >>>= k;
            }
            break;
          }
          case Handler.Arsh64Imm:
          case Handler.Arsh64Reg: {
            const k = ((w & 0xff) === Handler.Arsh64Imm ? IMM[pc] : r[s]) & 63;
            if (k >= 32) {
              r[d] = r[d + 1] >> (k - 32);
              r[d + 1] >>= 31;
            } else if (k > 0) {
              r[d] = (r[d] >>> k) | (r[d + 1] << (32 - k));
              r[d + 1] >>= k;
            }
            break;
          }
          case Handler.Mov64Imm:
            r[d] = IMM[pc];
            r[d + 1] = IMM[pc] >> 31;
            break;
          case Handler.Mov64Reg:
            r[d] = r[s];
            r[d + 1] = r[s + 1];
            break;
          // Jumps: AUX holds the target slot.
          case Handler.Ja:
            pc = AUX[pc];
            continue;
          case Handler.Jeq64Imm:
            pc = r[d] === IMM[pc] && r[d + 1] === IMM[pc] >> 31 ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jeq64Reg:
            pc = r[d] === r[s] && r[d + 1] === r[s + 1] ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jne64Imm:
            pc = r[d] !== IMM[pc] || r[d + 1] !== IMM[pc] >> 31 ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jne64Reg:
            pc = r[d] !== r[s] || r[d + 1] !== r[s + 1] ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jgt64Imm:
            pc = ltU(IMM[pc] >> 31, IMM[pc], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jgt64Reg:
            pc = ltU(r[s + 1], r[s], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jge64Imm:
            pc = !ltU(r[d + 1], r[d], IMM[pc] >> 31, IMM[pc]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jge64Reg:
            pc = !ltU(r[d + 1], r[d], r[s + 1], r[s]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jlt64Imm:
            pc = ltU(r[d + 1], r[d], IMM[pc] >> 31, IMM[pc]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jlt64Reg:
            pc = ltU(r[d + 1], r[d], r[s + 1], r[s]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jle64Imm:
            pc = !ltU(IMM[pc] >> 31, IMM[pc], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jle64Reg:
            pc = !ltU(r[s + 1], r[s], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jset64Imm:
            pc = (r[d] & IMM[pc]) !== 0 || (r[d + 1] & (IMM[pc] >> 31)) !== 0 ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jset64Reg:
            pc = (r[d] & r[s]) !== 0 || (r[d + 1] & r[s + 1]) !== 0 ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jsgt64Imm:
            pc = ltS(IMM[pc] >> 31, IMM[pc], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jsgt64Reg:
            pc = ltS(r[s + 1], r[s], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jsge64Imm:
            pc = !ltS(r[d + 1], r[d], IMM[pc] >> 31, IMM[pc]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jsge64Reg:
            pc = !ltS(r[d + 1], r[d], r[s + 1], r[s]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jslt64Imm:
            pc = ltS(r[d + 1], r[d], IMM[pc] >> 31, IMM[pc]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jslt64Reg:
            pc = ltS(r[d + 1], r[d], r[s + 1], r[s]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jsle64Imm:
            pc = !ltS(IMM[pc] >> 31, IMM[pc], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.Jsle64Reg:
            pc = !ltS(r[s + 1], r[s], r[d + 1], r[d]) ? AUX[pc] : pc + 1;
            continue;
          case Handler.CallReg: {
            // The target is read before the frame push changes r10.
            const hi = r[d + 1];
            const lo = r[d];
            this.pushFrame(pc);
            // (target - text start) / 8, as u64, must be a slot of the text.
            const offHi = (hi - textHi - (lo >>> 0 < textLo >>> 0 ? 1 : 0)) | 0;
            const offLo = (lo - textLo) >>> 0;
            if (offHi !== 0 || offLo >>> 3 >= n) throw fault('CallOutsideTextSegment', pc);
            pc = offLo >>> 3;
            if (entered !== undefined) entered[pc] = 1;
            continue;
          }
          case Handler.CallImm:
          case Handler.CallSyscall: {
            // A syscall first (the instructions so far are charged before it), then — V0–V2 —
            // also a function registered under the same key.
            let resolved = false;
            let entry = resolvedSyscalls.get(pc);
            if (entry === undefined) resolvedSyscalls.set(pc, (entry = syscalls.lookup(IMM[pc]) ?? null));
            if (entry !== null) {
              this.consume(due);
              due = 0;
              this.callSyscall(entry, pc);
              prev = this.remainingUnits;
              resolved = true;
            }
            if ((w & 0xff) === Handler.CallImm && AUX[pc] !== NO_FUNCTION) {
              const target = AUX[pc];
              this.pushFrame(pc);
              if (target >= n) throw fault('CallOutsideTextSegment', pc);
              pc = target;
              if (entered !== undefined) entered[pc] = 1;
              continue;
            }
            if (!resolved) throw fault('UnsupportedInstruction', pc);
            break;
          }
          case Handler.CallLocal:
            this.pushFrame(pc);
            pc = AUX[pc];
            if (entered !== undefined) entered[pc] = 1;
            continue;
          case Handler.Exit:
            if (this.depth === 0) {
              if (due > prev) throw fault('ExceededMaxInstructions', pc);
              this.due = due;
              this.previousMeter = prev;
              return B[0];
            }
            pc = this.popFrame();
            continue;
          default: // the opcodes real programs (sBPF v0–v2) rarely or never run
            pc = this.rareOp(w, pc, program);
            continue;
        }
        pc++;
      }
    } catch (e) {
      this.due = due;
      this.previousMeter = prev;
      this.R[22] = slotPc(program, pc);
      throw e;
    }
  }

  /**
   * Executes slot `pc` (word `w`) of a handler real programs rarely or never run — ALU32, JMP32,
   * byte swaps, negation, PQR (ALU32 and JMP32 are absent from every bundled and fetched program)
   * — and returns the slot to continue at. Kept out of the loop so
   * that V8 compiles, and optimises, a smaller function sooner.
   */
  private rareOp(w: number, pc: number, program: DecodedProgram): number {
    const v = this.exe.sbpfVersion;
    const { imm: IMM, aux: AUX } = program;
    const r = this.halves;
    const signExt = !explicitSignExtensionOfResults(v);
    const swapSub = swapSubRegImmOperands(v);
    const d = (w >> 8) & 0xff;
    const s = w >>> 16;
    switch (w & 0xff) {
      case Handler.Hor64:
        r[d + 1] |= IMM[pc];
        break;

      // ALU32: add, sub and mul sign-extend their result into the upper half except in V2;
      // everything else zero-extends.
      case Handler.Add32Imm:
        r[d] += IMM[pc];
        r[d + 1] = signExt ? r[d] >> 31 : 0;
        break;
      case Handler.Add32Reg:
        r[d] += r[s];
        r[d + 1] = signExt ? r[d] >> 31 : 0;
        break;
      case Handler.Sub32Imm:
        r[d] = swapSub ? IMM[pc] - r[d] : r[d] - IMM[pc];
        r[d + 1] = signExt ? r[d] >> 31 : 0;
        break;
      case Handler.Sub32Reg:
        r[d] -= r[s];
        r[d + 1] = signExt ? r[d] >> 31 : 0;
        break;
      case Handler.Mul32Imm:
        r[d] = Math.imul(r[d], IMM[pc]);
        r[d + 1] = signExt ? r[d] >> 31 : 0;
        break;
      case Handler.Mul32Reg:
        r[d] = Math.imul(r[d], r[s]);
        r[d + 1] = signExt ? r[d] >> 31 : 0;
        break;
      case Handler.Div32Imm:
        if (IMM[pc] === 0) throw fault('DivideByZero', pc);
        r[d] = (r[d] >>> 0) / (IMM[pc] >>> 0);
        r[d + 1] = 0;
        break;
      case Handler.Div32Reg:
        if (r[s] === 0) throw fault('DivideByZero', pc);
        r[d] = (r[d] >>> 0) / (r[s] >>> 0);
        r[d + 1] = 0;
        break;
      case Handler.Mod32Imm:
        if (IMM[pc] === 0) throw fault('DivideByZero', pc);
        r[d] = (r[d] >>> 0) % (IMM[pc] >>> 0);
        r[d + 1] = 0;
        break;
      case Handler.Mod32Reg:
        if (r[s] === 0) throw fault('DivideByZero', pc);
        r[d] = (r[d] >>> 0) % (r[s] >>> 0);
        r[d + 1] = 0;
        break;
      case Handler.Or32Imm:
        r[d] |= IMM[pc];
        r[d + 1] = 0;
        break;
      case Handler.Or32Reg:
        r[d] |= r[s];
        r[d + 1] = 0;
        break;
      case Handler.And32Imm:
        r[d] &= IMM[pc];
        r[d + 1] = 0;
        break;
      case Handler.And32Reg:
        r[d] &= r[s];
        r[d + 1] = 0;
        break;
      case Handler.Xor32Imm:
        r[d] ^= IMM[pc];
        r[d + 1] = 0;
        break;
      case Handler.Xor32Reg:
        r[d] ^= r[s];
        r[d + 1] = 0;
        break;
      // JavaScript masks 32-bit shift amounts to 5 bits, as the reference's wrapping shifts do.
      case Handler.Lsh32Imm:
        r[d] <<= IMM[pc];
        r[d + 1] = 0;
        break;
      case Handler.Lsh32Reg:
        r[d] <<= r[s];
        r[d + 1] = 0;
        break;
      case Handler.Rsh32Imm:
        r[d] >>>= IMM[pc];
        r[d + 1] = 0;
        break;
      case Handler.Rsh32Reg:
        r[d] >>>= r[s];
        r[d + 1] = 0;
        break;
      case Handler.Arsh32Imm:
        r[d] >>= IMM[pc];
        r[d + 1] = 0;
        break;
      case Handler.Arsh32Reg:
        r[d] >>= r[s];
        r[d + 1] = 0;
        break;
      case Handler.Neg32:
        r[d] = -r[d];
        r[d + 1] = 0;
        break;
      case Handler.Mov32Imm:
        r[d] = IMM[pc];
        r[d + 1] = 0;
        break;
      case Handler.Mov32Reg:
        // V2 sign-extends here instead (its add/sub/mul zero-extend).
        r[d] = r[s];
        r[d + 1] = signExt ? 0 : r[d] >> 31;
        break;
      case Handler.Le16:
        r[d] &= 0xffff;
        r[d + 1] = 0;
        break;
      case Handler.Le32:
        r[d + 1] = 0;
        break;
      case Handler.Nop:
        break;
      case Handler.Be16:
        r[d] = ((r[d] & 0xff) << 8) | ((r[d] >>> 8) & 0xff);
        r[d + 1] = 0;
        break;
      case Handler.Be32:
        r[d] = bswap32(r[d]);
        r[d + 1] = 0;
        break;
      case Handler.Be64: {
        const lo = r[d];
        r[d] = bswap32(r[d + 1]);
        r[d + 1] = bswap32(lo);
        break;
      }

      case Handler.Neg64:
        r[d + 1] = r[d] === 0 ? -r[d + 1] : ~r[d + 1];
        r[d] = -r[d];
        break;
      case Handler.Pqr:
        this.pqr(AUX[pc], d >> 1, s >> 1, IMM[pc], pc);
        break;

      // JMP32 (V3+) compares the low halves.
      case Handler.Jeq32Imm:
        return r[d] === IMM[pc] ? AUX[pc] : pc + 1;
      case Handler.Jeq32Reg:
        return r[d] === r[s] ? AUX[pc] : pc + 1;
      case Handler.Jne32Imm:
        return r[d] !== IMM[pc] ? AUX[pc] : pc + 1;
      case Handler.Jne32Reg:
        return r[d] !== r[s] ? AUX[pc] : pc + 1;
      case Handler.Jgt32Imm:
        return r[d] >>> 0 > IMM[pc] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jgt32Reg:
        return r[d] >>> 0 > r[s] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jge32Imm:
        return r[d] >>> 0 >= IMM[pc] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jge32Reg:
        return r[d] >>> 0 >= r[s] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jlt32Imm:
        return r[d] >>> 0 < IMM[pc] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jlt32Reg:
        return r[d] >>> 0 < r[s] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jle32Imm:
        return r[d] >>> 0 <= IMM[pc] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jle32Reg:
        return r[d] >>> 0 <= r[s] >>> 0 ? AUX[pc] : pc + 1;
      case Handler.Jset32Imm:
        return (r[d] & IMM[pc]) !== 0 ? AUX[pc] : pc + 1;
      case Handler.Jset32Reg:
        return (r[d] & r[s]) !== 0 ? AUX[pc] : pc + 1;
      case Handler.Jsgt32Imm:
        return r[d] > IMM[pc] ? AUX[pc] : pc + 1;
      case Handler.Jsgt32Reg:
        return r[d] > r[s] ? AUX[pc] : pc + 1;
      case Handler.Jsge32Imm:
        return r[d] >= IMM[pc] ? AUX[pc] : pc + 1;
      case Handler.Jsge32Reg:
        return r[d] >= r[s] ? AUX[pc] : pc + 1;
      case Handler.Jslt32Imm:
        return r[d] < IMM[pc] ? AUX[pc] : pc + 1;
      case Handler.Jslt32Reg:
        return r[d] < r[s] ? AUX[pc] : pc + 1;
      case Handler.Jsle32Imm:
        return r[d] <= IMM[pc] ? AUX[pc] : pc + 1;
      case Handler.Jsle32Reg:
        return r[d] <= r[s] ? AUX[pc] : pc + 1;

      default:
        throw new InternalError(`interpreter: no handler for opcode ${w & 0xff}`); // a defect of the decoder
    }
    return pc + 1;
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
          if (divisor === 0n) throw fault('DivideByZero', pc);
          B[d] = rem ? B[d] % divisor : B[d] / divisor;
        } else {
          const divisor = reg ? R[2 * s] : imm >>> 0;
          if (divisor === 0) throw fault('DivideByZero', pc);
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
          if (divisor === 0n) throw fault('DivideByZero', pc);
          if (S[d] === MIN_I64 && divisor === -1n) throw fault('DivideOverflow', pc);
          B[d] = rem ? S[d] % divisor : S[d] / divisor;
        } else {
          const divisor = reg ? R[2 * s] | 0 : imm;
          const dividend = R[2 * d] | 0;
          if (divisor === 0) throw fault('DivideByZero', pc);
          if (dividend === -0x80000000 && divisor === -1) throw fault('DivideOverflow', pc);
          R[2 * d] = (rem ? dividend % divisor : Math.trunc(dividend / divisor)) >>> 0;
          R[2 * d + 1] = 0;
        }
        return;
      }
    }
    throw fault('UnsupportedInstruction', pc);
  }
}
