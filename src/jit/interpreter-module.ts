/**
 * The WebAssembly interpreter: one fixed module (emitted once, carried pre-emitted in the bundle)
 * that interprets any program's sBPF the way the JS interpreter does, for `engine: 'auto'`'s cold
 * tier. V8 compiles a wasm function with Liftoff on its first call, and Liftoff code is fast from
 * its first instruction, while the JS interpreter's loop runs in V8's bytecode interpreter for
 * the first few hundred thousand instructions of a process — more than a test file runs.
 *
 * It shares the JIT's header (src/jit/layout.ts): registers live in the header's register slots
 * (an instruction names its registers by number, and wasm locals cannot be indexed), call frames
 * in its frames, and it leaves exactly as compiled code does — {@link STATUS_EXIT}, or
 * {@link STATUS_HAND_OVER} with the state the JS interpreter resumes from. It executes every
 * instruction but V2's PQR class (multiply-high, signed division: no real program we have runs
 * it), and hands over *before* that, before any fault (the JS interpreter then raises it with its
 * exact error), before a meter that would run out, and at a pc outside the program. So the JS
 * interpreter stays the one place that knows how runs fail.
 *
 * Instructions are decoded where they execute, from the program's text in the instance's memory:
 * an 8-byte load, the opcode mapped to a handler through the version's table ({@link handlerTable})
 * and a `call_indirect` of that handler's function (see {@link HANDLER_PARAMS} for why not one
 * loop holding them all). The text is copied in a 4 KiB chunk at a time on first execution (see
 * {@link INTERPRETER_AREA}), as the memory map copies the read-only image, so a megabyte
 * program's first run touches only the pages it runs.
 */
import { FIRST_SCRATCH_REG, FRAME_PTR_REG, MAX_CALL_DEPTH } from '../isa/constants.js';
import * as op from '../isa/opcodes.js';
import { opcodeRole } from '../isa/validity.js';
import {
  callxUsesDstReg,
  callxUsesSrcReg,
  explicitSignExtensionOfResults,
  moveMemoryInstructionClasses,
  staticSyscalls,
  swapSubRegImmOperands,
  type SBPFVersion,
} from '../isa/version.js';
import type { EmittedModule } from '../crypto/fixed-modules.js';
import { assertInternal } from '../errors.js';
import { CHUNK_SHIFT, defineTranslate, memSize } from './compile.js';
import { FRAME, frameAt, frameRegister, HEADER, headerRegister, STATUS_EXIT, STATUS_HAND_OVER } from './layout.js';
import { ModuleBuilder, ValType, type Code } from './wasm/index.js';

const I32 = ValType.I32;
const I64 = ValType.I64;

/**
 * The interpreter's own block after the JIT header, before the regions: the version's handler
 * table, per slot a pointer to the chunk map of a read-only region still copied in lazily (one
 * byte per 4 KiB chunk, 1 when in place; 0: the whole region is), a direct-mapped cache of what
 * `call imm` sites resolve to, then (laid out per program, see `interpreterLayout` in engine.ts)
 * the entered-function marks and the chunk maps.
 */
export const INTERPRETER_AREA = {
  handlers: HEADER.size,
  slotChunks: HEADER.size + 256,
  callCache: HEADER.size + 512,
  callCacheEntries: 512,
  /** Where the per-program part starts. */
  size: HEADER.size + 512 + 512 * 8,
} as const;

/** The `load` import's slot for the program text's own copy (the memory map's slots are 0..7). */
export const TEXT_SLOT = HEADER.regionSlots;

/** What a slot's opcode does; the handler table maps every opcode byte of a version to one. */
export const enum Op {
  /** Anything left to the JS interpreter (handed over before it runs). */
  HandOver,
  Lddw,
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
  Add,
  Sub,
  /** V2's `sub64 dst, imm`: imm - dst. */
  SubFromImm,
  Mul,
  Div,
  Mod,
  Or,
  And,
  Xor,
  Lsh,
  Rsh,
  Arsh,
  Mov,
  Neg,
  /** V2's `hor64`: dst |= imm << 32. */
  Hor,
  /** `le` and `be` (an immediate of 16, 32 or 64, else the JS interpreter's invalid instruction). */
  Le,
  Be,
  /** ALU32, the operation in the opcode's upper bits: add, sub and mul sign-extend their result. */
  Alu32,
  /** V2's ALU32: results zero-extended but `mov32 dst, src`'s, and `sub32 dst, imm` is imm - dst. */
  Alu32Explicit,
  /** JMP32 (V3+), the comparison in the opcode's upper bits. */
  Jmp32,
  Ja,
  Jeq,
  Jne,
  Jgt,
  Jge,
  Jlt,
  Jle,
  Jset,
  Jsgt,
  Jsge,
  Jslt,
  Jsle,
  /** V0–V2 `call imm`: a syscall by hash and/or a function by registry key. */
  CallByKey,
  /** V3+ `call imm`: a syscall (src 0) or a pc-relative call (src 1). */
  CallStatic,
  /** `callx` with the target register in imm (V0, V1), src (V2) or dst (V3+). */
  CallxImm,
  CallxSrc,
  CallxDst,
  Exit,
  Count,
}

