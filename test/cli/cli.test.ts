/** The `websvm` command end to end, as a subprocess: every subcommand, --json, and failures. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAccountJson, parseAccountJson } from '../../src/api/account-json.js';

function cli(args: string[]): { code: number; out: string; err: string } {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, out, err: '' };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout, err: x.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'websvm-cli-'));
const PROGRAM = 'Prog111111111111111111111111111111111111111';
const fixture = join(dir, 'account.json');
writeFileSync(
  fixture,
  formatAccountJson('9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin', {
    lamports: 1_000_000_000n,
    data: new Uint8Array(8),
    owner: PROGRAM,
    executable: false,
    rentEpoch: 0xffff_ffff_ffff_ffffn,
  }),
);

describe('websvm CLI', () => {
  it('run: logs, units, changed accounts, saved fixtures; --json', () => {
    const r = cli(['run', 'programs/bin/accounts.so', '--data', '0010', '--account', `${fixture}:w`, '--save-accounts', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Program ${PROGRAM} invoke [1]`);
    expect(r.out).toMatch(/success {2}\d+ compute units/);
    expect(r.out).toContain('changed 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin: 1000000000 lamports');
    const saved = parseAccountJson(readFileSync(join(dir, 'out', '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin.json'), 'utf8'));
    expect(saved.account.data.length).toBe(24);
    expect(saved.account.rentEpoch).toBe(0xffff_ffff_ffff_ffffn);
    const j = cli(['run', 'programs/bin/accounts.so', '--data', '07', '--account', `${fixture}:w`, '--json']);
    expect(j.code).toBe(1);
    const doc = JSON.parse(j.out);
    expect(doc.ok).toBe(false);
    expect(doc.error.kind).toBe('UnbalancedInstruction');
    expect(doc.changedAccounts).toEqual([]);
  });

  it('run: a VM error is followed by its backtrace with file:line and function (the .debug file beside a stripped program is read)', () => {
    const r = cli(['run', 'programs/bin/debuginfo.split.so', '--data', '010506']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('failed: Access violation writing 8 bytes');
    expect(r.out).toContain(
      `  program ${PROGRAM}\n    at store_at (programs/debuginfo/math.c:7:33)\n    at scatter (programs/debuginfo/math.c:13:3)\n    at entrypoint (programs/debuginfo/main.c:24:12)\n`,
    );
    const doc = JSON.parse(cli(['run', 'programs/bin/debuginfo.split.so', '--data', '0200', '--json']).out);
    expect(doc.backtrace).toEqual([
      { pc: expect.any(Number), function: 'average', file: 'programs/debuginfo/math.c', line: 21, column: 19, inlined: false, programId: PROGRAM },
      { pc: expect.any(Number), function: 'entrypoint', file: 'programs/debuginfo/main.c', line: 26, column: 12, inlined: false, programId: PROGRAM },
    ]);
    const stripped = cli(['run', 'programs/bin/debuginfo.split.so', '--data', '010506', '--debug-file', 'programs/bin/debuginfo.so']);
    expect(stripped.out).toContain('at store_at (programs/debuginfo/math.c:7:33)');
  });

  it('profile: units by function and line, folded stacks, speedscope and SVG to files, --json', () => {
    const folded = join(dir, 'debuginfo.folded');
    const speedscope = join(dir, 'debuginfo.speedscope.json');
    const svg = join(dir, 'debuginfo.svg');
    const r = cli(['profile', 'programs/bin/debuginfo.so', '--data', '000102030405', '--folded', folded, '--speedscope', speedscope, '--svg', svg]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/success {2}207 compute units\n {1}inclusive {2}exclusive {2}function\n {7}207 {9}24 {2}entrypoint\n/);
    expect(r.out).toMatch(/ {8}41 {13}programs\/debuginfo\/checks\.c:8\n/);
    expect(readFileSync(folded, 'utf8')).toContain(`${PROGRAM};entrypoint;checked_sum;weigh 20\n`);
    expect(JSON.parse(readFileSync(speedscope, 'utf8'))).toMatchObject({ name: `debuginfo.so (${PROGRAM})`, profiles: [{ type: 'sampled', endValue: 207 }] });
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg [^]*>Compute units of debuginfo\.so<\/text>[^]*<title>weigh \(20 units, [^]*<\/svg>\n$/);
    const doc = JSON.parse(cli(['profile', 'programs/bin/debuginfo.so', '--data', '000102030405', '--json']).out);
    expect(doc.profile.total).toBe(207);
    expect(doc.profile.functions[0]).toEqual({ name: 'entrypoint', exclusive: 24, inclusive: 207 });
  });

  it('coverage: lines and functions per file over several runs, lcov to a file, --json', () => {
    const lcov = join(dir, 'coverage', 'debuginfo.info');
    const r = cli(['coverage', 'programs/bin/debuginfo.so', '--data', '000102030405', '--data', '0105', '--lcov', lcov]);
    expect(r.code).toBe(1); // the second run faults
    expect(r.out).toMatch(/success {2}207 compute units\n[^]*failed: Program failed to complete/);
    expect(r.out).toMatch(/ {5}lines {2}functions {3}branches {2}file\n {7}4\/7 {8}1\/2 +\d+\/12 {2}programs\/debuginfo\/checks\.c\n/);
    expect(r.out).toMatch(/ \d+\/36 {8}\d\/7 +\d+\/44 {2}total; \d+\/141 instructions\n$/);
    expect(readFileSync(lcov, 'utf8')).toMatch(/^TN:websvm\nSF:programs\/debuginfo\/checks\.c\nFN:6,checked_sum\n[^]*FNDA:6,weigh\n/);
    const doc = JSON.parse(cli(['coverage', 'programs/bin/calls.so', '--data', '00', '--json', '--lcov', join(dir, 'calls.info')]).out);
    expect(doc.runs).toHaveLength(1);
    expect(doc.coverage.files).toEqual([
      {
        path: expect.stringMatching(/^websvm-disassembly\/Prog1+-[0-9a-f]{8}\.s$/),
        lines: expect.any(Object),
        functions: { found: 3, hit: 3 },
        branches: expect.any(Object),
      },
    ]);
    expect(readFileSync(join(dir, 'calls.info'), 'utf8')).toContain(`SF:${dir}/websvm-disassembly/`);
  });

  it('--save-accounts where no directory can be made fails with a message instead of hanging', () => {
    if (!existsSync('/proc/self')) return; // Linux only: Node's recursive mkdir loops forever under /proc
    const args = ['run', 'programs/bin/accounts.so', '--data', '0010', '--account', `${fixture}:w`, '--save-accounts', '/proc/websvm-cli-test/out'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(r.signal).toBeNull(); // not stopped by the timeout
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^websvm run: FileError: cannot create directory \/proc\/websvm-cli-test: /);
  });

  it('asm, disasm and verify round-trip a program', () => {
    const source = join(dir, 'p.s');
    writeFileSync(source, 'entrypoint:\n  mov64 r0, 7\n  exit\n');
    expect(cli(['asm', source, '-o', join(dir, 'p.so'), '--sbpf-version', '0']).code).toBe(0);
    const dis = cli(['disasm', join(dir, 'p.so')]);
    expect(dis.out).toContain('mov64 r0, 7');
    const v = cli(['verify', join(dir, 'p.so'), '--json']);
    expect(JSON.parse(v.out)).toMatchObject({ ok: true, sbpfVersion: 0, instructions: 2 });
  });

  it('trace and bench', () => {
    const t = cli(['trace', 'programs/bin/logging.so', '--json']);
    const doc = JSON.parse(t.out);
    expect(doc.ok).toBe(true);
    expect(doc.steps.length).toBeGreaterThan(10);
    expect(doc.logs.length).toBeGreaterThan(0);
    expect(doc.steps[0]).toMatchObject({ pc: 0, instruction: 'mov64 r6, r1' });
    const b = cli(['bench', 'programs/bin/loops.so', '--iterations', '2', '--json']);
    expect(JSON.parse(b.out).map((r: { engine: string }) => r.engine)).toEqual(['jit', 'interpreter']);
  });

  it('fails clearly: unknown command, bad options, corrupt ELF', () => {
    expect(cli(['frobnicate']).code).toBe(2);
    const bad = cli(['run', 'programs/bin/accounts.so', '--engine', 'gpu']);
    expect(bad.code).toBe(2); // a malformed option value is a usage error
    expect(bad.err).toContain('--engine must be auto, jit or interpreter');
    writeFileSync(join(dir, 'junk.so'), 'not an elf');
    const junk = cli(['verify', join(dir, 'junk.so')]);
    expect(junk.code).toBe(1);
    expect(junk.err).toMatch(/websvm verify: \w+: /);
  });
});

describe('diagnostics (pino)', () => {
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', 'programs/bin/logging.so'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    return { out: r.stdout, err: r.stderr };
  };

  it('are silent by default and go to stderr as JSON when WEBSVM_LOG is set', () => {
    const quiet = run({ WEBSVM_LOG: 'silent' });
    expect(quiet.out).toContain('Program log: hello from websvm');
    expect(quiet.out + quiet.err).not.toContain('"msg"');
    const loud = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', 'programs/bin/logging.so', '--engine', 'jit'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', WEBSVM_LOG: 'debug' },
    });
    expect(loud.stdout).not.toContain('"msg"');
    const lines = loud.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['program added', 'program compiled to WebAssembly']));
    expect(lines.every((l) => l.name === 'websvm')).toBe(true);
    expect(loud.stderr).not.toContain('hello from websvm');
  });
});
