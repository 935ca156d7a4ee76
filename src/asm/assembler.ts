/**
 * Assembler with solana-sbpf's mnemonics, encodings and conventions (`assembler.rs`): labels
 * named `function_*` or `entrypoint` become functions, `call` takes a label or a relative
 * integer, `syscall` takes a name (hashed with murmur3), `add64 r10, imm` is a no-op
 * (`or64 r0, 0`) in versions without manual stack frames, and memory mnemonics follow the
 * version's instruction classes.
 *
 * An extension of ours carries read-only data after the code: `.rodata <address>` places the
 * bytes of the `.byte b, b, …` lines that follow at that VM address (what `lddw` loads refer to).
 */
import { toChecked, toInteger, toOptional } from '../arguments.js';
import { sha256 } from '../crypto/sha256.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { INSN_SIZE, MM_BYTECODE_START, MM_REGION_SIZE, MM_RODATA_START } from '../isa/constants.js';
import { encodeInsn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import {
  SBPFVersion,
  callxUsesDstReg,
  callxUsesSrcReg,
  enableLowerRodataVaddr,
  manualStackFrameBump,
  moveMemoryInstructionClasses,
  staticSyscalls,
} from '../isa/version.js';
import { hashSymbolName } from '../elf/murmur3.js';
import type { Executable, FunctionEntry } from '../executable.js';
import { AsmError, parse, type Operand, type Statement } from './parser.js';

type Shape = 'aluBinary' | 'aluUnary' | 'lddw' | 'load' | 'storeImm' | 'storeReg' | 'ja' | 'jcond' | 'syscall' | 'call' | 'callx' | 'endian' | 'none';

interface Mnemonic {
  shape: Shape;
  opc: number;
  /** Endianness width for `le*`/`be*`. */
  size?: number;
}

const ALU_OPS: [string, number][] = [
  ['add', op.BPF_ADD],
  ['sub', op.BPF_SUB],
  ['mul', op.BPF_MUL],
  ['div', op.BPF_DIV],
  ['or', op.BPF_OR],
  ['and', op.BPF_AND],
  ['lsh', op.BPF_LSH],
  ['rsh', op.BPF_RSH],
  ['mod', op.BPF_MOD],
  ['xor', op.BPF_XOR],
  ['mov', op.BPF_MOV],
  ['arsh', op.BPF_ARSH],
  ['hor', op.BPF_HOR],
];
const PQR_OPS: [string, number][] = [
  ['lmul', op.BPF_LMUL],
  ['uhmul', op.BPF_UHMUL],
  ['shmul', op.BPF_SHMUL],
  ['udiv', op.BPF_UDIV],
  ['urem', op.BPF_UREM],
  ['sdiv', op.BPF_SDIV],
  ['srem', op.BPF_SREM],
];
/** PQR operations that have a 32-bit form. */
const PQR_32 = new Set(['lmul', 'udiv', 'urem', 'sdiv', 'srem']);
const JUMP_OPS: [string, number][] = [
  ['jeq', op.BPF_JEQ],
  ['jgt', op.BPF_JGT],
  ['jge', op.BPF_JGE],
  ['jlt', op.BPF_JLT],
  ['jle', op.BPF_JLE],
  ['jset', op.BPF_JSET],
  ['jne', op.BPF_JNE],
  ['jsgt', op.BPF_JSGT],
  ['jsge', op.BPF_JSGE],
  ['jslt', op.BPF_JSLT],
  ['jsle', op.BPF_JSLE],
];
const MEM_SIZES: [string, number, number][] = [
  ['b', op.BPF_B, op.BPF_1B],
  ['h', op.BPF_H, op.BPF_2B],
  ['w', op.BPF_W, op.BPF_4B],
  ['dw', op.BPF_DW, op.BPF_8B],
];

const tables = new Map<SBPFVersion, Map<string, Mnemonic>>();

/** The mnemonic table of a version (cached). */
export function mnemonicTable(version: SBPFVersion): Map<string, Mnemonic> {
  const cached = tables.get(version);
  if (cached) return cached;
  const t = new Map<string, Mnemonic>();
  const add = (name: string, shape: Shape, opc: number, size?: number) => t.set(name, { shape, opc, size });
  add('lddw', 'lddw', op.LD_DW_IMM);
  add('ja', 'ja', op.JA);
  add('syscall', 'syscall', op.CALL_IMM);
  add('call', 'call', op.CALL_IMM);
  add('callx', 'callx', op.CALL_REG);
  add('exit', 'none', op.EXIT);
  add('neg', 'aluUnary', op.NEG64);
  add('neg32', 'aluUnary', op.NEG32);
  add('neg64', 'aluUnary', op.NEG64);
  for (const [name, code] of ALU_OPS) {
    add(name, 'aluBinary', op.BPF_ALU64_STORE | code);
    add(`${name}32`, 'aluBinary', op.BPF_ALU32_LOAD | code);
    add(`${name}64`, 'aluBinary', op.BPF_ALU64_STORE | code);
  }
  for (const [name, code] of PQR_OPS) {
    add(name, 'aluBinary', op.BPF_PQR | op.BPF_B | code);
    add(`${name}64`, 'aluBinary', op.BPF_PQR | op.BPF_B | code);
    if (PQR_32.has(name)) add(`${name}32`, 'aluBinary', op.BPF_PQR | code);
  }
  const moved = moveMemoryInstructionClasses(version);
  for (const [suffix, size, size2] of MEM_SIZES) {
    add(`ldx${suffix}`, 'load', moved ? op.BPF_ALU32_LOAD | op.BPF_X | size2 : op.BPF_MEM | op.BPF_LDX | size);
    add(`st${suffix}`, 'storeImm', moved ? op.BPF_ALU64_STORE | op.BPF_K | size2 : op.BPF_MEM | op.BPF_ST | size);
    add(`stx${suffix}`, 'storeReg', moved ? op.BPF_ALU64_STORE | op.BPF_X | size2 : op.BPF_MEM | op.BPF_STX | size);
  }
  for (const [name, code] of JUMP_OPS) {
    add(name, 'jcond', op.BPF_JMP64 | code);
    add(`${name}32`, 'jcond', op.BPF_JMP32 | code);
    add(`${name}64`, 'jcond', op.BPF_JMP64 | code);
  }
  for (const size of [16, 32, 64]) {
    add(`be${size}`, 'endian', op.BE, size);
    add(`le${size}`, 'endian', op.LE, size);
  }
  tables.set(version, t);
  return t;
}

interface Encoded {
  opc: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

function insn(line: number, opc: number, dst: bigint | number, src: bigint | number, off: bigint | number, imm: bigint | number): Encoded {
  const [d, s, o, i] = [BigInt(dst), BigInt(src), BigInt(off), BigInt(imm)];
  if (d < 0n || d >= 16n) throw new AsmError('OutOfRange', `line ${line}: Invalid destination register ${d}`);
  if (s < 0n || s >= 16n) throw new AsmError('OutOfRange', `line ${line}: Invalid source register ${s}`);
  if (o < -32768n || o > 32767n) throw new AsmError('OutOfRange', `line ${line}: Invalid offset ${o}`);
  if (i < -0x80000000n || i > 0x7fffffffn) throw new AsmError('OutOfRange', `line ${line}: Invalid immediate ${i}`);
  return { opc, dst: Number(d), src: Number(s), off: Number(o), imm: Number(i) };
}

/** Options of {@link assemble}. */
export interface AssembleOptions {
  /**
   * Target version. Default V4: like solana-sbpf's `assemble`, which targets the highest version
   * its default configuration enables (V0..=V4).
   */
  sbpfVersion?: 0 | 1 | 2 | 3 | 4;
}

/** Read-only data of an assembled program: `bytes` at VM address `address`. */
export interface ReadOnlyData {
  readonly address: number;
  readonly bytes: Uint8Array;
}

/** Assembles sBPF assembly text into an {@link Executable}. Throws {@link AsmError}. */
export function assemble(source: string, opts: AssembleOptions = {}): Executable {
  return assembleProgram(source, opts).exe;
}

/**
 * {@link assemble}, also returning the read-only data on its own (the ELF writer places it). The
 * executable maps it the way `Executable::from_text_bytes` maps a program: V0–V2 one region at
 * 0x1_0000_0000 with the text first, V3+ the data alone at 0 (without data, the text there).
 */
export function assembleProgram(source: string, opts: AssembleOptions = {}): { exe: Executable; rodata: ReadOnlyData | undefined } {
  const options = toChecked<AssembleOptions>(opts, 'opts', 'assemble options or undefined', 'opts', {
    sbpfVersion: (v, name) => toOptional(v, name, (n, at) => toInteger(n, at, 0, 4, 'an sBPF version from 0 to 4') as 0 | 1 | 2 | 3 | 4),
  });
  const version = (options.sbpfVersion ?? 4) as SBPFVersion;
  const table = mnemonicTable(version);
  const statics = staticSyscalls(version);
  const statements = parse(source);

  // Pass 1: label addresses and the function registry (key → pc).
  const labels = new Map<string, number>([['entrypoint', 0]]);
  const functions = new Map<number, FunctionEntry>();
  const registerFunction = (key: number, name: string, pc: number, line: number) => {
    const existing = functions.get(key >>> 0);
    if (existing && existing.pc !== pc) throw new AsmError('HashCollision', `line ${line}: Label hash collision ${name}`);
    if (!existing) functions.set(key >>> 0, { name, pc });
  };
  let ptr = 0;
  // Where `.rodata` starts: only data may follow it.
  const dataStart = statements.findIndex((st) => st.kind === 'directive' && st.name === 'rodata');
  const code = dataStart < 0 ? statements : statements.slice(0, dataStart);
  const data = dataStart < 0 ? [] : statements.slice(dataStart);
  for (const st of code) {
    if (st.kind === 'label') {
      if (st.name.startsWith('function_') || st.name === 'entrypoint') registerFunction(ptr, st.name, ptr, st.line);
      labels.set(st.name, ptr);
    } else if (st.kind === 'directive') {
      if (st.name === 'fill' && st.operands[0]?.kind === 'int') ptr += Number(st.operands[0].value);
    } else {
      ptr += st.name === 'lddw' ? 2 : 1;
    }
  }

  // Pass 2: encoding.
  const out: Encoded[] = [];
  const syscallNames = new Map<number, string>();
  ptr = 0;
  const rodata = readOnlyData(data);
  const label = (name: string, line: number): number => {
    const pc = labels.get(name);
    if (pc === undefined) throw new AsmError('LabelNotFound', `line ${line}: Label not found ${name}`);
    return pc;
  };
  for (const st of code) {
    if (st.kind === 'label') continue;
    if (st.kind === 'directive') {
      const [repeat, value] = st.operands;
      if (st.name !== 'fill' || repeat?.kind !== 'int' || value?.kind !== 'int' || st.operands.length !== 2) {
        throw new AsmError('InvalidInstruction', `line ${st.line}: Invalid directive ${JSON.stringify(st.name)}`);
      }
      const v = BigInt.asUintN(64, value.value);
      for (let i = 0n; i < repeat.value; i++) {
        out.push({
          opc: Number(v & 0xffn),
          dst: Number((v >> 8n) & 0xfn),
          src: Number((v >> 12n) & 0xfn),
          off: Number(BigInt.asIntN(16, v >> 16n)),
          imm: Number(BigInt.asIntN(32, v >> 32n)),
        });
        ptr++;
      }
      continue;
    }
    const m = table.get(st.name);
    if (!m) throw new AsmError('InvalidInstruction', `line ${st.line}: Invalid instruction ${JSON.stringify(st.name)}`);
    const ops = st.operands;
    const [a, b, c] = ops;
    const line = st.line;
    const shape = (...kinds: Operand['kind'][]) => ops.length === kinds.length && kinds.every((k, i) => ops[i].kind === k);
    const reg = (o: Operand | undefined) => (o as { reg: number }).reg;
    const int = (o: Operand | undefined) => (o as { value: bigint }).value;
    const mem = (o: Operand | undefined) => o as { reg: number; off: bigint };
    const lbl = (o: Operand | undefined) => (o as { name: string }).name;
    let e: Encoded | undefined;
    switch (m.shape) {
      case 'aluBinary':
        if (shape('reg', 'reg')) e = insn(line, m.opc | op.BPF_X, reg(a), reg(b), 0, 0);
        else if (shape('reg', 'int') && reg(a) === 10 && m.opc === op.ADD64_IMM) {
          e = manualStackFrameBump(version) ? insn(line, op.ADD64_IMM, 10, 0, 0, int(b)) : insn(line, op.OR64_IMM, 0, 0, 0, 0);
        } else if (shape('reg', 'int')) e = insn(line, m.opc | op.BPF_K, reg(a), 0, 0, int(b));
        break;
      case 'aluUnary':
        if (shape('reg')) e = insn(line, m.opc, reg(a), 0, 0, 0);
        break;
      case 'load':
        if (shape('reg', 'mem')) e = insn(line, m.opc, reg(a), mem(b).reg, mem(b).off, 0);
        break;
      case 'storeReg':
        if (shape('mem', 'reg')) e = insn(line, m.opc, mem(a).reg, reg(b), mem(a).off, 0);
        break;
      case 'storeImm':
        if (shape('mem', 'int')) e = insn(line, m.opc, mem(a).reg, 0, mem(a).off, int(b));
        break;
      case 'none':
        if (ops.length === 0) e = insn(line, m.opc, 0, 0, 0, 0);
        break;
      case 'ja':
        if (shape('int')) e = insn(line, m.opc, 0, 0, int(a), 0);
        else if (shape('label')) e = insn(line, m.opc, 0, 0, label(lbl(a), line) - ptr - 1, 0);
        break;
      case 'jcond': {
        const off = c?.kind === 'int' ? int(c) : c?.kind === 'label' ? BigInt(label(lbl(c), line) - ptr - 1) : undefined;
        if (off === undefined || ops.length !== 3 || a.kind !== 'reg') break;
        if (b.kind === 'reg') e = insn(line, m.opc | op.BPF_X, reg(a), reg(b), off, 0);
        else if (b.kind === 'int') e = insn(line, m.opc | op.BPF_K, reg(a), 0, off, int(b));
        break;
      }
      case 'call':
        if (shape('int')) {
          const target = int(a) + BigInt(ptr) + 1n;
          registerFunction(Number(BigInt.asUintN(32, target)), `function_${target}`, Number(target), line);
          e = insn(line, m.opc, 0, statics ? 1 : 0, 0, statics ? int(a) : target);
        } else if (shape('label')) {
          let target = label(lbl(a), line);
          if (statics) target = target - ptr - 1;
          e = insn(line, m.opc, 0, statics ? 1 : 0, 0, target);
        }
        break;
      case 'syscall':
        if (shape('label')) {
          const hash = hashSymbolName(lbl(a));
          syscallNames.set(hash, lbl(a));
          e = insn(line, m.opc, 0, 0, 0, hash | 0);
        } else if (shape('int')) e = insn(line, m.opc, 0, 0, 0, int(a));
        break;
      case 'callx':
        if (shape('reg')) {
          const r = reg(a);
          e = callxUsesSrcReg(version)
            ? insn(line, m.opc, 0, r, 0, 0)
            : callxUsesDstReg(version)
              ? insn(line, m.opc, r, 0, 0, 0)
              : insn(line, m.opc, 0, 0, 0, r);
        }
        break;
      case 'endian':
        if (shape('reg')) e = insn(line, m.opc, reg(a), 0, 0, m.size!);
        break;
      case 'lddw':
        if (shape('reg', 'int')) {
          const v = int(b);
          e = insn(line, m.opc, reg(a), 0, 0, BigInt.asIntN(32, v));
          out.push(e);
          ptr++;
          e = { opc: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, v >> 32n)) };
        }
        break;
    }
    if (!e) throw new AsmError('UnexpectedOperands', `line ${line}: Unexpected operands for ${st.name}`);
    out.push(e);
    ptr++;
  }

  const text = new Uint8Array(out.length * INSN_SIZE);
  out.forEach((e, pc) => encodeInsn(text, pc, e));

  // Entrypoint as `Executable::from_text_bytes` resolves it.
  let entryPc = 0;
  const named = [...functions.values()].find((f) => f.name === 'entrypoint');
  if (named) entryPc = named.pc;
  else registerFunction(statics ? 0 : hashSymbolName('entrypoint'), 'entrypoint', 0, 0);

  return {
    exe: {
      sbpfVersion: version,
      text,
      textVaddr: MM_BYTECODE_START,
      entryPc,
      programRegions: [programRegion(version, text, rodata)],
      functions,
      syscallNames,
      contentHash: bytesToHex(sha256(new TextEncoder().encode(`${version}\n${source}`))),
    },
    rodata,
  };
}

