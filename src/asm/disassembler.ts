/**
 * Disassembler producing text our assembler accepts. Jump targets get `lbb_<pc>` labels, call
 * targets `function_<pc>` (or the symbol name when it is one the assembler treats as a function),
 * syscalls their names, and any slot whose encoding the assembler could not reproduce exactly
 * (non-canonical fields, unknown opcodes) becomes `.fill 1, <slot as u64>`. The read-only data
 * follows the code as `.rodata <address>` and `.byte` lines, at the addresses the code loads.
 */
import { toBoolean, toChecked, toOptional } from '../arguments.js';
import { toExecutable, type Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';
import { decodeInsn, type Insn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { opcodeRole } from '../isa/validity.js';
import { callxUsesDstReg, callxUsesSrcReg, enableLowerRodataVaddr, staticSyscalls, type SBPFVersion } from '../isa/version.js';
import { mnemonicTable, type ReadOnlyData } from './assembler.js';

const hex = (v: bigint | number) => (BigInt(v) < 0n ? `-0x${(-BigInt(v)).toString(16)}` : `0x${BigInt(v).toString(16)}`);
const signed = (v: number) => (v < 0 ? `-${hex(-v)}` : `+${hex(v)}`);

type NameGroup = 'alu' | 'mem' | 'jump';

/**
 * Mnemonic per opcode and operand group in a version, preferring explicit widths (`add64` over
 * `add`). Groups keep apart the names V2 and V3 give the same byte (`mul64` vs `stb`, `jge32` vs `uhmul64`).
 */
function mnemonicNames(version: SBPFVersion): Record<NameGroup, Map<number, string>> {
  const groups: Record<NameGroup, Map<number, string>> = { alu: new Map(), mem: new Map(), jump: new Map() };
  for (const [name, m] of mnemonicTable(version)) {
    const group: NameGroup | undefined =
      m.shape === 'aluBinary' ? 'alu' : m.shape === 'jcond' ? 'jump' : ['load', 'storeImm', 'storeReg'].includes(m.shape) ? 'mem' : undefined;
    if (!group) continue;
    const codes = group === 'mem' ? [m.opc] : [m.opc | op.BPF_K, m.opc | op.BPF_X];
    for (const code of codes) {
      const current = groups[group].get(code);
      if (!current || (/\d$/.test(name) && !/\d$/.test(current))) groups[group].set(code, name);
    }
  }
  return groups;
}

/** The slot as the u64 `.fill` takes. */
function slotValue(text: Uint8Array, pc: number): bigint {
  return new DataView(text.buffer, text.byteOffset, text.byteLength).getBigUint64(pc * INSN_SIZE, true);
}

/** Options of {@link disassemble}. */
export interface DisassembleOptions {
  /** Prefix each line with its slot index as a comment. */
  pcComments?: boolean;
}

/** Disassembles a whole program into assembler-compatible text. */
export function disassemble(exe: Executable, opts: DisassembleOptions = {}): string {
  const { lines } = disassembleCode(exe, opts);
  for (const data of readOnlyData(exe)) lines.push('', `.rodata ${hex(data.address)}`, ...byteLines(data.bytes));
  return `${lines.join('\n')}\n`;
}

/** The program's code as {@link disassemble} prints it (without the read-only data), and the line index of each instruction's text. */
export function disassembleCode(exe: Executable, opts: DisassembleOptions = {}): { lines: string[]; lineOfPc: Map<number, number> } {
  toExecutable(exe, 'exe');
  opts = toChecked<DisassembleOptions>(opts, 'opts', 'disassemble options or undefined', 'opts', { pcComments: (v, name) => toOptional(v, name, toBoolean) });
  const v = exe.sbpfVersion;
  const text = exe.text;
  const n = Math.floor(text.length / INSN_SIZE);
  const names = mnemonicNames(v);
  const statics = staticSyscalls(v);
  const jumpLabels = new Set<number>();
  const functionLabels = new Map<number, string>();
  const lddwTail = new Set<number>();
  const insns: Insn[] = [];
  for (let pc = 0; pc < n; pc++) {
    const insn = decodeInsn(text, pc);
    insns.push(insn);
    // A second slot is never itself the start of an lddw.
    if (!lddwTail.has(pc) && opcodeRole(v, insn.opc) === 'lddw' && pc + 1 < n) lddwTail.add(pc + 1);
  }
  const labelable = (t: number) => t >= 0 && t < n && !lddwTail.has(t);
  const callTarget = (insn: Insn): number | undefined => {
    if (insn.opc !== op.CALL_IMM) return undefined;
    if (statics) return insn.src === 1 ? insn.pc + 1 + insn.imm : undefined;
    return exe.functions.get(insn.imm >>> 0)?.pc;
  };
  for (const insn of insns) {
    if (lddwTail.has(insn.pc)) continue;
    const role = opcodeRole(v, insn.opc);
    if (role === 'jump' && labelable(insn.pc + 1 + insn.off)) jumpLabels.add(insn.pc + 1 + insn.off);
    const target = callTarget(insn);
    if (target !== undefined && labelable(target)) functionLabels.set(target, `function_${target}`);
  }
  functionLabels.set(exe.entryPc, 'entrypoint');

  const lines: string[] = [];
  const lineOfPc = new Map<number, number>();
  for (const insn of insns) {
    const pc = insn.pc;
    if (lddwTail.has(pc)) continue;
    const fn = functionLabels.get(pc);
    if (fn) lines.push(`${fn}:`);
    if (jumpLabels.has(pc)) lines.push(`lbb_${pc}:`);
    const body = formatInsn(exe, insn, names, functionLabels, jumpLabels);
    const emit = (line: string, at: number) => {
      lineOfPc.set(at, lines.length);
      lines.push(opts.pcComments ? `    ${line.padEnd(40)} // ${at}` : `    ${line}`);
    };
    if (body !== undefined) emit(body, pc);
    else {
      emit(`.fill 1, ${hex(slotValue(text, pc))}`, pc);
      // An lddw we cannot print keeps its second slot verbatim too.
      if (lddwTail.has(pc + 1)) emit(`.fill 1, ${hex(slotValue(text, pc + 1))}`, pc + 1);
    }
  }
  return { lines, lineOfPc };
}

/**
 * What the program maps besides its text: V3+ the region at 0 (unless it is the text itself, as
 * for an assembled program without data); V0–V2 the image around the text. Leading zeros are
 * left out (the assembler fills up to the address with zeros); trailing ones stay (they are readable).
 */
function readOnlyData(exe: Executable): ReadOnlyData[] {
  const region = exe.programRegions[0];
  if (!region) return [];
  const trimmed = (from: number, to: number): ReadOnlyData => {
    let first = from;
    while (first < to && region.bytes[first] === 0) first++;
    const start = Math.max(from, first - (first % 16));
    return { address: region.vaddr + start, bytes: region.bytes.subarray(start, to) };
  };
  if (enableLowerRodataVaddr(exe.sbpfVersion)) return region.bytes === exe.text || region.bytes.length === 0 ? [] : [trimmed(0, region.bytes.length)];
  const textStart = exe.textVaddr - region.vaddr;
  const textEnd = textStart + exe.text.length;
  const out: ReadOnlyData[] = [];
  // Nothing precedes the text in the ELFs toolchains write; should something, the assembler will say it cannot place it.
  if (region.bytes.subarray(0, Math.max(0, textStart)).some((b) => b !== 0)) out.push(trimmed(0, textStart));
  if (textEnd < region.bytes.length) out.push(trimmed(textEnd, region.bytes.length));
  return out;
}

/** `.byte` lines of 16 bytes, each with its printable characters as a comment. */
function byteLines(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const values = Array.from(row, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ');
    const chars = String.fromCharCode(...Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? b : 0x2e)));
    out.push(`    .byte ${values.padEnd(94)} // "${chars}"`);
  }
  return out;
}

