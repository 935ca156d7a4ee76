/**
 * Builds programs/*.c into programs/bin/<name>.so (sBPF V0, what today's validators deploy) and
 * programs/bin/<name>.v3.so (V3), and each Anchor-like example's program/<name>.c into
 * program/<name>.so, with Debian's clang-19 and our linker. The outputs are committed, so tests
 * need no C toolchain; run this after editing a program (`npm run build:programs`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { link } from '../src/linker/link.js';

const root = new URL('../programs/', import.meta.url).pathname;
const clang = process.env.CLANG ?? 'clang-19';
const flags = ['-target', 'bpf', '-mcpu=v2', '-mllvm', '-bpf-stack-size=4096', '-O2', '-ffreestanding', '-fno-builtin', '-nostdlib', '-Wall', '-Werror', '-c'];
const work = mkdtempSync(join(tmpdir(), 'websvm-programs-'));

function build(source: string, outputs: [path: string, version: 0 | 3][]): void {
  const name = basename(source, '.c');
  const object = join(work, `${name}.o`);
  execFileSync(clang, [...flags, source, '-o', object], { stdio: 'inherit' });
  const bytes = readFileSync(object);
  for (const [path, sbpfVersion] of outputs) writeFileSync(path, link([{ bytes, name: basename(source) }], { sbpfVersion }));
  console.log(`built ${name}`);
}

for (const file of readdirSync(root)
  .filter((f) => f.endsWith('.c'))
  .sort()) {
  const name = basename(file, '.c');
  build(join(root, file), [
    [join(root, 'bin', `${name}.so`), 0],
    [join(root, 'bin', `${name}.v3.so`), 3],
  ]);
}

const examples = new URL('../Anchor-like-examples/', import.meta.url).pathname;
for (const example of readdirSync(examples)
  .filter((d) => existsSync(join(examples, d, 'program')))
  .sort()) {
  const dir = join(examples, example, 'program');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.c'))) build(join(dir, file), [[join(dir, `${basename(file, '.c')}.so`), 0]]);
}
