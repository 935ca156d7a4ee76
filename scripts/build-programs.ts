/**
 * Builds programs/*.c into programs/bin/<name>.so (sBPF V0, what today's validators deploy) and
 * programs/bin/<name>.v3.so (V3) with Debian's clang-19 and our linker. The outputs are committed,
 * so tests need no C toolchain; run this after editing a program (`npm run build:programs`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { link } from '../src/linker/link.js';

const root = new URL('../programs/', import.meta.url).pathname;
const clang = process.env.CLANG ?? 'clang-19';
const flags = ['-target', 'bpf', '-mcpu=v2', '-O2', '-ffreestanding', '-fno-builtin', '-nostdlib', '-Wall', '-Werror', '-c'];
const work = mkdtempSync(join(tmpdir(), 'websvm-programs-'));

for (const file of readdirSync(root).filter((f) => f.endsWith('.c')).sort()) {
  const name = basename(file, '.c');
  const object = join(work, `${name}.o`);
  execFileSync(clang, [...flags, join(root, file), '-o', object], { stdio: 'inherit' });
  const bytes = readFileSync(object);
  writeFileSync(join(root, 'bin', `${name}.so`), link([{ bytes, name: file }], { sbpfVersion: 0 }));
  writeFileSync(join(root, 'bin', `${name}.v3.so`), link([{ bytes, name: file }], { sbpfVersion: 3 }));
  console.log(`built ${name}`);
}
