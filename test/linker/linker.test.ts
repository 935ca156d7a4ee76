/**
 * Linker and ELF writer. Fixtures are objects clang-19 built from our own sources (committed next
 * to them, so CI needs no compiler); the committed programs/bin outputs are checked to load,
 * verify and behave identically as V0 and V3.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execute, link, LinkError, loadElf, registerLoggingSyscalls, solanaSyscalls, SyscallRegistry, verify, SBPFVersion } from '../../src/index.js';
import { serializeNoAccounts } from '../helpers/serialize.js';
import { thrown } from '../helpers/errors.js';

const fixture = (name: string) => ({ name, bytes: readFileSync(new URL(`./fixtures/${name}`, import.meta.url)) });
const programs = new URL('../../programs/bin/', import.meta.url);

const linkError = (f: () => unknown) => thrown(LinkError, f);

function runWithLogs(elf: Uint8Array, data: number[]) {
  const logs: string[] = [];
  const result = execute(loadElf(elf, { deployment: true }), {
    input: serializeNoAccounts(Uint8Array.from(data), new Uint8Array(32)),
    syscalls: solanaSyscalls((l) => logs.push(l)),
    computeUnits: 200_000,
    engine: 'interpreter',
  });
  return { result, logs };
}

describe('link()', () => {
  it('resolves cross-section calls, rodata addresses and syscalls, for V0 and V3 alike', () => {
    const obj = fixture('split.o');
    // helper(x) = x * 3 + "split sections"[x % 15]; with x = 4: 12 + 't' (0x74) = 0x80.
    for (const v of [0, 3] as const) {
      const elf = link([obj], { sbpfVersion: v });
      const exe = loadElf(elf, { deployment: true });
      expect(exe.sbpfVersion).toBe(v === 0 ? SBPFVersion.V0 : SBPFVersion.V3);
      expect(() => verify(exe)).not.toThrow();
      expect(runWithLogs(elf, [4])).toMatchObject({ result: { ok: true, value: 0x80n }, logs: ['Program log: split'] });
    }
  });
  it('hands a log sink the caller passed each line alone (the runtime’s own sink also takes its size)', () => {
    const exe = loadElf(link([fixture('split.o')], { sbpfVersion: 3 }), { deployment: true });
    for (const syscalls of [
      (sink: (line: string) => void) => solanaSyscalls(sink),
      (sink: (line: string) => void) => registerLoggingSyscalls(new SyscallRegistry(), sink),
    ]) {
      const calls: unknown[][] = [];
      const result = execute(exe, {
        input: serializeNoAccounts(Uint8Array.of(4), new Uint8Array(32)),
        syscalls: syscalls((...args: unknown[]) => void calls.push(args)),
        computeUnits: 200_000,
        engine: 'interpreter',
      });
      expect(result).toMatchObject({ ok: true });
      expect(calls).toEqual([['Program log: split']]);
    }
  });

  it('rejects writable data with the symbol name', () => {
    const e = linkError(() => link([fixture('writable.o')]));
    expect(e.kind).toBe('WritableSection');
    expect(e.message).toContain('counter');
  });
  it('needs an entrypoint and well-formed objects', () => {
    expect(linkError(() => link([fixture('split.o')], { entry: 'main' })).kind).toBe('NoEntrypoint');
    expect(linkError(() => link([{ name: 'junk.o', bytes: new Uint8Array(100) }])).kind).toBe('BadObject');
    const so = readFileSync(new URL('calls.so', programs));
    expect(linkError(() => link([{ name: 'calls.so', bytes: so }])).message).toContain('ET_REL');
  });
});

describe('committed programs', () => {
  const names = readdirSync(programs)
    .filter((f) => f.endsWith('.so') && !f.endsWith('.v3.so') && !f.endsWith('.split.so') && !f.endsWith('.dwarf3.so'))
    .map((f) => f.slice(0, -3));
  it('exist for every C source and every folder of C sources', () => {
    const entries = readdirSync(new URL('../../programs/', import.meta.url), { withFileTypes: true });
    const sources = entries.filter((e) => e.name.endsWith('.c')).map((e) => e.name.slice(0, -2));
    const folders = entries.filter((e) => e.isDirectory() && !['bin', 'include'].includes(e.name)).map((e) => e.name);
    expect(folders.length).toBeGreaterThan(0);
    expect(names.sort()).toEqual([...sources, ...folders].sort());
  });
  for (const name of names) {
    it(`${name}: V0 and V3 builds load, verify and give the same result, logs and count`, () => {
      const v0 = readFileSync(new URL(`${name}.so`, programs));
      const v3 = readFileSync(new URL(`${name}.v3.so`, programs));
      const data = [3, 1, 4, 1, 5, 9, 2, 6];
      expect(runWithLogs(v3, data)).toEqual(runWithLogs(v0, data));
    });
  }
  it('writer output keeps sh_addr == sh_offset for allocated sections and puts sections in order', () => {
    const elf = readFileSync(new URL('rodata.so', programs));
    const v = new DataView(elf.buffer, elf.byteOffset);
    const shoff = Number(v.getBigUint64(40, true));
    let last = 0;
    for (let i = 1; i < v.getUint16(60, true); i++) {
      const o = shoff + 64 * i;
      const flags = Number(v.getBigUint64(o + 8, true));
      const addr = Number(v.getBigUint64(o + 16, true));
      const offset = Number(v.getBigUint64(o + 24, true));
      if (flags & 2) expect(addr).toBe(offset);
      expect(offset).toBeGreaterThanOrEqual(last);
      last = offset;
    }
  });
});

describe('websvm link (CLI subprocess)', () => {
  const cli = (args: string[]) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', stdio: 'pipe' }) };
    } catch (e) {
      const err = e as { status: number; stderr: string };
      return { code: err.status, out: err.stderr };
    }
  };
  it('links an object into a loadable program', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'websvm-')), 'split.so');
    expect(cli(['link', 'test/linker/fixtures/split.o', '-o', out, '--sbpf-version', '0']).code).toBe(0);
    expect(loadElf(readFileSync(out), { deployment: true }).sbpfVersion).toBe(SBPFVersion.V0);
  });
  it('fails with a message and a non-zero exit', () => {
    const r = cli(['link', 'test/linker/fixtures/writable.o', '-o', '/dev/null']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^websvm link: .*writable section/);
    expect(cli(['nope']).code).toBe(2);
  });
});

describe('undefined symbols', () => {
  it('a call to one that no object defines and no syscall is named after is refused, naming it', () => {
    // undefined.o calls sol_log_ (a syscall) and missing_helper (nothing).
    for (const sbpfVersion of [0, 3] as const) {
      const e = linkError(() => link([fixture('undefined.o')], { sbpfVersion }));
      expect(e.kind).toBe('UndefinedSymbol');
      expect(e.message).toBe('undefined.o: undefined symbol missing_helper (called at instruction 1): no object defines it and no syscall has its name');
    }
  });
  it('the syscall list decides what an undefined name may be', () => {
    const elf = link([fixture('undefined.o')], { sbpfVersion: 0, syscalls: ['sol_log_', 'missing_helper'] });
    expect([...loadElf(elf).syscallNames.values()].sort()).toEqual(['missing_helper', 'sol_log_']);
    expect(linkError(() => link([fixture('undefined.o')], { syscalls: ['missing_helper'] })).message).toContain('undefined symbol sol_log_');
  });
});