/** The data of the statements from `.rodata` on: chunks at their addresses, gaps zero. */
function readOnlyData(statements: Statement[]): ReadOnlyData | undefined {
  const chunks: { address: bigint; bytes: number[]; line: number }[] = [];
  for (const st of statements) {
    const ints = st.kind === 'label' ? [] : st.operands.map((o) => (o.kind === 'int' ? o.value : undefined));
    if (st.kind === 'directive' && st.name === 'rodata') {
      const address = ints.length === 1 ? ints[0] : undefined;
      if (address === undefined || address < 0n || address >= 2n ** 64n) {
        throw new AsmError('UnexpectedOperands', `line ${st.line}: .rodata takes one address, e.g. .rodata 0x100000120`);
      }
      chunks.push({ address, bytes: [], line: st.line });
    } else if (st.kind === 'directive' && st.name === 'byte') {
      if (ints.length === 0 || ints.some((b) => b === undefined || b < 0n || b > 0xffn)) {
        throw new AsmError('OutOfRange', `line ${st.line}: .byte takes byte values from 0 to 0xff`);
      }
      chunks.at(-1)!.bytes.push(...ints.map(Number));
    } else {
      throw new AsmError('InvalidInstruction', `line ${st.line}: only .rodata and .byte may follow .rodata (code comes first)`);
    }
  }
  if (chunks.length === 0) return undefined;
  chunks.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const start = chunks[0].address;
  const end = chunks.reduce((e, c) => (c.address + BigInt(c.bytes.length) > e ? c.address + BigInt(c.bytes.length) : e), start);
  if (end > BigInt(Number.MAX_SAFE_INTEGER) || end - start > 0x1_0000_0000n)
    throw new AsmError('OutOfRange', `line ${chunks[0].line}: read-only data spans past what a program can map`);
  const bytes = new Uint8Array(Number(end - start));
  let filled = start;
  for (const c of chunks) {
    if (c.address < filled) throw new AsmError('OutOfRange', `line ${c.line}: .rodata 0x${c.address.toString(16)} overlaps the data before it`);
    bytes.set(c.bytes, Number(c.address - start));
    filled = c.address + BigInt(c.bytes.length);
  }
  return { address: Number(start), bytes };
}

