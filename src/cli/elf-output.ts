/** The output side of `asm` and `link`: `-o prog.so`, `--sbpf-version 0|3`, and what `--json` says of it. */
import type { OptionSpec } from './command.js';
import { UsageError } from './errors.js';
import { writeOutput } from './files.js';
import { choiceArg, type Parsed, printJson, value } from './options.js';

export const ELF_OUTPUT_OPTIONS: readonly OptionSpec[] = [
  { name: '-o', value: 'prog.so', help: 'output ELF (required)' },
  { name: '--sbpf-version', value: '0|3', help: '3 (default): SIMD-0189 strict ELF with static syscalls; 0: dynamic ELF for the loaders of today' },
];

export const ELF_OUTPUT_JSON = '{ output, bytes, sbpfVersion }';

/** Where the ELF goes and which version it is. */
export interface ElfOutput {
  readonly path: string;
  readonly sbpfVersion: 0 | 3;
}

/** The output options of `p`. */
export function elfOutput(p: Parsed): ElfOutput {
  const path = value(p, '-o');
  if (!path) throw new UsageError('missing -o <output.so>');
  return { path, sbpfVersion: choiceArg(value(p, '--sbpf-version'), '--sbpf-version', ['0', '3'], '3') === '0' ? 0 : 3 };
}

/** Writes the ELF and, under `--json`, what was written. */
export function writeElf(p: Parsed, output: ElfOutput, elf: Uint8Array): void {
  writeOutput(output.path, elf);
  if (p.flags.has('--json')) printJson({ output: output.path, bytes: elf.length, sbpfVersion: output.sbpfVersion });
}
