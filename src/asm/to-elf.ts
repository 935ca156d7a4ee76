/**
 * `assembleToElf`: assembly text → a deployable ELF. The assembler's in-memory encoding keys
 * calls by registry key; an ELF instead carries pc-relative calls and named syscall relocations
 * (V0) or SIMD-0178 static calls (V3), which the loader turns back into the same program.
 */
import { INSN_SIZE } from '../isa/constants.js';
import * as op from '../isa/opcodes.js';
import { staticSyscalls } from '../isa/version.js';
import { writeElf } from '../elf/writer.js';
import { assemble } from './assembler.js';
import { AsmError } from './parser.js';

/** Assembles `source` into ELF bytes for sBPF V0 (dynamic) or V3 (strict). */
export function assembleToElf(source: string, opts: { sbpfVersion: 0 | 3 }): Uint8Array {
  const exe = assemble(source, { sbpfVersion: opts.sbpfVersion });
  const text = new Uint8Array(exe.text);
  const view = new DataView(text.buffer);
  const syscalls: { pc: number; name: string }[] = [];
  if (!staticSyscalls(exe.sbpfVersion)) {
    for (let pc = 0; pc < text.length / INSN_SIZE; pc++) {
      if (text[pc * INSN_SIZE] !== op.CALL_IMM) continue;
      const key = view.getUint32(pc * INSN_SIZE + 4, true);
      const fn = exe.functions.get(key);
      const name = exe.syscallNames.get(key);
      if (fn) view.setInt32(pc * INSN_SIZE + 4, fn.pc - pc - 1, true);
      else if (name) syscalls.push({ pc, name });
      else throw new AsmError('LabelNotFound', `call at instruction ${pc} has no function or syscall named for key 0x${key.toString(16)}`);
    }
  }
  const functions = [...exe.functions.values()].map(({ name, pc }) => ({ name, pc }));
  return writeElf({ sbpfVersion: opts.sbpfVersion, text, entryPc: exe.entryPc, functions, syscalls });
}