const ALU64 = new Map<number, Op>([
  [op.BPF_ADD, Op.Add],
  [op.BPF_SUB, Op.Sub],
  [op.BPF_MUL, Op.Mul],
  [op.BPF_DIV, Op.Div],
  [op.BPF_MOD, Op.Mod],
  [op.BPF_OR, Op.Or],
  [op.BPF_AND, Op.And],
  [op.BPF_XOR, Op.Xor],
  [op.BPF_LSH, Op.Lsh],
  [op.BPF_RSH, Op.Rsh],
  [op.BPF_ARSH, Op.Arsh],
  [op.BPF_MOV, Op.Mov],
  [op.BPF_NEG, Op.Neg],
  [op.BPF_HOR, Op.Hor],
]);

const JUMPS = new Map<number, Op>([
  [op.BPF_JEQ, Op.Jeq],
  [op.BPF_JNE, Op.Jne],
  [op.BPF_JGT, Op.Jgt],
  [op.BPF_JGE, Op.Jge],
  [op.BPF_JLT, Op.Jlt],
  [op.BPF_JLE, Op.Jle],
  [op.BPF_JSET, Op.Jset],
  [op.BPF_JSGT, Op.Jsgt],
  [op.BPF_JSGE, Op.Jsge],
  [op.BPF_JSLT, Op.Jslt],
  [op.BPF_JSLE, Op.Jsle],
]);

const CONDITIONAL_JUMPS = new Set(JUMPS.values());
const LOADS = [Op.Load1, Op.Load2, Op.Load4, Op.Load8];
const STORES_IMM = [Op.StoreImm1, Op.StoreImm2, Op.StoreImm4, Op.StoreImm8];
const STORES_REG = [Op.StoreReg1, Op.StoreReg2, Op.StoreReg4, Op.StoreReg8];
const sizeIndex = (size: number) => Math.log2(size);

const tables = new Map<SBPFVersion, Uint8Array>();

/**
 * The decoder of version `v`: the {@link Op} of every opcode byte, from the version's opcode roles
 * (src/isa/validity.ts), so the module needs no knowledge of versions.
 */
export function handlerTable(v: SBPFVersion): Uint8Array {
  let t = tables.get(v);
  if (t) return t;
  t = new Uint8Array(256); // Op.HandOver
  const moved = moveMemoryInstructionClasses(v);
  for (let opc = 0; opc < 256; opc++) {
    const cls = opc & op.BPF_CLS_MASK;
    switch (opcodeRole(v, opc)) {
      case 'lddw':
        t[opc] = Op.Lddw;
        break;
      case 'load':
        t[opc] = LOADS[sizeIndex(memSize(opc, moved))];
        break;
      case 'store': {
        const storesReg = moved ? (opc & op.BPF_X) !== 0 : cls === op.BPF_STX;
        t[opc] = (storesReg ? STORES_REG : STORES_IMM)[sizeIndex(memSize(opc, moved))];
        break;
      }
      case 'alu':
      case 'divImm':
      case 'shift64':
        // The PQR class (V2's class 6) stays the JS interpreter's.
        if (cls === op.BPF_ALU64_STORE && ALU64.has(opc & 0xf0)) {
          const o = ALU64.get(opc & 0xf0)!;
          t[opc] = o === Op.Sub && (opc & op.BPF_X) === 0 && swapSubRegImmOperands(v) ? Op.SubFromImm : o;
        } else if (cls === op.BPF_ALU32_LOAD) t[opc] = explicitSignExtensionOfResults(v) ? Op.Alu32Explicit : Op.Alu32;
        break;
      case 'shift32':
        t[opc] = explicitSignExtensionOfResults(v) ? Op.Alu32Explicit : Op.Alu32;
        break;
      case 'endian':
        t[opc] = opc === op.BE ? Op.Be : Op.Le;
        break;
      case 'jump':
        if (opc === op.JA) t[opc] = Op.Ja;
        else t[opc] = cls === op.BPF_JMP64 ? JUMPS.get(opc & 0xf0)! : Op.Jmp32;
        break;
      case 'call':
        t[opc] = staticSyscalls(v) ? Op.CallStatic : Op.CallByKey;
        break;
      case 'callx':
        t[opc] = callxUsesSrcReg(v) ? Op.CallxSrc : callxUsesDstReg(v) ? Op.CallxDst : Op.CallxImm;
        break;
      case 'exit':
        t[opc] = Op.Exit;
        break;
      default: // invalid: the JS interpreter's
    }
  }
  tables.set(v, t);
  return t;
}

/**
 * `run`'s parameters, in order: the pc to start at, the program's slots, where its text is in
 * memory (`textHost`), at which byte offset of the chunk-mapped area it starts (`textOff`), that
 * area's chunk map and `load` slot, the frame-pointer bump a call makes, the text's virtual
 * address (for `callx`), and the entered-function marks (a bit per slot).
 */
const PARAMS = [I32, I32, I32, I32, I32, I32, I64, I64, I32];
const [PC, N, TEXT_HOST, TEXT_OFF, TEXT_MAP, TEXT_SLOT_P, FRAME_BUMP, TEXT_VADDR, ENTERED] = PARAMS.map((_, i) => i);

