/** `websvm link a.o [b.o …] -o prog.so [--sbpf-version 0|3]` */
import { readFileSync, writeFileSync } from 'node:fs';
import { link } from '../linker/link.js';

export function runLink(args: string[]): void {
  const inputs: string[] = [];
  let output: string | undefined;
  let version: 0 | 3 = 3;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o') output = args[++i];
    else if (a === '--sbpf-version') {
      const v = args[++i];
      if (v !== '0' && v !== '3') throw new Error(`--sbpf-version must be 0 or 3, got ${v}`);
      version = Number(v) as 0 | 3;
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else inputs.push(a);
  }
  if (!output) throw new Error('missing -o <output.so>');
  if (inputs.length === 0) throw new Error('no input objects');
  const elf = link(
    inputs.map((name) => ({ name, bytes: readFileSync(name) })),
    { sbpfVersion: version },
  );
  writeFileSync(output, elf);
}
