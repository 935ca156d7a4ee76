/** `websvm link a.o [b.o …] -o prog.so [--sbpf-version 0|3] [--json]`: link clang BPF objects into an sBPF ELF. */
import { link as linkObjects } from '../linker/link.js';
import type { Command } from './command.js';
import { ELF_OUTPUT_JSON, ELF_OUTPUT_OPTIONS, elfOutput, writeElf } from './elf-output.js';
import { UsageError } from './errors.js';
import { readBytes } from './files.js';

export const link: Command = {
  operands: 'a.o [b.o …] -o prog.so',
  summary: 'link clang BPF objects into an sBPF ELF; an undefined symbol must name a syscall',
  options: ELF_OUTPUT_OPTIONS,
  json: ELF_OUTPUT_JSON,
  run(p) {
    const output = elfOutput(p);
    if (p.positional.length === 0) throw new UsageError('expected at least one object file');
    const objects = p.positional.map((name) => ({ name, bytes: readBytes(name) }));
    writeElf(p, output, linkObjects(objects, { sbpfVersion: output.sbpfVersion }));
  },
};