/** Emits the interpreter module (see the file comment). */
export function emitInterpreter(): EmittedModule {
  const m = new ModuleBuilder();
  m.importMemory('env', 'memory', 1);
  const syscallImport = m.importFunction('env', 'syscall', [I32, I32, I64, I64, I64, I64, I64], [I64]);
  const loadImport = m.importFunction('env', 'load', [I32, I32, I32], []);
  const resolveImport = m.importFunction('env', 'resolveCall', [I32], [I32]);
  const enterImport = m.importFunction('env', 'enter', [I32], []);
  const due = m.addGlobal(I64, true, 0n);
  const prev = m.addGlobal(I64, true, 0n);
  m.export('due', 'global', due);
  m.export('prev', 'global', prev);
  // run's loop-invariant parameters, for the handlers.
  const params = PARAMS.map((type, p) => (p === PC ? -1 : m.addGlobal(type === I64 ? I64 : I32, true, type === I64 ? 0n : 0)));
  const run = m.addFunction(PARAMS, [I32]);
  m.export('run', 'func', run.index);
  const translate = defineTranslate(m, due, prev, { chunkTable: INTERPRETER_AREA.slotChunks, loadImport });
  const handlers = Array.from({ length: Op.Count }, () => m.addFunction(HANDLER_PARAMS, [I32]));
  m.defineTable(handlers.map((h) => h.index));
  const f = { translate, syscallImport, loadImport, resolveImport, enterImport, due, prev, params, handlerType: m.type(HANDLER_PARAMS, [I32]) };
  handlers.forEach((h, o) => new LoopEmitter(h.code, f, 'handler').emitHandler(o as Op));
  new LoopEmitter(run.code, f, 'run').emitRun();
  return { bytes: m.encode(), meta: undefined };
}

/**
 * A handler: a function of the slot's pc and its instruction, returning the pc to continue at,
 * or one of the codes below. One function per handler keeps `run`'s loop small: V8 recompiles a
 * wasm function with its optimising compiler once it has run a number of its bytes (each loop
 * iteration counts the bytes from the loop's start to its branch back), and the recompile of one
 * loop holding every handler, due after a few hundred instructions, cost ~10 ms of CPU and ~460
 * page faults per process (1.6 MB of compiler zone; `run` alone now takes 0.24 MB, and a handler
 * is recompiled only once it has itself run tens of thousands of times). Liftoff's code with a
 * call per instruction runs ~130 M instructions/s instead of ~190 M.
 */
const HANDLER_PARAMS = [I32, I64];
/**
 * What a handler returns instead of a pc: hand over at its pc, exit at depth 0, run the syscall its
 * immediate names. Below any pc a jump can reach (pc + 1 + a 16-bit offset, out of the program too).
 */
const HAND_OVER = -0x8000_0000;
const EXIT = HAND_OVER + 1;
const SYSCALL = HAND_OVER + 2;

interface Imports {
  /** Per parameter of `run` but the pc: the global the handlers read it from. */
  params: number[];
  handlerType: number;
  translate: number;
  syscallImport: number;
  loadImport: number;
  resolveImport: number;
  enterImport: number;
  due: number;
  prev: number;
}

/**
 * Emits `run` (the fetch-execute loop) or one handler, with labels tracked by name; in a handler,
 * a branch to one of `run`'s labels (the next slot, the loop's top, a syscall, exit) is a return.
 */
class LoopEmitter {
  private readonly labels: string[] = [];
  // Locals after the parameters.
  private readonly DUE: number;
  private readonly PREV: number;
  private readonly DEPTH: number;
  private readonly INSN: number;
  /** run: the slot the handler ran for. */
  private readonly PC0: number;
  private readonly DA: number;
  private readonly SA: number;
  private readonly IMM: number;
  private readonly A: number;
  private readonly V: number;
  private readonly T: number;
  private readonly BYTE: number;
  /** ALU32 and JMP32: the operands' low halves, and whether the result is sign-extended. */
  private readonly X: number;
  private readonly Y: number;
  private readonly SIGN: number;

  constructor(
    private readonly c: Code,
    private readonly f: Imports,
    private readonly mode: 'run' | 'handler',
  ) {
    this.DUE = c.locals(1, I64);
    this.PREV = c.locals(1, I64);
    this.INSN = mode === 'handler' ? 1 : c.locals(1, I64);
    this.IMM = c.locals(1, I64);
    this.T = c.locals(1, I64);
    this.DEPTH = c.locals(1, I32);
    this.DA = c.locals(1, I32);
    this.SA = c.locals(1, I32);
    this.A = c.locals(1, I32);
    this.V = c.locals(1, I32);
    this.BYTE = c.locals(1, I32);
    this.X = c.locals(1, I32);
    this.Y = c.locals(1, I32);
    this.SIGN = c.locals(1, I32);
    this.PC0 = c.locals(1, I32);
  }

  /** Pushes `run`'s parameter `p` (a handler reads its global). */
  private get(p: number): void {
    if (this.mode === 'run') this.c.localGet(p);
    else this.c.globalGet(this.f.params[p]);
  }

  private open(kind: 'block' | 'loop' | 'if', name: string): void {
    if (kind === 'block') this.c.block();
    else if (kind === 'loop') this.c.loop();
    else this.c.if();
    this.labels.push(name);
  }

