/** `websvm asm prog.s -o prog.so [--sbpf-version 0|3] [--json]`: assemble to a deployable ELF. */
import { assembleToElf } from '../asm/to-elf.js';
import type { Command } from './command.js';
import { ELF_OUTPUT_JSON, ELF_OUTPUT_OPTIONS, elfOutput, writeElf } from './elf-output.js';
import { readText } from './files.js';
import { onePositional } from './options.js';

export const asm: Command = {
  operands: 'prog.s -o prog.so',
  summary: 'assemble into a deployable ELF',
  options: ELF_OUTPUT_OPTIONS,
  json: ELF_OUTPUT_JSON,
  run(p) {
    const input = onePositional(p, 'assembly file');
    const output = elfOutput(p);
    writeElf(p, output, assembleToElf(readText(input), { sbpfVersion: output.sbpfVersion }));
  },
};
