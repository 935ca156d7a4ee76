/**
 * Builds programs/*.c into programs/bin/<name>.so (sBPF V0, what today's validators deploy) and
 * programs/bin/<name>.v3.so (V3), and each Anchor-like example's program/<name>.c into
 * program/<name>.so, with Debian's clang-19 and our linker. Each folder programs/<name>/ is one
 * program of several files built with debug information (`-g -O1`): <name>.so (V0, DWARF 4
 * inside), <name>.v3.so (V3, DWARF 5 inside), <name>.dwarf3.so (V0, DWARF 3 inside: the older
 * forms, such as DWARF 2–3 bitfields) and <name>.split.so with its DWARF 5 in
 * <name>.split.debug, plus <name>.lines.json, llvm-dwarfdump-19's line tables of the three, and
 * <name>.frames.json, llvm-symbolizer-19's frames of every instruction, for tests on machines
 * without LLVM. The outputs are committed, so tests need no C toolchain; run
 * this after editing a program (`npm run build:programs`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { link, linkWithDebugFile } from '../src/linker/link.js';
import { dumpDebugLine, symbolizeSlots } from '../test/helpers/dwarfdump.js';
import { loadElf } from '../src/elf/loader.js';
import { textSectionAddress } from '../src/elf/writer.js';

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

const fail = (why: string): never => {
  throw new Error(why);
};

/** Compiles the C files of `dir` with debug information in `dwarfVersion`; returns the objects. */
function compileWithDebugInfo(dir: string, dwarfVersion: 3 | 4 | 5): { bytes: Uint8Array; name: string }[] {
  // -O1 keeps functions and lines recognisable; the prefix map keeps this checkout's path out of the outputs.
  const debugFlags = [...flags.map((f) => (f === '-O2' ? '-O1' : f)), `-gdwarf-${dwarfVersion}`, `-fdebug-prefix-map=${root.replace(/\/$/, '')}=programs`];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((file) => {
      const object = join(work, `${basename(dir)}-${basename(file, '.c')}-dwarf${dwarfVersion}.o`);
      execFileSync(clang, [...debugFlags, join(basename(dir), file), '-o', object], { stdio: 'inherit', cwd: root });
      return { bytes: readFileSync(object), name: file };
    });
}

for (const name of readdirSync(root)
  .filter((d) => !['bin', 'include'].includes(d) && statSync(join(root, d)).isDirectory())
  .sort()) {
  const bin = (suffix: string) => join(root, 'bin', `${name}${suffix}`);
  writeFileSync(bin('.so'), link(compileWithDebugInfo(join(root, name), 4), { sbpfVersion: 0 }));
  writeFileSync(bin('.dwarf3.so'), link(compileWithDebugInfo(join(root, name), 3), { sbpfVersion: 0 }));
  const dwarf5 = compileWithDebugInfo(join(root, name), 5);
  writeFileSync(bin('.v3.so'), link(dwarf5, { sbpfVersion: 3 }));
  const split = linkWithDebugFile(dwarf5, { sbpfVersion: 0 });
  writeFileSync(bin('.split.so'), split.program);
  writeFileSync(bin('.split.debug'), split.debug);
  const tables = Object.fromEntries(
    ['.so', '.v3.so', '.split.debug'].map((suffix) => [`${name}${suffix}`, dumpDebugLine(bin(suffix)) ?? fail('llvm-dwarfdump-19 is needed')]),
  );
  writeFileSync(bin('.lines.json'), JSON.stringify(tables) + '\n');
  const slots = loadElf(readFileSync(bin('.so'))).text.length / 8;
  const frames = Object.fromEntries(
    (
      [
        ['.so', 0],
        ['.v3.so', 3],
      ] as const
    ).map(([suffix, v]) => [`${name}${suffix}`, symbolizeSlots(bin(suffix), textSectionAddress(v), slots) ?? fail('llvm-symbolizer-19 is needed')]),
  );
  writeFileSync(bin('.frames.json'), JSON.stringify(frames) + '\n');
  console.log(`built ${name} with debug information`);
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
