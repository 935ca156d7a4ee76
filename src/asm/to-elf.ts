/**
 * `assembleToElf`: assembly text → a deployable ELF. The assembler's in-memory encoding keys
 * calls by registry key; an ELF instead carries pc-relative calls and named syscall relocations
 * (V0) or SIMD-0178 static calls (V3), which the loader turns back into the same program.
 */
import { toChecked, toOneOf } from '../arguments.js';
import { INSN_SIZE, MM_BYTECODE_START, MM_REGION_SIZE } from '../isa/constants.js';
import { decodeInsn, encodeInsn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { immAt, opcodeAt } from '../isa/slot.js';
import { staticSyscalls } from '../isa/version.js';
import { syscallNameByHash } from '../elf/syscall-names.js';
import { rodataAddress, writeElf } from '../elf/writer.js';
import { assembleProgram, regionFrom } from './assembler.js';
import { AsmError } from './parser.js';

/**
 * Assembles `source` into ELF bytes for sBPF V0 (dynamic) or V3 (strict). Read-only data keeps
 * its addresses: V3 maps it at 0; V0 puts it after the text, which starts at 0x1_0000_0120.
 */
export function assembleToElf(source: string, opts: { sbpfVersion: 0 | 3 }): Uint8Array {
  const { sbpfVersion } = toChecked(opts, 'opts', 'options { sbpfVersion: 0 | 3 }', 'opts', { sbpfVersion: (v, name) => toOneOf(v, name, [0, 3] as const) });
  const { exe, rodata } = assembleProgram(source, { sbpfVersion });
  const text = new Uint8Array(exe.text);
  const syscalls: { pc: number; name: string }[] = [];
  if (!staticSyscalls(exe.sbpfVersion)) {
    for (let pc = 0; pc < text.length / INSN_SIZE; pc++) {
      if (opcodeAt(text, pc) !== op.CALL_IMM) continue;
      const key = immAt(text, pc) >>> 0;
      const fn = exe.functions.get(key);
      // A `.fill` call slot (as disassembled from toolchains that set src on syscalls) keeps its hash.
      const name = exe.syscallNames.get(key) ?? syscallNameByHash(key);
      if (fn) {
        const call = decodeInsn(text, pc);
        // src 1 marks an internal call, as LLVM and our linker write it
        encodeInsn(text, pc, { ...call, src: call.src | 1, imm: fn.pc - pc - 1 });
      } else if (name) syscalls.push({ pc, name });
      else throw new AsmError('LabelNotFound', `call at instruction ${pc} has no function or syscall named for key 0x${key.toString(16)}`);
    }
  }
  const functions = [...exe.functions.values()].map(({ name, pc }) => ({ name, pc }));
  // The writer places rodata at a fixed address; zeros up to the data's own address keep it there.
  const start = rodataAddress(opts.sbpfVersion, text.length);
  const rodataBytes = rodata && regionFrom(rodata, start, 0, opts.sbpfVersion === 3 ? MM_BYTECODE_START : MM_BYTECODE_START + MM_REGION_SIZE);
  return writeElf({ sbpfVersion: opts.sbpfVersion, text, rodata: rodataBytes, entryPc: exe.entryPc, functions, syscalls });
}
