/**
 * sBPF → WebAssembly. The program becomes one wasm function whose basic blocks are dispatched by a
 * `loop` + `br_table` on a block index (the general form that handles any control-flow graph;
 * structured control flow for reducible regions comes next). Registers live in i64 locals.
 *
 * Exact metering: each block charges its whole length on entry after checking that it fits the
 * budget; when it does not, the run is handed to the interpreter at that block, which then fails
 * (or finishes) exactly as it would have. A fault inside a block first takes back the charge for
 * the instructions after it, so counts match the interpreter. Syscalls end their block, so the
 * meter is re-checked after them.
 */
import type { Executable } from '../executable.js';
import { FRAME_PTR_REG, INSN_SIZE, MAX_CALL_DEPTH, STACK_FRAME_SIZE } from '../isa/constants.js';
import { decodeInsn, type Insn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { opcodeRole } from '../isa/validity.js';
import {
  callxTargetRegister,
  enablePqr,
  explicitSignExtensionOfResults,
  manualStackFrameBump,
  moveMemoryInstructionClasses,
  stackFrameGaps,
  staticSyscalls,
  swapSubRegImmOperands,
} from '../isa/version.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { HEADER, STATUS_EXIT, STATUS_HAND_OVER, faultCode, type FaultKind } from './layout.js';
import { ModuleBuilder, ValType, type Code } from './wasm/index.js';

const I32 = ValType.I32;
const I64 = ValType.I64;

// Locals of `run`.
const R = (i: number) => i; // r0..r10 → locals 0..10
const BLK = 11;
const FP = 12; // i32: header address of the next free call frame
const HPC = 13; // pc to hand over at
const T = 14; // i64 scratch
const U = 15; // i64 scratch
const A = 16; // i32 scratch
const DUE = 17; // i64: instructions charged since the meter was last synchronised
const PREV = 18; // i64: the meter at that synchronisation

interface Block {
  start: number;
  /** Slots covered: [start, end). */
  end: number;
  /** Instructions (an lddw counts once). */
  length: number;
}

/** Splits the text into basic blocks; returns them and the slot → block index map. */
function basicBlocks(exe: Executable, syscalls: SyscallRegistry): { blocks: Block[]; blockOf: Int32Array } {
  const v = exe.sbpfVersion;
  const n = Math.floor(exe.text.length / INSN_SIZE); // a trailing partial slot is never executed
  const leader = new Uint8Array(n + 1);
  if (exe.entryPc >= 0 && exe.entryPc <= n) leader[exe.entryPc] = 1;
  leader[n] = 1; // running off the end
  for (let pc = 0; pc < n; pc++) {
    const insn = decodeInsn(exe.text, pc);
    const role = opcodeRole(v, insn.opc);
    const next = role === 'lddw' ? pc + 2 : pc + 1;
    if (role === 'jump') {
      const target = pc + 1 + insn.off;
      if (target >= 0 && target <= n) leader[target] = 1;
      if (next <= n) leader[next] = 1;
    } else if (role === 'call' || role === 'callx' || role === 'exit') {
      if (next <= n) leader[next] = 1;
      if (role === 'call') {
        const target = internalCallTarget(exe, insn, syscalls);
        if (target !== undefined && target >= 0 && target < n) leader[target] = 1;
      }
    }
    if (role === 'lddw') pc++;
  }
  for (const f of exe.functions.values()) if (f.pc >= 0 && f.pc < n) leader[f.pc] = 1;
  const blockOf = new Int32Array(n + 1).fill(-1);
  const blocks: Block[] = [];
  for (let pc = 0; pc <= n; pc++) {
    if (!leader[pc]) continue;
    let end = pc;
    let length = 0;
    if (pc === n) length = 1; // the overrun pseudo-block
    while (end < n) {
      const role = opcodeRole(v, exe.text[end * INSN_SIZE]);
      end += role === 'lddw' && end + 1 < n ? 2 : 1;
      length++;
      if (role === 'jump' || role === 'call' || role === 'callx' || role === 'exit' || leader[end]) break;
    }
    blockOf[pc] = blocks.length;
    blocks.push({ start: pc, end, length });
  }
  return { blocks, blockOf };
}

/** Target slot of an internal `call imm`, if it is one (after syscall resolution per version). */
function internalCallTarget(exe: Executable, insn: Insn, syscalls: SyscallRegistry): number | undefined {
  if (staticSyscalls(exe.sbpfVersion)) return insn.src === 1 ? insn.pc + 1 + insn.imm : undefined;
  void syscalls;
  return exe.functions.get(insn.imm >>> 0)?.pc;
}

/** Compiles `exe` for the given syscalls into a WebAssembly module. */
export function compileToWasm(exe: Executable, syscalls: SyscallRegistry): Uint8Array<ArrayBuffer> {
  const n = Math.floor(exe.text.length / INSN_SIZE); // a trailing partial slot is never executed
  const { blocks, blockOf } = basicBlocks(exe, syscalls);
  const m = new ModuleBuilder();
  m.importMemory('env', 'memory', 1);
  const syscallImport = m.importFunction('env', 'syscall', [I32, I32, I64, I64, I64, I64, I64], [I64]);
  const faultImport = m.importFunction('env', 'fault', [I32, I32], []);
  const accessImport = m.importFunction('env', 'access', [I64, I32, I32, I32], []);
  const dueGlobal = m.addGlobal(I64, true, 0n);
  const prevGlobal = m.addGlobal(I64, true, 0n);
  m.export('due', 'global', dueGlobal);
  m.export('prev', 'global', prevGlobal);

  const translate = defineTranslate(m, dueGlobal, accessImport);
  const mulhu = defineMulhu(m);

  const run = m.addFunction([], [I32]);
  m.export('run', 'func', run.index);
  const c = run.code;
  c.locals(11, I64); // r0..r10
  c.locals(3, I32); // BLK, FP, HPC
  c.locals(2, I64); // T, U
  c.locals(1, I32); // A
  c.locals(2, I64); // DUE, PREV (kept in locals; the globals are synchronised at calls out)

  // Registers and depth come from the header.
  for (let r = 0; r <= 10; r++) c.i32Const(0).i64Load(HEADER.regs + 8 * r).localSet(R(r));
  c.i32Const(0).i32Load(HEADER.depth).i32Const(HEADER.frameSize).i32Mul().i32Const(HEADER.frames).i32Add().localSet(FP);
  c.globalGet(dueGlobal).localSet(DUE);
  c.globalGet(prevGlobal).localSet(PREV);
  // An entry outside the program starts in the interpreter (the dispatcher's default is the hand-over).
  const entryBlock = exe.entryPc >= 0 && exe.entryPc <= n ? blockOf[exe.entryPc] : -1;
  c.i32Const(entryBlock >= 0 ? entryBlock : blocks.length).localSet(BLK);
  c.i32Const(exe.entryPc).localSet(HPC);

  const B = blocks.length;
  c.block(); // hand-over
  c.loop(); // dispatch
  for (let i = B - 1; i >= 0; i--) c.block();
  c.localGet(BLK).brTable(
    blocks.map((_, i) => i),
    B + 1,
  );

  const ctx: Ctx = { exe, c, syscalls, blockOf, n, translate, mulhu, dueGlobal, prevGlobal, syscallImport, faultImport, depthToLoop: 0, depthToHandOver: 0, current: 0 };
  blocks.forEach((b, i) => {
    c.end(); // closes block i: its code follows
    ctx.depthToLoop = B - 1 - i;
    ctx.depthToHandOver = B - i;
    ctx.current = i;
    emitBlock(ctx, b);
  });
  c.end(); // loop
  c.end(); // hand-over block
  // Hand over: save the machine state for the interpreter.
  saveState(c);
  c.localGet(DUE).globalSet(dueGlobal);
  c.i32Const(0).localGet(HPC).i32Store(HEADER.pc);
  c.i32Const(STATUS_HAND_OVER);
  return m.encode();
}

interface Ctx {
  exe: Executable;
  c: Code;
  syscalls: SyscallRegistry;
  blockOf: Int32Array;
  n: number;
  translate: number;
  mulhu: number;
  dueGlobal: number;
  prevGlobal: number;
  syscallImport: number;
  faultImport: number;
  depthToLoop: number;
  depthToHandOver: number;
  /** Index of the block being emitted. */
  current: number;
}

function saveState(c: Code): void {
  for (let r = 0; r <= 10; r++) c.i32Const(0).localGet(R(r)).i64Store(HEADER.regs + 8 * r);
  c.i32Const(0).localGet(FP).i32Const(HEADER.frames).i32Sub().i32Const(HEADER.frameSize).i32DivU().i32Store(HEADER.depth);
}

/** Continue at slot `pc`: dispatch to its block, or hand over when it starts none. `nested` counts enclosing `if`s. */
function goTo(ctx: Ctx, pc: number, nested = 0): void {
  const { c } = ctx;
  const block = pc >= 0 && pc <= ctx.n ? ctx.blockOf[pc] : -1;
  // The next block's code follows this one's: fall into it without going through the dispatcher.
  if (nested === 0 && block === ctx.current + 1) return;
  // Any later block starts right after the end of an enclosing `block`: branch there directly.
  if (block > ctx.current) {
    c.br(block - ctx.current - 1 + nested);
    return;
  }
  if (block >= 0) c.i32Const(block).localSet(BLK).br(ctx.depthToLoop + nested);
  else c.i32Const(pc).localSet(HPC).br(ctx.depthToHandOver + nested);
}

/** Publishes the meter for the JS side, without the `after` instructions of this block that did not run. */
function syncDue(ctx: Ctx, after: number): void {
  ctx.c.localGet(DUE);
  if (after) ctx.c.i64ConstI32(after).i64Sub();
  ctx.c.globalSet(ctx.dueGlobal);
}

function fault(ctx: Ctx, kind: FaultKind, pc: number, after: number): void {
  syncDue(ctx, after);
  ctx.c.i32Const(faultCode(kind)).i32Const(pc).call(ctx.faultImport).unreachable();
}

function emitBlock(ctx: Ctx, b: Block): void {
  const { c, exe } = ctx;
  // Meter: the whole block must fit, else the interpreter takes over here.
  c.localGet(DUE).i64ConstI32(b.length).i64Add().localTee(T).localGet(PREV).i64GtU();
  c.if().i32Const(b.start).localSet(HPC).br(ctx.depthToHandOver + 1).end();
  c.localGet(T).localSet(DUE);
  if (b.start === ctx.n) {
    fault(ctx, 'ExecutionOverrun', b.start, 0);
    return;
  }
  let k = 0;
  let pc = b.start;
  while (pc < b.end) {
    const insn = decodeInsn(exe.text, pc);
    const after = b.length - k - 1;
    const next = emitInsn(ctx, insn, after);
    k++;
    if (next === 'terminated') return;
    pc = next;
  }
  goTo(ctx, pc); // fall through into the next block
}

type Next = number | 'terminated';

function emitInsn(ctx: Ctx, insn: Insn, after: number): Next {
  const { c, exe } = ctx;
  const v = exe.sbpfVersion;
  const { opc, dst, src, off, imm, pc } = insn;
  const role = opcodeRole(v, opc);
  if (dst > 10 || src > 10) {
    fault(ctx, 'InvalidInstruction', pc, after); // as the interpreter: there is no r11..r15
    return 'terminated';
  }
  const x = (opc & op.BPF_X) !== 0;
  const operand64 = () => (x ? c.localGet(R(src)) : c.i64ConstI32(imm));
  const operand32 = () => (x ? c.localGet(R(src)).i32WrapI64() : c.i32Const(imm));
  const dst32 = () => c.localGet(R(dst)).i32WrapI64();
  const signExt = !explicitSignExtensionOfResults(v);
  const moved = moveMemoryInstructionClasses(v);

  switch (role) {
    case 'invalid':
      fault(ctx, 'UnsupportedInstruction', pc, after);
      return 'terminated';
    case 'lddw':
      c.i64Const(pc + 1 < ctx.n ? decodeInsn(exe.text, pc + 1).imm : 0, imm).localSet(R(dst));
      return pc + 2;
    case 'load':
    case 'store': {
      const size = memSize(opc, moved);
      const base = role === 'load' ? src : dst;
      c.localGet(R(base)).i64ConstI32(off).i64Add();
      c.i32Const(size).i32Const(role === 'store' ? 1 : 0).i32Const(pc).localGet(DUE);
      if (after) c.i64ConstI32(after).i64Sub();
      c.call(ctx.translate).localSet(A);
      if (role === 'load') {
        c.localGet(A);
        if (size === 1) c.i64Load8U();
        else if (size === 2) c.i64Load16U();
        else if (size === 4) c.i64Load32U();
        else c.i64Load();
        c.localSet(R(dst));
      } else {
        const storesReg = moved ? x : (opc & op.BPF_CLS_MASK) === op.BPF_STX;
        c.localGet(A);
        if (storesReg) c.localGet(R(src));
        else c.i64ConstI32(imm);
        if (size === 1) c.i64Store8();
        else if (size === 2) c.i64Store16();
        else if (size === 4) c.i64Store32();
        else c.i64Store();
      }
      return pc + 1;
    }
    case 'endian':
      emitEndian(c, opc, dst, imm, ctx, pc, after);
      return pc + 1;
    case 'jump': {
      const target = pc + 1 + off;
      if (opc === op.JA) {
        goTo(ctx, target);
        return 'terminated';
      }
      if ((opc & op.BPF_CLS_MASK) === op.BPF_JMP32) {
        dst32();
        operand32();
      } else {
        c.localGet(R(dst));
        operand64();
      }
      emitCompare(c, opc);
      c.if();
      goTo(ctx, target, 1);
      c.end();
      goTo(ctx, pc + 1);
      return 'terminated';
    }
    case 'call':
      return emitCall(ctx, insn, after);
    case 'callx': {
      // Computed targets continue in the interpreter, after the frame push it would do.
      const reg = callxTargetRegister(v, { dst, src, imm });
      if (reg < 0 || reg > 10) {
        fault(ctx, 'InvalidInstruction', pc, after); // as the interpreter (the verifier says InvalidRegister)
        return 'terminated';
      }
      c.localGet(R(reg)).localSet(U);
      pushFrame(ctx, pc);
      c.localGet(U).i64Const(Math.floor(ctx.exe.textVaddr / 2 ** 32), ctx.exe.textVaddr % 2 ** 32).i64Sub().i64ConstI32(INSN_SIZE).i64DivU().localTee(T);
      c.i64ConstI32(ctx.n).i64GeU().if();
      fault(ctx, 'CallOutsideTextSegment', pc, 0);
      c.end();
      c.localGet(T).i32WrapI64().localSet(HPC).br(ctx.depthToHandOver);
      return 'terminated';
    }
    case 'exit':
      c.localGet(FP).i32Const(HEADER.frames).i32Eq().if();
      saveState(c);
      syncDue(ctx, 0);
      c.i32Const(STATUS_EXIT).return();
      c.end();
      c.localGet(FP).i32Const(HEADER.frameSize).i32Sub().localTee(FP);
      c.i64Load(0).localSet(R(6));
      for (let i = 1; i < 4; i++) c.localGet(FP).i64Load(8 * i).localSet(R(6 + i));
      c.localGet(FP).i64Load(32).localSet(R(FRAME_PTR_REG));
      c.localGet(FP).i32Load(44).localSet(BLK).br(ctx.depthToLoop);
      return 'terminated';
  }

  // ALU, PQR, shifts, division by immediates.
  const cls = opc & op.BPF_CLS_MASK;
  if (cls === op.BPF_PQR) {
    emitPqr(ctx, insn, after);
    return pc + 1;
  }
  const is64 = cls === op.BPF_ALU64_STORE;
  const aluOp = opc & 0xf0;
  if (opc === op.HOR64_IMM) {
    c.localGet(R(dst)).i64Const(imm, 0).i64Or().localSet(R(dst));
    return pc + 1;
  }
  if (is64) {
    switch (aluOp) {
      case op.BPF_ADD: c.localGet(R(dst)); operand64(); c.i64Add(); break;
      case op.BPF_SUB:
        if (!x && swapSubRegImmOperands(v)) c.i64ConstI32(imm).localGet(R(dst)).i64Sub();
        else { c.localGet(R(dst)); operand64(); c.i64Sub(); }
        break;
      case op.BPF_MUL: c.localGet(R(dst)); operand64(); c.i64Mul(); break;
      case op.BPF_DIV:
      case op.BPF_MOD:
        if (!x && imm === 0) {
          fault(ctx, 'DivideByZero', pc, after); // unverified code only: the verifier rejects it
          return 'terminated';
        }
        if (x) {
          c.localGet(R(src)).i64Eqz().if();
          fault(ctx, 'DivideByZero', pc, after);
          c.end();
        }
        c.localGet(R(dst)); operand64();
        if (aluOp === op.BPF_DIV) c.i64DivU(); else c.i64RemU();
        break;
      case op.BPF_OR: c.localGet(R(dst)); operand64(); c.i64Or(); break;
      case op.BPF_AND: c.localGet(R(dst)); operand64(); c.i64And(); break;
      case op.BPF_XOR: c.localGet(R(dst)); operand64(); c.i64Xor(); break;
      case op.BPF_LSH: c.localGet(R(dst)); operand64(); c.i64Shl(); break;
      case op.BPF_RSH: c.localGet(R(dst)); operand64(); c.i64ShrU(); break;
      case op.BPF_ARSH: c.localGet(R(dst)); operand64(); c.i64ShrS(); break;
      case op.BPF_NEG: c.i64ConstI32(0).localGet(R(dst)).i64Sub(); break;
      case op.BPF_MOV: operand64(); break;
      default:
        fault(ctx, 'UnsupportedInstruction', pc, after);
        return 'terminated';
    }
    c.localSet(R(dst));
    return pc + 1;
  }
  // 32-bit: compute in i32, then extend as the version says.
  let extend: 'sign' | 'zero' = 'zero';
  switch (aluOp) {
    case op.BPF_ADD: dst32(); operand32(); c.i32Add(); extend = signExt ? 'sign' : 'zero'; break;
    case op.BPF_SUB:
      if (!x && swapSubRegImmOperands(v)) { c.i32Const(imm); dst32(); c.i32Sub(); }
      else { dst32(); operand32(); c.i32Sub(); }
      extend = signExt ? 'sign' : 'zero';
      break;
    case op.BPF_MUL: dst32(); operand32(); c.i32Mul(); extend = 'sign'; break;
    case op.BPF_DIV:
    case op.BPF_MOD:
      if (!x && imm === 0) {
        fault(ctx, 'DivideByZero', pc, after);
        return 'terminated';
      }
      if (x) {
        c.localGet(R(src)).i32WrapI64().i32Eqz().if();
        fault(ctx, 'DivideByZero', pc, after);
        c.end();
      }
      dst32(); operand32();
      if (aluOp === op.BPF_DIV) c.i32DivU(); else c.i32RemU();
      break;
    case op.BPF_OR: dst32(); operand32(); c.i32Or(); break;
    case op.BPF_AND: dst32(); operand32(); c.i32And(); break;
    case op.BPF_XOR: dst32(); operand32(); c.i32Xor(); break;
    case op.BPF_LSH: dst32(); operand32(); c.i32Shl(); break;
    case op.BPF_RSH: dst32(); operand32(); c.i32ShrU(); break;
    case op.BPF_ARSH: dst32(); operand32(); c.i32ShrS(); break;
    case op.BPF_NEG: c.i32Const(0); dst32(); c.i32Sub(); break;
    case op.BPF_MOV:
      operand32();
      extend = x && !signExt ? 'sign' : 'zero';
      break;
    default:
      fault(ctx, 'UnsupportedInstruction', pc, after);
      return 'terminated';
  }
  if (extend === 'sign') c.i64ExtendI32S();
  else c.i64ExtendI32U();
  c.localSet(R(dst));
  return pc + 1;
}

function memSize(opc: number, moved: boolean): number {
  if (moved) {
    const s = opc & 0xf0 & ~op.BPF_X;
    return s === op.BPF_1B ? 1 : s === op.BPF_2B ? 2 : s === op.BPF_4B ? 4 : 8;
  }
  const s = opc & 0x18;
  return s === op.BPF_B ? 1 : s === op.BPF_H ? 2 : s === op.BPF_W ? 4 : 8;
}

function emitCompare(c: Code, opc: number): void {
  const narrow = (opc & op.BPF_CLS_MASK) === op.BPF_JMP32;
  const o = opc & 0xf0;
  if (o === op.BPF_JSET) {
    if (narrow) c.i32And().i32Eqz().i32Eqz();
    else c.i64And().i64Eqz().i32Eqz();
    return;
  }
  switch (o) {
    case op.BPF_JEQ: narrow ? c.i32Eq() : c.i64Eq(); break;
    case op.BPF_JNE: narrow ? c.i32Ne() : c.i64Ne(); break;
    case op.BPF_JGT: narrow ? c.i32GtU() : c.i64GtU(); break;
    case op.BPF_JGE: narrow ? c.i32GeU() : c.i64GeU(); break;
    case op.BPF_JLT: narrow ? c.i32LtU() : c.i64LtU(); break;
    case op.BPF_JLE: narrow ? c.i32LeU() : c.i64LeU(); break;
    case op.BPF_JSGT: narrow ? c.i32GtS() : c.i64GtS(); break;
    case op.BPF_JSGE: narrow ? c.i32GeS() : c.i64GeS(); break;
    case op.BPF_JSLT: narrow ? c.i32LtS() : c.i64LtS(); break;
    default: narrow ? c.i32LeS() : c.i64LeS(); // BPF_JSLE
  }
}

function emitEndian(c: Code, opc: number, dst: number, imm: number, ctx: Ctx, pc: number, after: number): void {
  if (imm !== 16 && imm !== 32 && imm !== 64) {
    fault(ctx, 'InvalidInstruction', pc, after);
    return;
  }
  if (opc === op.LE) {
    if (imm === 16) c.localGet(R(dst)).i64ConstI32(0xffff).i64And().localSet(R(dst));
    if (imm === 32) c.localGet(R(dst)).i64Const(0, 0xffffffff).i64And().localSet(R(dst));
    return;
  }
  // be: reverse the low `imm` bits' bytes.
  c.i64ConstI32(0).localSet(T);
  for (let i = 0; i < imm / 8; i++) {
    // T |= ((dst >> 8i) & 0xff) << (imm - 8 - 8i)
    c.localGet(T).localGet(R(dst)).i64ConstI32(8 * i).i64ShrU().i64ConstI32(0xff).i64And();
    c.i64ConstI32(imm - 8 - 8 * i).i64Shl().i64Or().localSet(T);
  }
  c.localGet(T).localSet(R(dst));
}

/** Pushes a frame returning to slot `pc + 1` (block `returnBlock`, -1 when not a block start). */
function pushFrame(ctx: Ctx, pc: number): void {
  const { c, exe } = ctx;
  for (let i = 0; i < 4; i++) c.localGet(FP).localGet(R(6 + i)).i64Store(8 * i);
  c.localGet(FP).localGet(R(FRAME_PTR_REG)).i64Store(32);
  c.localGet(FP).i32Const(pc + 1).i32Store(40);
  c.localGet(FP).i32Const(pc + 1 <= ctx.n ? ctx.blockOf[pc + 1] : -1).i32Store(44);
  const limit = HEADER.frames + MAX_CALL_DEPTH * HEADER.frameSize;
  c.localGet(FP).i32Const(HEADER.frameSize).i32Add().localTee(FP).i32Const(limit).i32Eq().if();
  fault(ctx, 'CallDepthExceeded', pc, 0);
  c.end();
  if (!manualStackFrameBump(exe.sbpfVersion)) {
    const bump = STACK_FRAME_SIZE * (stackFrameGaps(exe.sbpfVersion) ? 2 : 1);
    c.localGet(R(FRAME_PTR_REG)).i64ConstI32(bump).i64Add().localSet(R(FRAME_PTR_REG));
  }
}

function emitCall(ctx: Ctx, insn: Insn, after: number): Next {
  const { c, exe, syscalls } = ctx;
  const statics = staticSyscalls(exe.sbpfVersion);
  const { pc, src, imm } = insn;
  let resolved = false;
  if ((!statics || src === 0) && syscalls.lookup(imm >>> 0)) {
    syncDue(ctx, 0); // a call ends its block
    c.i32Const(imm).i32Const(pc);
    for (let r = 1; r <= 5; r++) c.localGet(R(r));
    c.call(ctx.syscallImport).localSet(R(0));
    c.globalGet(ctx.dueGlobal).localSet(DUE).globalGet(ctx.prevGlobal).localSet(PREV);
    resolved = true;
  }
  let target: number | undefined;
  if (statics) {
    const t = pc + 1 + imm;
    if (src === 1 && t >= 0 && t < ctx.n) target = t;
  } else {
    target = exe.functions.get(imm >>> 0)?.pc;
  }
  if (target !== undefined) {
    pushFrame(ctx, pc);
    if (target >= ctx.n) {
      fault(ctx, 'CallOutsideTextSegment', pc, 0);
      return 'terminated';
    }
    goTo(ctx, target);
    return 'terminated';
  }
  if (!resolved) {
    fault(ctx, 'UnsupportedInstruction', pc, after);
    return 'terminated';
  }
  goTo(ctx, pc + 1);
  return 'terminated';
}

function emitPqr(ctx: Ctx, insn: Insn, after: number): void {
  const { c } = ctx;
  const { opc, dst, src, imm, pc } = insn;
  const x = (opc & op.BPF_X) !== 0;
  const wide = (opc & op.BPF_B) !== 0;
  const kind = opc & 0xe0;
  if (!enablePqr(ctx.exe.sbpfVersion)) {
    fault(ctx, 'UnsupportedInstruction', pc, after);
    return;
  }
  const isDivision = kind === op.BPF_UDIV || kind === op.BPF_UREM || kind === op.BPF_SDIV || kind === op.BPF_SREM;
  if (!x && imm === 0 && isDivision) {
    fault(ctx, 'DivideByZero', pc, after);
    return;
  }
  const zeroCheck = (isZero: () => void) => {
    isZero();
    c.if();
    fault(ctx, 'DivideByZero', pc, after);
    c.end();
  };
  if (wide) {
    // Operand: register, or the immediate zero-extended (uhmul, udiv, urem) / sign-extended (others).
    const zeroExt = kind === op.BPF_UHMUL || kind === op.BPF_UDIV || kind === op.BPF_UREM;
    const operand = () => (x ? c.localGet(R(src)) : zeroExt ? c.i64Const(0, imm) : c.i64ConstI32(imm));
    switch (kind) {
      case op.BPF_LMUL: c.localGet(R(dst)); operand(); c.i64Mul(); break;
      case op.BPF_UHMUL: c.localGet(R(dst)); operand(); c.call(ctx.mulhu); break;
      case op.BPF_SHMUL:
        // signed high = unsigned high - (a < 0 ? b : 0) - (b < 0 ? a : 0)
        operand(); c.localSet(U);
        c.localGet(R(dst)).localGet(U).call(ctx.mulhu);
        c.localGet(U).i64ConstI32(0).localGet(R(dst)).i64ConstI32(0).i64LtS().select().i64Sub();
        c.localGet(R(dst)).i64ConstI32(0).localGet(U).i64ConstI32(0).i64LtS().select().i64Sub();
        break;
      case op.BPF_UDIV:
      case op.BPF_UREM:
        if (x) zeroCheck(() => c.localGet(R(src)).i64Eqz());
        c.localGet(R(dst)); operand();
        if (kind === op.BPF_UDIV) c.i64DivU(); else c.i64RemU();
        break;
      default: {
        if (x) zeroCheck(() => c.localGet(R(src)).i64Eqz());
        // MIN / -1 overflows.
        c.localGet(R(dst)).i64Const(0x80000000, 0).i64Eq(); operand(); c.i64ConstI32(-1).i64Eq().i32And().if();
        fault(ctx, 'DivideOverflow', pc, after);
        c.end();
        c.localGet(R(dst)); operand();
        if (kind === op.BPF_SDIV) c.i64DivS(); else c.i64RemS();
      }
    }
    c.localSet(R(dst));
    return;
  }
  const d32 = () => c.localGet(R(dst)).i32WrapI64();
  const s32 = () => (x ? c.localGet(R(src)).i32WrapI64() : c.i32Const(imm));
  switch (kind) {
    case op.BPF_LMUL: d32(); s32(); c.i32Mul(); break;
    case op.BPF_UDIV:
    case op.BPF_UREM:
      if (x) zeroCheck(() => c.localGet(R(src)).i32WrapI64().i32Eqz());
      d32(); s32();
      if (kind === op.BPF_UDIV) c.i32DivU(); else c.i32RemU();
      break;
    case op.BPF_SDIV:
    case op.BPF_SREM:
      if (x) zeroCheck(() => c.localGet(R(src)).i32WrapI64().i32Eqz());
      d32(); c.i32Const(-0x80000000).i32Eq(); s32(); c.i32Const(-1).i32Eq().i32And().if();
      fault(ctx, 'DivideOverflow', pc, after);
      c.end();
      d32(); s32();
      if (kind === op.BPF_SDIV) c.i32DivS(); else c.i32RemS();
      break;
    default:
      fault(ctx, 'UnsupportedInstruction', pc, after);
      return;
  }
  c.i64ExtendI32U().localSet(R(dst));
}

/**
 * `translate(addr, size, store, pc, due) → host address`: the memory map in wasm (aligned mapping,
 * V0 stack gaps checked on the start address only). On failure it publishes `due` (the count at
 * the faulting instruction) and calls the `access` import, which throws the access violation.
 */
function defineTranslate(m: ModuleBuilder, dueGlobal: number, accessImport: number): number {
  const f = m.addFunction([I64, I32, I32, I32, I64], [I32]);
  const c = f.code;
  const [ADDR, SIZE, STORE, PC, DUE_AT_FAULT] = [0, 1, 2, 3, 4];
  const slot = c.locals(1, I32);
  const entry = c.locals(1, I32);
  const off = c.locals(1, I32);
  c.block();
  // The whole upper half must name a slot (no wrapping of huge addresses onto small slots).
  c.localGet(ADDR).i64Const(0, 32).i64ShrU().i64ConstI32(HEADER.regionSlots).i64GeU().brIf(0);
  c.localGet(ADDR).i64Const(0, 32).i64ShrU().i32WrapI64().localSet(slot);
  c.localGet(slot).i32Const(16).i32Mul().localSet(entry);
  // Stores need a writable region.
  c.localGet(STORE).localGet(entry).i32Load(HEADER.regionTable + 8).i32Eqz().i32And().brIf(0);
  c.localGet(ADDR).i32WrapI64().localSet(off);
  c.localGet(entry).i32Load(HEADER.regionTable + 12).if();
  c.localGet(off).i32Const(12).i32ShrU().i32Const(1).i32And().brIf(1);
  c.localGet(off).i32Const(13).i32ShrU().i32Const(12).i32Shl().localGet(off).i32Const(0xfff).i32And().i32Or().localSet(off);
  c.end();
  // off + size <= length, computed in 64 bits.
  c.localGet(off).i64ExtendI32U().localGet(SIZE).i64ExtendI32U().i64Add();
  c.localGet(entry).i32Load(HEADER.regionTable + 4).i64ExtendI32U().i64GtU().brIf(0);
  c.localGet(entry).i32Load(HEADER.regionTable).localGet(off).i32Add().return();
  c.end();
  c.localGet(DUE_AT_FAULT).globalSet(dueGlobal);
  c.localGet(ADDR).localGet(SIZE).localGet(STORE).localGet(PC).call(accessImport).unreachable();
  return f.index;
}

/** `mulhu(a, b)`: high 64 bits of the unsigned 128-bit product, from 32-bit limbs. */
function defineMulhu(m: ModuleBuilder): number {
  const f = m.addFunction([I64, I64], [I64]);
  const c = f.code;
  const [a, b] = [0, 1];
  const [aLo, aHi, bLo, bHi, t, w1, w2] = [c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64)];
  const lo32 = () => c.i64Const(0, 0xffffffff).i64And();
  c.localGet(a); lo32(); c.localSet(aLo);
  c.localGet(a).i64Const(0, 32).i64ShrU().localSet(aHi);
  c.localGet(b); lo32(); c.localSet(bLo);
  c.localGet(b).i64Const(0, 32).i64ShrU().localSet(bHi);
  // t = aLo*bLo; w1 = aHi*bLo + (t >> 32); w2 = aLo*bHi + (w1 & 0xffffffff)
  c.localGet(aLo).localGet(bLo).i64Mul().localSet(t);
  c.localGet(aHi).localGet(bLo).i64Mul().localGet(t).i64Const(0, 32).i64ShrU().i64Add().localSet(w1);
  c.localGet(aLo).localGet(bHi).i64Mul().localGet(w1); lo32(); c.i64Add().localSet(w2);
  // high = aHi*bHi + (w1 >> 32) + (w2 >> 32)
  c.localGet(aHi).localGet(bHi).i64Mul();
  c.localGet(w1).i64Const(0, 32).i64ShrU().i64Add();
  c.localGet(w2).i64Const(0, 32).i64ShrU().i64Add();
  return f.index;
}