  private end(): void {
    this.c.end();
    this.labels.pop();
  }

  private depthOf(name: string): number {
    const i = this.labels.lastIndexOf(name);
    assertInternal(i >= 0, `interpreter module: label ${name} is not open`);
    return this.labels.length - 1 - i;
  }

  private br(name: string): void {
    if (this.labels.includes(name)) this.c.br(this.depthOf(name));
    else this.leave(name);
  }

  private brIf(name: string): void {
    if (this.labels.includes(name)) this.c.brIf(this.depthOf(name));
    else {
      this.open('if', 'if');
      this.leave(name);
      this.end();
    }
  }

  /** A handler's way out to `run` (see {@link HAND_OVER}). */
  private leave(name: string): void {
    const c = this.c;
    assertInternal(this.mode === 'handler', `interpreter module: label ${name} is not open`);
    if (name === 'next') c.localGet(PC).i32Const(1).i32Add().return();
    else if (name === 'top') c.localGet(PC).return();
    else if (name === 'exit') c.i32Const(EXIT).return();
    else if (name === 'syscall') c.i32Const(SYSCALL).return();
    else assertInternal(false, `interpreter module: no way out named ${name}`);
  }

  /** `run`: charge, fetch, call the slot's handler, act on what it returns. */
  emitRun(): void {
    const { c, f } = this;
    for (let p = 0; p < PARAMS.length; p++) if (p !== PC) c.localGet(p).globalSet(f.params[p]);
    c.globalGet(f.due).localSet(this.DUE);
    c.globalGet(f.prev).localSet(this.PREV);
    this.open('block', 'exit');
    this.open('block', 'handOver');
    this.open('loop', 'top');
    this.fetch();
    c.localGet(PC).localTee(this.PC0).localGet(this.INSN);
    c.i32Const(0).localGet(this.INSN).i32WrapI64().i32Const(0xff).i32And().i32Add().i32Load8U(INTERPRETER_AREA.handlers);
    c.callIndirect(f.handlerType).localTee(PC).i32Const(SYSCALL).i32GtS();
    this.brIf('top');
    // The handler's code; the slot it ran for again.
    c.localGet(PC).localSet(this.V).localGet(this.PC0).localSet(PC);
    c.localGet(this.V).i32Const(EXIT).i32Eq();
    this.brIf('exit');
    c.localGet(this.V).i32Const(HAND_OVER).i32Eq();
    this.brIf('handOver');
    c.localGet(this.INSN).i64Const(0, 32).i64ShrS().localSet(this.IMM);
    this.syscall();
    c.localGet(PC).i32Const(1).i32Add().localSet(PC);
    this.br('top');
    this.end(); // top
    this.end(); // handOver: the JS interpreter runs slot PC, not yet charged
    c.i32Const(0).localGet(PC).i32Store(HEADER.pc);
    c.localGet(this.DUE).i64ConstI32(1).i64Sub().globalSet(f.due);
    c.localGet(this.PREV).globalSet(f.prev);
    c.i32Const(STATUS_HAND_OVER).return();
    this.end(); // exit at depth 0 (r0 is in the header)
    c.localGet(this.DUE).globalSet(f.due);
    c.localGet(this.PREV).globalSet(f.prev);
    c.i32Const(STATUS_EXIT);
  }

  /** Handler `o`: its operands from the instruction, then its code; falling out of `handOver` hands over. */
  emitHandler(o: Op): void {
    const c = this.c;
    this.open('block', 'handOver');
    if (o !== Op.HandOver) {
      c.localGet(this.INSN)
        .i32WrapI64()
        .localTee(this.A)
        .i32Const(8)
        .i32ShrU()
        .i32Const(15)
        .i32And()
        .i32Const(3)
        .i32Shl()
        .i32Const(HEADER.regs)
        .i32Add()
        .localSet(this.DA);
      c.localGet(this.A).i32Const(12).i32ShrU().i32Const(15).i32And().i32Const(3).i32Shl().i32Const(HEADER.regs).i32Add().localSet(this.SA);
      c.localGet(this.INSN).i64Const(0, 32).i64ShrS().localSet(this.IMM);
      this.handler(o);
    }
    this.end();
    c.i32Const(HAND_OVER);
  }

  /** Charges the slot at PC (or hands over when the meter would run out), then loads and splits it. */
  private fetch(): void {
    const { c } = this;
    c.localGet(this.DUE).i64ConstI32(1).i64Add().localTee(this.DUE).localGet(this.PREV).i64GtU();
    this.brIf('handOver');
    // Outside the program (also slots n and n + 1): the JS interpreter's overrun.
    c.localGet(PC);
    this.get(N);
    c.i32GeU();
    this.brIf('handOver');
    this.textByte();
    this.ensureText(0);
    this.get(TEXT_HOST);
    c.localGet(PC).i32Const(3).i32Shl().i32Add().i64Load().localSet(this.INSN);
    // Registers r11..r15 do not exist.
    c.localGet(this.INSN).i32WrapI64().localTee(this.A).i32Const(8).i32ShrU().i32Const(15).i32And().localTee(this.DA).i32Const(10).i32GtU();
    c.localGet(this.A).i32Const(12).i32ShrU().i32Const(15).i32And().localTee(this.SA).i32Const(10).i32GtU().i32Or();
    this.brIf('handOver');
  }