/** The read-only region of an assembled program (see {@link assembleProgram}). */
function programRegion(version: SBPFVersion, text: Uint8Array, rodata: ReadOnlyData | undefined): { vaddr: number; bytes: Uint8Array } {
  if (enableLowerRodataVaddr(version)) {
    if (!rodata) return { vaddr: MM_RODATA_START, bytes: text };
    return { vaddr: MM_RODATA_START, bytes: regionFrom(rodata, MM_RODATA_START, 0, MM_BYTECODE_START) };
  }
  if (!rodata) return { vaddr: MM_BYTECODE_START, bytes: text };
  const image = regionFrom(rodata, MM_BYTECODE_START, text.length, MM_BYTECODE_START + MM_REGION_SIZE);
  image.set(text);
  return { vaddr: MM_BYTECODE_START, bytes: image };
}

/**
 * A region from `base` holding `rodata` at its address, which must lie in [base + `reserved`, `limit`)
 * (the first `reserved` bytes are the caller's).
 */
export function regionFrom(rodata: ReadOnlyData, base: number, reserved: number, limit: number): Uint8Array {
  const end = rodata.address + rodata.bytes.length;
  if (rodata.address < base + reserved || end > limit) {
    const hex = (n: number) => `0x${n.toString(16)}`;
    throw new AsmError(
      'OutOfRange',
      `read-only data at ${hex(rodata.address)}..${hex(end)} does not fit where the program maps it: ${hex(base + reserved)}..${hex(limit)}`,
    );
  }
  const region = new Uint8Array(end - base);
  region.set(rodata.bytes, rodata.address - base);
  return region;
}
