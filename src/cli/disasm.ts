/** `websvm disasm prog.so [--json]`: disassembly that re-assembles to the same program, read-only data included. */
import { disassemble } from '../asm/disassembler.js';
import { loadElf } from '../elf/loader.js';
import type { Command } from './command.js';
import { readElf } from './files.js';
import { onePositional, printJson } from './options.js';

export const disasm: Command = {
  operands: 'prog.so',
  summary: 'disassemble; `asm` turns the text back into the same program, read-only data included',
  options: [],
  json: '{ sbpfVersion, instructions, assembly }',
  run(p) {
    const exe = loadElf(readElf(onePositional(p, 'ELF file')));
    const text = disassemble(exe);
    if (p.flags.has('--json')) printJson({ sbpfVersion: exe.sbpfVersion, instructions: exe.text.length / 8, assembly: text });
    else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
};