  /** BYTE = where slot PC starts in the text's chunk-mapped area. */
  private textByte(): void {
    this.get(TEXT_OFF);
    this.c.localGet(PC).i32Const(3).i32Shl().i32Add().localSet(this.BYTE);
  }

  /** Copies in the text chunk holding bytes BYTE + skip .. + 7 when it is not in place yet. */
  private ensureText(skip: number): void {
    const { c } = this;
    c.localGet(this.BYTE)
      .i32Const(skip + 7)
      .i32Add()
      .i32Const(CHUNK_SHIFT)
      .i32ShrU();
    this.get(TEXT_MAP);
    c.i32Add().i32Load8U().i32Eqz();
    c.if();
    this.get(TEXT_SLOT_P);
    c.localGet(this.BYTE).i32Const(skip).i32Add().i32Const(8).call(this.f.loadImport);
    c.end();
  }

  /** Pushes the register operand (BPF_X) or the sign-extended immediate. */
  private operand(): void {
    this.c.localGet(this.SA).i64Load().localGet(this.IMM).localGet(this.INSN).i32WrapI64().i32Const(op.BPF_X).i32And().select();
  }

  /** The access's address: the base register plus the signed 16-bit offset. */
  private address(base: number): void {
    this.c.localGet(base).i64Load().localGet(this.INSN).i64Const(0, 32).i64Shl().i64Const(0, 48).i64ShrS().i64Add();
  }

  /** Translates the address on the stack for `size` bytes (a store when `store`) into A, or hands over. */
  private translate(size: number, store: boolean): void {
    const c = this.c;
    c.i32Const(size)
      .i32Const(store ? 1 : 0)
      .localGet(PC)
      .i64ConstI32(0) // the meter it publishes on failure is not read: `run` publishes its own when it hands over
      .call(this.f.translate)
      .localTee(this.A)
      .i32Eqz();
    this.brIf('handOver');
  }

  /** `PC` = the jump target (pc + 1 + off) when V is non-zero, else pc + 1. */
  private branchIf(): void {
    const c = this.c;
    c.localGet(PC).i32Const(1).i32Add().localGet(this.INSN).i64Const(0, 32).i64Shl().i64Const(0, 48).i64ShrS().i32WrapI64().i32Add();
    c.localGet(PC).i32Const(1).i32Add().localGet(this.V).select().localSet(PC);
    this.br('top');
  }

  /** Runs the syscall whose hash is the immediate; r0 gets its result. */
  private syscall(): void {
    const { c, f } = this;
    c.i32Const(0).localGet(this.DUE).i64Store(HEADER.syscallDue);
    c.i32Const(0).localGet(this.IMM).i32WrapI64().localGet(PC);
    for (let r = 1; r <= 5; r++) c.i32Const(0).i64Load(headerRegister(r));
    c.call(f.syscallImport).i64Store(headerRegister(0));
    // Nothing is due after it; the globals say so for the code that reads them next.
    c.i32Const(0).i64Load(HEADER.syscallUnits).localTee(this.PREV).globalSet(f.prev);
    c.i64ConstI32(0).localTee(this.DUE).globalSet(f.due);
  }

  /** V: what the `call imm` at PC resolves to (bit 0: a syscall; the rest: the function's slot + 1, or 0), through the cache. */
  private resolveCall(): void {
    const { c, f } = this;
    c.localGet(PC)
      .i32Const(INTERPRETER_AREA.callCacheEntries - 1)
      .i32And()
      .i32Const(3)
      .i32Shl()
      .i32Const(INTERPRETER_AREA.callCache)
      .i32Add()
      .localTee(this.A);
    c.i32Load().localGet(PC).i32Const(1).i32Add().i32Eq();
    c.if();
    c.localGet(this.A).i32Load(4).localSet(this.V);
    c.else();
    c.localGet(this.IMM).i32WrapI64().call(f.resolveImport).localSet(this.V);
    c.localGet(this.A).localGet(PC).i32Const(1).i32Add().i32Store();
    c.localGet(this.A).localGet(this.V).i32Store(4);
    c.end();
  }

