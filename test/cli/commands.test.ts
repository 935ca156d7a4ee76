/**
 * What every `websvm` command shares: `--help`, `--json`, `--version`, exit codes (0 success, 1 the
 * program failed or an input could not be used, 2 usage error) and clear messages for bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadElf } from '../../src/elf/loader.js';
import { json, websvm } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'websvm-cli-'));
const COMMANDS = ['run', 'trace', 'asm', 'disasm', 'link', 'verify', 'bench'];
const ELF_COMMANDS = ['run', 'trace', 'disasm', 'verify', 'bench'];
const source = join(dir, 'p.s');
writeFileSync(source, 'entrypoint:\n  mov64 r0, 0\n  exit\n');

describe('flags every command shares', () => {
  it('--version prints the package version, also as JSON', () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
    expect(websvm('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(json(websvm('--version', '--json'))).toEqual({ version });
  });

  it('<command> --help prints its usage, options and exit codes on stdout and exits 0', () => {
    for (const name of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const r = websvm(name, flag);
        expect(r.code, name).toBe(0);
        expect(r.err).toBe('');
        expect(r.out).toMatch(new RegExp(`^usage: websvm ${name} `));
        expect(r.out).toContain('--json');
        expect(r.out).toContain('exit status: 0 success, 1 the program failed or an input could not be used, 2 usage error');
      }
    }
    // --help wins over anything else on the line.
    expect(websvm('run', 'missing.so', '--bogus', '--help').code).toBe(0);
    expect(websvm('--help').out).toContain('trace prog.so');
    expect(websvm('help', 'link').out).toMatch(/^usage: websvm link /);
  });

  it('--json is accepted by every command and prints one document', () => {
    const so = join(dir, 'p.so');
    const docs = {
      asm: json(websvm('asm', source, '-o', so, '--sbpf-version', '0', '--json')),
      link: json(websvm('link', 'test/linker/fixtures/split.o', '-o', join(dir, 'split.so'), '--json')),
      disasm: json(websvm('disasm', so, '--json')),
      verify: json(websvm('verify', so, '--json')),
      run: json(websvm('run', so, '--json')),
      trace: json(websvm('trace', so, '--json')),
      bench: json(websvm('bench', so, '--iterations', '1', '--json')),
    };
    expect(Object.keys(docs).sort()).toEqual([...COMMANDS].sort());
    expect(docs.asm).toMatchObject({ output: so, sbpfVersion: 0 });
    expect(docs.link).toMatchObject({ output: join(dir, 'split.so'), sbpfVersion: 3 });
    expect(docs.disasm).toMatchObject({ sbpfVersion: 0, instructions: 2 });
    expect(docs.verify).toMatchObject({ ok: true, instructions: 2 });
    expect(docs.run).toMatchObject({ ok: true });
    expect(docs.trace).toMatchObject({ ok: true, steps: [{ pc: 0 }, { pc: 1 }] });
    expect(docs.bench).toHaveLength(2);
  });

  it('a failure under --json is still one document, with the error kind', () => {
    const r = websvm('verify', join(dir, 'missing.so'), '--json');
    expect(r.code).toBe(1);
    expect(json(r)).toEqual({ ok: false, error: { kind: 'FileError', message: expect.stringContaining('missing.so') } });
    const usage = websvm('run', '--bogus', '--json');
    expect(usage.code).toBe(2);
    expect(json(usage)).toMatchObject({ ok: false, error: { kind: 'UsageError', message: 'unknown option --bogus' } });
  });
});

describe('exit codes', () => {
  it('2 for a wrong command line, in every command', () => {
    expect(websvm().code).toBe(2);
    expect(websvm('frobnicate').code).toBe(2);
    for (const name of COMMANDS) {
      const r = websvm(name, '--bogus');
      expect(r.code, name).toBe(2);
      expect(r.err).toContain(`websvm ${name}: UsageError: unknown option --bogus`);
    }
    for (const args of [
      ['run'], // no ELF
      ['run', 'a.so', 'b.so'],
      ['run', 'x.so', '--data'], // option without its value
      ['run', 'x.so', '--data', 'xyz'],
      ['run', 'x.so', '--engine', 'gpu'],
      ['run', 'x.so', '--account', 'not-an-address'],
      ['run', 'x.so', '--account', '11111111111111111111111111111111:q'],
      ['trace', 'x.so', '--program-id', 'nope'],
      ['trace', 'x.so', '--limit', '-1'],
      ['asm', source], // no -o
      ['asm', source, '-o', 'x.so', '--sbpf-version', '2'],
      ['link', '-o', 'x.so'],
      ['bench', 'x.so', '--iterations', '0'],
    ]) {
      expect(websvm(...args).code, args.join(' ')).toBe(2);
    }
  });

  it('1 for an input that cannot be used, or a program that fails', () => {
    expect(websvm('disasm', join(dir, 'missing.so')).code).toBe(1);
    writeFileSync(join(dir, 'bad.s'), 'frobnicate r0\n');
    expect(websvm('asm', join(dir, 'bad.s'), '-o', join(dir, 'bad.so')).code).toBe(1);
    expect(websvm('run', 'programs/bin/faults.so', '--data', '00').code).toBe(1);
    expect(websvm('trace', 'programs/bin/faults.so', '--data', '00').code).toBe(1);
  });
});

describe('input that is not an ELF', () => {
  it('is named as such by every command that reads one (not "Offset or value is out of bounds")', () => {
    writeFileSync(join(dir, 'text.so'), 'not an elf, just some words long enough to have e_flags and more padding\n');
    writeFileSync(join(dir, 'tiny.so'), new Uint8Array(10));
    for (const name of ELF_COMMANDS) {
      for (const file of ['text.so', 'tiny.so']) {
        const r = websvm(name, join(dir, file));
        expect(r.code, `${name} ${file}`).toBe(1);
        expect(r.err).toBe(
          `websvm ${name}: FileError: ${join(dir, file)} is not an ELF file (${file === 'tiny.so' ? 'only 10 bytes' : 'no \\x7fELF magic'})\n`,
        );
      }
    }
    expect(websvm('link', join(dir, 'text.so'), '-o', join(dir, 'out.so')).err).toContain('not a 64-bit little-endian ELF');
  });
});

describe('--compute-units', () => {
  it('refuses limits the meter cannot count exactly (2^53 and above), on run and trace alike', () => {
    for (const name of ['run', 'trace']) {
      for (const units of [2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n]) {
        const r = websvm(name, 'programs/bin/logging.so', '--compute-units', String(units));
        expect(r.code).toBe(2);
        expect(r.err).toContain(`--compute-units must be at most 9007199254740991 (the meter counts exactly up to 2^53 - 1), got ${units}`);
      }
    }
  });

  it('the largest accepted limit runs identically on the JIT and the interpreter', () => {
    const max = String(2n ** 53n - 1n);
    const [jit, interpreter] = ['jit', 'interpreter'].map((engine) =>
      json(websvm('run', 'programs/bin/logging.so', '--compute-units', max, '--engine', engine, '--json')),
    );
    expect(jit).toEqual(interpreter);
    expect(jit.ok).toBe(true);
    expect(jit.computeUnits).toBeGreaterThan(0);
    expect(jit.logs).toContain(`Program Prog111111111111111111111111111111111111111 consumed ${jit.computeUnits} of ${max} compute units`);
  });
});

describe('disasm', () => {
  it('prints text that asm turns back into the same program, read-only data included', () => {
    for (const [name, sbpfVersion] of [
      ['rodata.so', '0'],
      ['rodata.v3.so', '3'],
    ]) {
      const listing = join(dir, `${name}.s`);
      writeFileSync(listing, websvm('disasm', `programs/bin/${name}`).out);
      expect(readFileSync(listing, 'utf8')).toContain('.rodata ');
      expect(websvm('asm', listing, '-o', join(dir, name), '--sbpf-version', sbpfVersion).code).toBe(0);
      const [before, after] = [`programs/bin/${name}`, join(dir, name)].map((f) => loadElf(readFileSync(f)));
      expect(after.text).toEqual(before.text);
      expect(after.programRegions).toEqual(before.programRegions);
      expect(websvm('run', join(dir, name), '--data', '03').out).toBe(websvm('run', `programs/bin/${name}`, '--data', '03').out);
    }
  });
});

describe('verify', () => {
  it('lists the syscalls a V3 program calls, as for its V0 build', () => {
    const v3 = json(websvm('verify', 'programs/bin/logging.v3.so', '--json'));
    const v0 = json(websvm('verify', 'programs/bin/logging.so', '--json'));
    expect(v3.sbpfVersion).toBe(3);
    expect(v3.syscalls).toEqual(v0.syscalls);
    expect(v3.syscalls).toContain('sol_log_');
    expect(websvm('verify', 'programs/bin/logging.v3.so').out).toMatch(/syscalls: .*sol_log_ /);
  });
});

describe('link', () => {
  it('refuses a call to an undefined symbol that is no syscall, naming it', () => {
    const r = websvm('link', 'test/linker/fixtures/undefined.o', '-o', join(dir, 'undefined.so'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('websvm link: UndefinedSymbol: test/linker/fixtures/undefined.o: undefined symbol missing_helper');
  });
});
