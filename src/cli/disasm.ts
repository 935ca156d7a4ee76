/** `websvm disasm prog.so [--json]`: disassembly that re-assembles to the same program. */
import { readFileSync } from 'node:fs';
import { disassemble } from '../asm/disassembler.js';
import { loadElf } from '../elf/loader.js';
import { parseArgs, toJson } from './options.js';

export function runDisasm(args: string[]): void {
  const p = parseArgs(args, []);
  const [input] = p.positional;
  if (!input || p.positional.length > 1) throw new Error('expected one ELF file');
  const exe = loadElf(new Uint8Array(readFileSync(input)));
  const text = disassemble(exe);
  if (p.flags.has('--json')) process.stdout.write(`${toJson({ sbpfVersion: exe.sbpfVersion, instructions: exe.text.length / 8, assembly: text })}\n`);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