  /** Calls slot V (known to be in the program): pushes a frame as the VM does, or hands over when it would be one too many. */
  private callSlot(): void {
    const c = this.c;
    c.i32Const(0)
      .i32Load(HEADER.depth)
      .localTee(this.DEPTH)
      .i32Const(MAX_CALL_DEPTH - 1)
      .i32Eq();
    this.brIf('handOver');
    c.localGet(this.DEPTH).i32Const(FRAME.fixedSize).i32Mul().localSet(this.A);
    for (let r = FIRST_SCRATCH_REG; r <= FRAME_PTR_REG; r++)
      c.localGet(this.A)
        .i32Const(0)
        .i64Load(headerRegister(r))
        .i64Store(frameAt(0) + frameRegister(r));
    c.localGet(this.A)
      .localGet(PC)
      .i32Const(1)
      .i32Add()
      .i32Store(frameAt(0) + FRAME.offsets.returnPc);
    c.i32Const(0).localGet(this.DEPTH).i32Const(1).i32Add().i32Store(HEADER.depth);
    c.i32Const(0).i32Const(0).i64Load(headerRegister(FRAME_PTR_REG));
    this.get(FRAME_BUMP);
    c.i64Add().i64Store(headerRegister(FRAME_PTR_REG));
    // The tiering's record of the functions entered: told once per instance (a bit per slot, so a
    // megabyte program's marks touch few fresh pages).
    this.get(ENTERED);
    c.localGet(this.V).i32Const(3).i32ShrU().i32Add().localTee(this.A).i32Load8U().localTee(this.Y);
    c.i32Const(1).localGet(this.V).i32Const(7).i32And().i32Shl().localTee(this.X).i32And().i32Eqz();
    c.if();
    c.localGet(this.A).localGet(this.Y).localGet(this.X).i32Or().i32Store8();
    c.localGet(this.V).call(this.f.enterImport);
    c.end();
    c.localGet(this.V).localSet(PC);
    this.br('top');
  }

  /** `callx` through the register whose header address is on the stack. */
  private callx(): void {
    const c = this.c;
    // (target - text start) must be below n slots, as a u64.
    c.i64Load();
    this.get(TEXT_VADDR);
    c.i64Sub().localTee(this.T);
    this.get(N);
    c.i64ExtendI32U().i64Const(0, 3).i64Shl().i64GeU();
    this.brIf('handOver');
    c.localGet(this.T).i64Const(0, 3).i64ShrU().i32WrapI64().localSet(this.V);
    this.callSlot();
  }

  /** X, Y = the low halves of dst and the operand; then a `br_table` on the opcode's operation bits to `cases` (the rest hand over). */
  private narrowOperands(cases: readonly string[]): void {
    const c = this.c;
    c.localGet(this.DA).i64Load().i32WrapI64().localSet(this.X);
    this.operand();
    c.i32WrapI64().localSet(this.Y);
    const distinct = [...new Set(cases)].filter((name) => name !== 'handOver');
    for (let i = distinct.length - 1; i >= 0; i--) this.open('block', distinct[i]);
    c.localGet(this.INSN).i32WrapI64().i32Const(4).i32ShrU().i32Const(15).i32And();
    c.brTable(
      cases.map((name) => this.depthOf(name)),
      this.depthOf('handOver'),
    );
  }

