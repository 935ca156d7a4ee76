/** `websvm asm prog.s -o prog.so [--sbpf-version 0|3] [--json]`: assemble to a deployable ELF. */
import { readFileSync, writeFileSync } from 'node:fs';
import { assembleToElf } from '../asm/to-elf.js';
import { parseArgs, toJson, value } from './options.js';

export function runAsm(args: string[]): void {
  const p = parseArgs(args, ['-o', '--sbpf-version']);
  const [input] = p.positional;
  const output = value(p, '-o');
  if (!input || p.positional.length > 1) throw new Error('expected one assembly file');
  if (!output) throw new Error('missing -o <output.so>');
  const v = value(p, '--sbpf-version', '3');
  if (v !== '0' && v !== '3') throw new Error(`--sbpf-version must be 0 or 3, got ${v}`);
  const elf = assembleToElf(readFileSync(input, 'utf8'), { sbpfVersion: Number(v) as 0 | 3 });
  writeFileSync(output, elf);
  if (p.flags.has('--json')) process.stdout.write(`${toJson({ output, bytes: elf.length, sbpfVersion: Number(v) })}\n`);
}