/** One instruction's text, or undefined when only `.fill` reproduces its bytes. */
function formatInsn(
  exe: Executable,
  insn: Insn,
  names: Record<NameGroup, Map<number, string>>,
  functionLabels: Map<number, string>,
  jumpLabels: Set<number>,
): string | undefined {
  const v = exe.sbpfVersion;
  const { opc, dst, src, off, imm, pc } = insn;
  const role = opcodeRole(v, opc);
  const x = (opc & op.BPF_X) !== 0;
  const group: NameGroup = role === 'load' || role === 'store' ? 'mem' : role === 'jump' ? 'jump' : 'alu';
  const name = names[group].get(opc);
  const mem = (r: number) => `[r${r}${off === 0 ? '' : signed(off)}]`;
  switch (role) {
    case 'invalid':
      return undefined;
    case 'lddw': {
      if (src || off || pc + 1 >= exe.text.length / INSN_SIZE) return undefined;
      const tail = decodeInsn(exe.text, pc + 1);
      if (tail.opc || tail.dst || tail.src || tail.off) return undefined;
      const value = (BigInt(tail.imm >>> 0) << 32n) | BigInt(imm >>> 0);
      return `lddw r${dst}, ${hex(value)}`;
    }
    case 'load':
      return imm === 0 ? `${name} r${dst}, ${mem(src)}` : undefined;
    case 'store':
      // V0 stores use separate classes (2 imm, 3 reg); V2's moved stores use the X bit.
      if ((opc & op.BPF_CLS_MASK) === op.BPF_STX || ((opc & op.BPF_CLS_MASK) === op.BPF_ALU64_STORE && x))
        return imm === 0 ? `${name} ${mem(dst)}, r${src}` : undefined;
      return src === 0 ? `${name} ${mem(dst)}, ${imm}` : undefined;
    case 'endian':
      if (src || off) return undefined;
      if (imm !== 16 && imm !== 32 && imm !== 64) return undefined;
      return `${opc === op.BE ? 'be' : 'le'}${imm} r${dst}`;
    case 'alu':
    case 'divImm':
    case 'shift32':
    case 'shift64': {
      if (off) return undefined;
      if (opc === op.NEG32 || opc === op.NEG64) return src || imm ? undefined : `${opc === op.NEG32 ? 'neg32' : 'neg64'} r${dst}`;
      // The assembler rewrites `add64 r10, imm` for versions without manual frames.
      if (opc === op.ADD64_IMM && dst === 10) return undefined;
      if (!name) return undefined;
      return x ? (imm === 0 ? `${name} r${dst}, r${src}` : undefined) : src === 0 ? `${name} r${dst}, ${imm}` : undefined;
    }
    case 'jump': {
      const target = pc + 1 + off;
      const where = jumpLabels.has(target) ? `lbb_${target}` : signed(off);
      if (opc === op.JA) return dst || src || imm ? undefined : `ja ${where}`;
      if (!name) return undefined;
      return x ? (imm === 0 ? `${name} r${dst}, r${src}, ${where}` : undefined) : src === 0 ? `${name} r${dst}, ${imm}, ${where}` : undefined;
    }
    case 'call': {
      if (dst || off) return undefined;
      const syscall = exe.syscallNames.get(imm >>> 0);
      if (staticSyscalls(v)) {
        if (src === 1) {
          const label = functionLabels.get(pc + 1 + imm);
          return label ? `call ${label}` : `call ${imm}`;
        }
        if (src !== 0) return undefined;
        return syscall ? `syscall ${syscall}` : `syscall ${imm}`;
      }
      if (syscall) return src === 0 ? `syscall ${syscall}` : undefined;
      const target = exe.functions.get(imm >>> 0)?.pc;
      const label = target === undefined ? undefined : functionLabels.get(target);
      // V0–V2 ignore src on calls (toolchains set 1 on internal calls); the target is what matters.
      if (src !== 0 && !label) return undefined;
      // Unresolved keys keep their exact immediate.
      return label ? `call ${label}` : `syscall ${imm}`;
    }
    case 'callx': {
      const reg = callxUsesSrcReg(v) ? src : callxUsesDstReg(v) ? dst : imm;
      const others = callxUsesSrcReg(v) ? dst | imm : callxUsesDstReg(v) ? src | imm : dst | src;
      return others || off || reg < 0 || reg > 15 ? undefined : `callx r${reg}`;
    }
    case 'exit':
      return dst || src || off || imm ? undefined : 'exit';
  }
}