  /** ALU32 (V set: V2's extension rules): dst = the 32-bit result, zero- or sign-extended. */
  private alu32(): void {
    const c = this.c;
    const { X, Y, SIGN } = this;
    this.open('block', 'extend');
    // By operation bits: add sub mul div or and lsh rsh neg mod xor mov arsh.
    this.narrowOperands(['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'neg', 'mod', 'xor', 'mov', 'arsh'].map((name) => `${name}32`));
    const result = (emit: () => void, sign: () => void) => {
      this.end();
      emit();
      sign();
      c.localSet(SIGN);
      this.br('extend');
    };
    const unlessV2 = () => c.localGet(this.V).i32Eqz();
    const zero = () => c.i32Const(0);
    const isReg = () => c.localGet(this.INSN).i32WrapI64().i32Const(op.BPF_X).i32And().i32Const(0).i32Ne();
    const divisorZero = () => {
      c.localGet(Y).i32Eqz();
      this.brIf('handOver'); // the JS interpreter raises DivideByZero
    };
    result(() => c.localGet(X).localGet(Y).i32Add().localSet(X), unlessV2);
    // V2's `sub32 dst, imm` computes imm - dst.
    result(() => {
      c.localGet(Y).localGet(X).i32Sub().localGet(X).localGet(Y).i32Sub();
      isReg();
      c.i32Eqz().localGet(this.V).i32And().select().localSet(X);
    }, unlessV2);
    result(
      () => c.localGet(X).localGet(Y).i32Mul().localSet(X),
      () => c.i32Const(1),
    );
    result(() => {
      divisorZero();
      c.localGet(X).localGet(Y).i32DivU().localSet(X);
    }, zero);
    result(() => c.localGet(X).localGet(Y).i32Or().localSet(X), zero);
    result(() => c.localGet(X).localGet(Y).i32And().localSet(X), zero);
    result(() => c.localGet(X).localGet(Y).i32Shl().localSet(X), zero);
    result(() => c.localGet(X).localGet(Y).i32ShrU().localSet(X), zero);
    result(() => c.i32Const(0).localGet(X).i32Sub().localSet(X), zero);
    result(() => {
      divisorZero();
      c.localGet(X).localGet(Y).i32RemU().localSet(X);
    }, zero);
    result(() => c.localGet(X).localGet(Y).i32Xor().localSet(X), zero);
    // V2 sign-extends `mov32 dst, src`.
    result(
      () => c.localGet(Y).localSet(X),
      () => {
        isReg();
        c.localGet(this.V).i32And();
      },
    );
    result(() => c.localGet(X).localGet(Y).i32ShrS().localSet(X), zero);
    this.end(); // extend
    c.localGet(this.DA).localGet(X).i64ExtendI32S().localGet(X).i64ExtendI32U().localGet(SIGN).select().i64Store();
    this.br('next');
  }

  /** JMP32: V = the comparison of the low halves, then the jump. */
  private jmp32(): void {
    const c = this.c;
    const { X, Y } = this;
    // By operation bits (0x80 and 0x90 are call and exit; ja has no 32-bit form).
    const cases = ['-', 'jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', '-', '-', 'jlt', 'jle', 'jslt', 'jsle'].map((name) =>
      name === '-' ? 'handOver' : `${name}32`,
    );
    this.narrowOperands(cases);
    const compare: Record<string, () => void> = {
      jeq32: () => c.i32Eq(),
      jgt32: () => c.i32GtU(),
      jge32: () => c.i32GeU(),
      jset32: () => c.i32And().i32Eqz().i32Eqz(),
      jne32: () => c.i32Ne(),
      jsgt32: () => c.i32GtS(),
      jsge32: () => c.i32GeS(),
      jlt32: () => c.i32LtU(),
      jle32: () => c.i32LeU(),
      jslt32: () => c.i32LtS(),
      jsle32: () => c.i32LeS(),
    };
    for (const name of cases.filter((n) => n !== 'handOver')) {
      this.end();
      c.localGet(X).localGet(Y);
      compare[name]();
      c.localSet(this.V);
      this.branchIf();
    }
  }

  private handler(o: Op): void {
    const { c } = this;
    const load = LOADS.indexOf(o);
    const storeImm = STORES_IMM.indexOf(o);
    const storeReg = STORES_REG.indexOf(o);
    if (load >= 0) {
      const size = 1 << load;
      this.address(this.SA);
      this.translate(size, false);
      c.localGet(this.DA).localGet(this.A);
      if (size === 1) c.i64Load8U();
      else if (size === 2) c.i64Load16U();
      else if (size === 4) c.i64Load32U();
      else c.i64Load();
      c.i64Store();
      this.br('next');
      return;
    }
    if (storeImm >= 0 || storeReg >= 0) {
      const size = 1 << Math.max(storeImm, storeReg);
      this.address(this.DA);
      this.translate(size, true);
      c.localGet(this.A);
      if (storeReg >= 0) c.localGet(this.SA).i64Load();
      else c.localGet(this.IMM);
      if (size === 1) c.i64Store8();
      else if (size === 2) c.i64Store16();
      else if (size === 4) c.i64Store32();
      else c.i64Store();
      this.br('next');
      return;
    }
    if (CONDITIONAL_JUMPS.has(o)) {
      c.localGet(this.DA).i64Load();
      this.operand();
      switch (o) {
        case Op.Jeq:
          c.i64Eq();
          break;
        case Op.Jne:
          c.i64Ne();
          break;
        case Op.Jgt:
          c.i64GtU();
          break;
        case Op.Jge:
          c.i64GeU();
          break;
        case Op.Jlt:
          c.i64LtU();
          break;
        case Op.Jle:
          c.i64LeU();
          break;
        case Op.Jset:
          c.i64And().i64Eqz().i32Eqz();
          break;
        case Op.Jsgt:
          c.i64GtS();
          break;
        case Op.Jsge:
          c.i64GeS();
          break;
        case Op.Jslt:
          c.i64LtS();
          break;
        default:
          c.i64LeS();
      }
      c.localSet(this.V);
      this.branchIf();
      return;
    }
    switch (o) {
      case Op.Lddw:
        // The upper half is the next slot's immediate; in the last slot the JS interpreter's (zero).
        c.localGet(PC).i32Const(1).i32Add();
        this.get(N);
        c.i32GeU();
        this.brIf('handOver');
        this.textByte();
        this.ensureText(8);
        c.localGet(this.DA);
        this.get(TEXT_HOST);
        c.localGet(PC).i32Const(3).i32Shl().i32Add().i64Load32U(12).i64Const(0, 32).i64Shl();
        c.localGet(this.IMM).i64Const(0, 0xffffffff).i64And().i64Or().i64Store();
        c.localGet(PC).i32Const(2).i32Add().localSet(PC);
        this.br('top');
        return;
      case Op.Ja:
        c.i32Const(1).localSet(this.V);
        this.branchIf();
        return;
      case Op.Div:
      case Op.Mod:
        this.operand();
        c.i64Eqz();
        this.brIf('handOver'); // the JS interpreter raises DivideByZero
        c.localGet(this.DA).localGet(this.DA).i64Load();
        this.operand();
        if (o === Op.Div) c.i64DivU();
        else c.i64RemU();
        c.i64Store();
        this.br('next');
        return;
      case Op.SubFromImm:
        c.localGet(this.DA).localGet(this.IMM).localGet(this.DA).i64Load().i64Sub().i64Store();
        this.br('next');
        return;
      case Op.Mov:
        c.localGet(this.DA);
        this.operand();
        c.i64Store();
        this.br('next');
        return;
      case Op.Neg:
        c.localGet(this.DA).i64ConstI32(0).localGet(this.DA).i64Load().i64Sub().i64Store();
        this.br('next');
        return;
      case Op.Alu32:
      case Op.Alu32Explicit:
        c.i32Const(o === Op.Alu32Explicit ? 1 : 0).localSet(this.V);
        this.alu32();
        return;
      case Op.Jmp32:
        this.jmp32();
        return;
      case Op.Hor:
        c.localGet(this.DA).localGet(this.DA).i64Load().localGet(this.IMM).i64Const(0, 32).i64Shl().i64Or().i64Store();
        this.br('next');
        return;
      case Op.Le:
      case Op.Be:
        // Widths other than 16, 32 and 64 are the JS interpreter's InvalidInstruction.
        c.localGet(this.IMM).i64ConstI32(16).i64Ne().localGet(this.IMM).i64ConstI32(32).i64Ne().i32And();
        c.localGet(this.IMM).i64ConstI32(64).i64Ne().i32And();
        this.brIf('handOver');
        c.localGet(this.DA).localGet(this.DA).i64Load();
        if (o === Op.Le) {
          c.i64ConstI32(-1).i64ConstI32(64).localGet(this.IMM).i64Sub().i64ShrU().i64And(); // the low `imm` bits
        } else {
          // The low `imm` bits' bytes reversed: all eight bytes reversed, shifted down by 64 - imm.
          const swapped = (mask: bigint, shift: number) => {
            c.localTee(this.T).i64ConstBig(BigInt.asIntN(64, mask)).i64And().i64ConstI32(shift).i64Shl();
            c.localGet(this.T).i64ConstI32(shift).i64ShrU().i64ConstBig(BigInt.asIntN(64, mask)).i64And().i64Or();
          };
          swapped(0x00ff00ff00ff00ffn, 8);
          swapped(0x0000ffff0000ffffn, 16);
          c.localTee(this.T).i64ConstI32(32).i64Shl().localGet(this.T).i64ConstI32(32).i64ShrU().i64Or();
          c.i64ConstI32(64).localGet(this.IMM).i64Sub().i64ShrU();
        }
        c.i64Store();
        this.br('next');
        return;
      case Op.CallByKey:
        this.resolveCall();
        c.localGet(this.V).i32Const(1).i32And();
        this.open('if', 'syscall by key');
        // Both a syscall and a function under one key: rare enough for the JS interpreter.
        c.localGet(this.V).i32Const(1).i32ShrU();
        this.brIf('handOver');
        this.br('syscall');
        this.end();
        c.localGet(this.V).i32Const(1).i32ShrU().i32Const(1).i32Sub().localTee(this.V).i32Const(0).i32LtS();
        this.brIf('handOver'); // neither
        c.localGet(this.V);
        this.get(N);
        c.i32GeU();
        this.brIf('handOver'); // outside the text
        this.callSlot();
        return;
      case Op.CallStatic:
        c.localGet(this.INSN).i64Const(0, 12).i64ShrU().i32WrapI64().i32Const(15).i32And().localTee(this.V);
        this.open('if', 'src'); // src ≠ 0: src 1 calls pc + 1 + imm
        c.localGet(this.V).i32Const(1).i32Ne();
        this.brIf('handOver');
        c.localGet(PC).i32Const(1).i32Add().localGet(this.IMM).i32WrapI64().i32Add().localTee(this.V);
        this.get(N);
        c.i32GeU();
        this.brIf('handOver');
        this.callSlot();
        this.end();
        this.resolveCall();
        c.localGet(this.V).i32Eqz();
        this.brIf('handOver');
        this.br('syscall');
        return;
      case Op.CallxImm:
        c.localGet(this.IMM).i64Const(0, 10).i64GtU();
        this.brIf('handOver');
        c.localGet(this.IMM).i32WrapI64().i32Const(3).i32Shl().i32Const(HEADER.regs).i32Add();
        this.callx();
        return;
      case Op.CallxSrc:
        c.localGet(this.SA);
        this.callx();
        return;
      case Op.CallxDst:
        c.localGet(this.DA);
        this.callx();
        return;
      case Op.Exit:
        c.i32Const(0).i32Load(HEADER.depth).localTee(this.DEPTH).i32Eqz();
        this.brIf('exit');
        c.i32Const(0).localGet(this.DEPTH).i32Const(1).i32Sub().localTee(this.DEPTH).i32Store(HEADER.depth);
        c.localGet(this.DEPTH).i32Const(FRAME.fixedSize).i32Mul().localSet(this.A);
        for (let r = FIRST_SCRATCH_REG; r <= FRAME_PTR_REG; r++)
          c.i32Const(0)
            .localGet(this.A)
            .i64Load(frameAt(0) + frameRegister(r))
            .i64Store(headerRegister(r));
        c.localGet(this.A)
          .i32Load(frameAt(0) + FRAME.offsets.returnPc)
          .localSet(PC);
        this.br('top');
        return;
      default: {
        // ALU64: dst = dst ∘ operand.
        c.localGet(this.DA).localGet(this.DA).i64Load();
        this.operand();
        if (o === Op.Add) c.i64Add();
        else if (o === Op.Sub) c.i64Sub();
        else if (o === Op.Mul) c.i64Mul();
        else if (o === Op.Or) c.i64Or();
        else if (o === Op.And) c.i64And();
        else if (o === Op.Xor) c.i64Xor();
        else if (o === Op.Lsh) c.i64Shl();
        else if (o === Op.Rsh) c.i64ShrU();
        else c.i64ShrS(); // Op.Arsh
        c.i64Store();
        this.br('next');
      }
    }
  }
}
