/**
 * Coverage: with `withCoverage()` (alone, and with profiling) every transaction must give exactly
 * what LiteSVM gives; the lcov it writes must name the lines `llvm-dwarfdump-19 --debug-line`
 * gives code to (programs/debuginfo in its three builds), count what ran as the profiler does,
 * cover programs without DWARF by their disassembly, and parse as an lcov tracefile (and, where
 * the lcov package is installed, go through genhtml).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstructionHarness } from '../../src/api/harness.js';
import { Coverage, CoverageReport, execute, loadElf, registerDebugFile, SVM, SyscallRegistry } from '../../src/index.js';
import { serializeNoAccounts } from '../helpers/serialize.js';
import { Dual, deployBoth } from '../helpers/dual.js';
import { dumpDebugLine, type DumpedLineTable } from '../helpers/dwarfdump.js';
import { bytes, programElf } from '../helpers/encoding.js';
import { sendToBoth, toolCases } from '../helpers/tool-cases.js';

const bin = (name: string) => new URL(`../../programs/bin/${name}`, import.meta.url);
const elf = (name: string) => new Uint8Array(readFileSync(bin(name)));
const PROGRAM = 'Prog111111111111111111111111111111111111111';
const committedLines = JSON.parse(readFileSync(bin('debuginfo.lines.json'), 'utf8')) as Record<string, DumpedLineTable[]>;

/** One lcov record, as parsed. */
interface LcovRecord {
  test: string;
  file: string;
  functions: Map<string, { line: number; hits?: number }>;
  /** By `line,block,branch`: the count, undefined where lcov says `-` (the jump never ran). */
  branches: Map<string, number | undefined>;
  lines: Map<number, number>;
}

/**
 * Parses an lcov tracefile strictly: each record TN, SF, FN…, FNDA…, FNF, FNH, [BRDA…, BRF, BRH,]
 * DA…, LF, LH, end_of_record, with every count consistent.
 */
function parseLcov(text: string): LcovRecord[] {
  expect(text.endsWith('end_of_record\n')).toBe(true);
  return text
    .slice(0, -'end_of_record\n'.length)
    .split('end_of_record\n')
    .map((block) => {
      const lines = block.trimEnd().split('\n');
      const take = (tag: string) => {
        const line = lines.shift()!;
        expect(line.startsWith(`${tag}:`), `${line} is ${tag}`).toBe(true);
        return line.slice(tag.length + 1);
      };
      const record: LcovRecord = { test: take('TN'), file: take('SF'), functions: new Map(), branches: new Map(), lines: new Map() };
      expect(record.test).toMatch(/^\w+$/);
      while (lines[0]!.startsWith('FN:')) {
        const [, line, name] = /^(\d+),(.+)$/.exec(take('FN'))!;
        record.functions.set(name!, { line: Number(line) });
      }
      while (lines[0]!.startsWith('FNDA:')) {
        const [, hits, name] = /^(\d+),(.+)$/.exec(take('FNDA'))!;
        record.functions.get(name!)!.hits = Number(hits);
      }
      expect(Number(take('FNF'))).toBe(record.functions.size);
      expect(Number(take('FNH'))).toBe([...record.functions.values()].filter((f) => f.hits! > 0).length);
      while (lines[0]!.startsWith('BRDA:')) {
        const [, key, count] = /^(\d+,\d+,\d+),(\d+|-)$/.exec(take('BRDA'))!;
        expect(record.branches.has(key!)).toBe(false);
        record.branches.set(key!, count === '-' ? undefined : Number(count));
      }
      if (record.branches.size > 0) {
        expect(Number(take('BRF'))).toBe(record.branches.size);
        expect(Number(take('BRH'))).toBe([...record.branches.values()].filter((n) => n! > 0).length);
      }
      while (lines[0]!.startsWith('DA:')) {
        const [, line, hits] = /^(\d+),(\d+)$/.exec(take('DA'))!;
        expect(record.lines.has(Number(line))).toBe(false);
        record.lines.set(Number(line), Number(hits));
      }
      expect(Number(take('LF'))).toBe(record.lines.size);
      expect(Number(take('LH'))).toBe([...record.lines.values()].filter((n) => n > 0).length);
      expect(lines).toEqual([]);
      for (const f of record.functions.values()) expect(f.hits).toBeDefined();
      // A jump's line ran exactly when the jump has counts (it may share its line with code that ran without it).
      for (const [key, count] of record.branches) if (record.lines.get(Number(key.split(',')[0])) === 0) expect(count).toBeUndefined();
      return record;
    });
}

/** Lines llvm-dwarfdump gives code to, as `file:line` by file basename: rows not ending a sequence whose range holds an address. */
function dwarfdumpLines(path: string): Set<string> {
  const tables = dumpDebugLine(path) ?? committedLines[basename(path)]!;
  const found = new Set<string>();
  for (const t of tables)
    t.rows.forEach((row, i) => {
      const next = t.rows[i + 1];
      if (!row.endSequence && row.line !== 0 && next && BigInt(next.address) > BigInt(row.address)) found.add(`${basename(t.files[row.file]!)}:${row.line}`);
    });
  return found;
}

const builds = [
  { name: 'V0, DWARF 4 inside', elf: 'debuginfo.so', dwarf: 'debuginfo.so' },
  { name: 'V3, DWARF 5 inside', elf: 'debuginfo.v3.so', dwarf: 'debuginfo.v3.so' },
  { name: 'stripped V0 with a DWARF 5 .debug file', elf: 'debuginfo.split.so', dwarf: 'debuginfo.split.debug', debugFile: 'debuginfo.split.debug' },
];

/** Runs programs/debuginfo once per data with coverage and profiling on; the coverage and the profiles' units per line. */
function coverDebuginfo(b: (typeof builds)[number], runs: number[][]) {
  const harness = new InstructionHarness();
  const coverage = new Coverage();
  harness.runtime.config.coverage = coverage;
  harness.runtime.config.profiling = true;
  const program = elf(b.elf);
  if (b.debugFile) registerDebugFile(program, elf(b.debugFile));
  harness.addProgram(PROGRAM, program);
  const unitsByLine = new Map<string, number>();
  for (const data of runs) {
    const profile = harness.process({ programId: PROGRAM, keys: [], data: Uint8Array.from(data) }, []).profile()!;
    for (const l of profile.lines()) unitsByLine.set(`${basename(l.file)}:${l.line}`, (unitsByLine.get(`${basename(l.file)}:${l.line}`) ?? 0) + l.units);
  }
  return { coverage, unitsByLine };
}

describe('withCoverage()', () => {
  it('leaves results, logs and compute units identical to LiteSVM, alone and with profiling', async () => {
    for (const profiling of [false, true]) {
      const d = await Dual.create();
      d.ours.withCoverage().withProfiling(profiling);
      const cases = await toolCases(d);
      for (const ix of cases) {
        const ours = await sendToBoth(d, ix);
        if (profiling) expect(ours.profile()!.total).toBe(Number(ours.computeUnitsConsumed()));
      }
      const summary = d.ours.coverage()!.summary();
      expect(summary.instructions.hit).toBeGreaterThan(0);
      expect(d.ours.coverage()!.report().programs.size).toBe(6);
    }
  });

  it('adds up the runs of SVMs sharing one Coverage; is off by default and with false', async () => {
    const shared = new Coverage();
    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const svm = new SVM().withCoverage(shared);
      expect(svm.coverage()).toBe(shared);
      const d = await Dual.create();
      d.ours = svm;
      const payer = d.payer.address;
      svm.airdrop(payer, 10_000_000_000n);
      const program = await deployBoth(d, elf('debuginfo.so'));
      svm.sendTransaction(await d.transaction([{ programAddress: program, accounts: [], data: bytes(0, 1, 2, 3, 4, 5) }]));
      counts.push(
        parseLcov(shared.lcov())
          .find((r) => r.file.endsWith('math.c'))!
          .functions.get('weigh')!.hits!,
      );
    }
    expect(counts).toEqual([5, 10]);
    expect(new SVM().coverage()).toBeUndefined();
    expect(new SVM().withCoverage().withCoverage(false).coverage()).toBeUndefined();
    expect(() => new SVM().withCoverage('yes' as never)).toThrow(/coverage/);
  });
});

describe.each(builds)('lcov of programs/debuginfo, $name', (b) => {
  const runs = [
    [0, 1, 2, 3, 4, 5],
    [1, 5, 6],
    [2, 0],
    [3, 5, 1],
  ];
  const { coverage, unitsByLine } = coverDebuginfo(b, runs);
  const records = parseLcov(coverage.lcov());

  it('has a DA line for each line llvm-dwarfdump-19 --debug-line gives code', () => {
    const ours = new Set(records.flatMap((r) => [...r.lines.keys()].map((line) => `${basename(r.file)}:${line}`)));
    expect([...ours].sort()).toEqual([...dwarfdumpLines(new URL(bin(b.dwarf)).pathname)].sort());
    expect(records.map((r) => r.file)).toEqual([
      'programs/debuginfo/checks.c',
      'programs/debuginfo/main.c',
      'programs/debuginfo/math.c',
      'programs/include/websvm.h',
    ]);
  });

  it('counts as run the lines the profiler charged units to', () => {
    const hit = records.flatMap((r) => [...r.lines].filter(([, n]) => n > 0).map(([line]) => `${basename(r.file)}:${line}`));
    expect(hit.sort()).toEqual([...unitsByLine.keys()].sort());
    const math = records.find((r) => r.file.endsWith('math.c'))!;
    expect(math.lines.get(22)).toBe(0); // the end of average, after its division faults
  });

  it('names the functions DWARF has, with the times each was entered', () => {
    const functions = Object.fromEntries(records.flatMap((r) => [...r.functions].map(([name, f]) => [name, `${basename(r.file)}:${f.line} ${f.hits}`])));
    expect(functions).toEqual({
      entrypoint: 'websvm.h:102 4',
      checked_sum: 'checks.c:6 1',
      require_sorted: 'checks.c:13 1',
      weigh: 'math.c:4 7', // five times from checked_sum, twice from scatter
      store_at: 'math.c:7 1',
      scatter: 'math.c:10 1',
      average: 'math.c:17 1',
    });
  });
});

describe('branch coverage', () => {
  it.each(builds)('gives each conditional jump of programs/debuginfo ($name) its two ways, on lines that ran as often', (b) => {
    const { coverage } = coverDebuginfo(b, [
      [0, 1, 2, 3, 4, 5],
      [1, 5, 6],
      [3, 5, 1],
    ]);
    const records = parseLcov(coverage.lcov());
    const branches = records.flatMap((r) =>
      [...r.branches].map(([key, count]) => ({ file: basename(r.file), key, count, line: r.lines.get(Number(key.split(',')[0]))! })),
    );
    expect(branches.length).toBeGreaterThan(0);
    for (const { line, key, count } of branches) {
      expect(line, key).toBeDefined(); // a jump's line has code
      expect(count ?? 0).toBeLessThanOrEqual(line);
    }
    // The loops ran both ways: into their bodies and out of them.
    const loops = branches.filter((x) => x.file === 'checks.c' || x.file === 'math.c');
    expect(loops.filter((x) => x.count! > 0).length).toBeGreaterThan(1);
    const summary = coverage.summary().branches;
    expect(summary).toEqual({ found: branches.length, hit: branches.filter((x) => x.count! > 0).length });
  });
});

describe('execute() with coverage', () => {
  const exe = loadElf(programElf('bench_sort'));
  const input = serializeNoAccounts(Uint8Array.from([20]), new Uint8Array(32));
  const syscalls = new SyscallRegistry();

  it('leaves the result and instructions as a plain run on each engine gives them', () => {
    const covered = execute(exe, { input, syscalls, coverage: new Coverage() });
    for (const engine of ['interpreter', 'jit', 'auto'] as const) expect(covered).toEqual(execute(exe, { input, syscalls, engine }));
    expect(() => execute(exe, { input, coverage: {} as Coverage })).toThrow(/coverage must be a Coverage/);
  });

  it("counts each instruction and each conditional jump's ways as the run's trace has them", () => {
    const coverage = new Coverage();
    const pcs: number[] = [];
    execute(exe, { input, syscalls, coverage, coverageProgramId: 'sort', trace: { push: (e) => void pcs.push(Number(e[11])) } });
    // Independently of the coverage code: a conditional jump is a JMP/JMP32-class opcode other than ja, call and exit.
    const view = new DataView(exe.text.buffer, exe.text.byteOffset, exe.text.byteLength);
    const ways = new Map<number, [number, number]>();
    pcs.forEach((pc, i) => {
      const opcode = exe.text[pc * 8]!;
      const offset = view.getInt16(pc * 8 + 2, true);
      if (![5, 6].includes(opcode & 7) || [0, 8, 9].includes(opcode >> 4) || offset === 0) return;
      const w = ways.get(pc) ?? [0, 0];
      w[pcs[i + 1] === pc + 1 + offset ? 0 : 1]++;
      ways.set(pc, w);
    });
    const [file, ...others] = coverage.report().files.values();
    expect(others).toEqual([]);
    expect(file!.path).toMatch(/^websvm-disassembly\/sort-[0-9a-f]{8}\.s$/);
    const listing = file!.listing!.split('\n');
    const slotOf = (line: number) => Number(/ \/\/ (\d+)$/.exec(listing[line - 1]!)![1]);
    const counted = new Map([...file!.branches].map(([line, [jump, ...more]]) => (expect(more).toEqual([]), [slotOf(line), jump!])));
    for (const [pc, w] of ways) expect(counted.get(pc), `jump at ${pc}`).toEqual(w);
    // Jumps the run never reached are there too, with no counts.
    expect(counted.size).toBeGreaterThanOrEqual(ways.size);
    for (const [pc, w] of counted) if (!ways.has(pc)) expect(w).toEqual([0, 0]);
    expect([...file!.lines].reduce((n, [, hits]) => n + hits, 0)).toBe(pcs.length);
  });
});

describe('lcov of a program without DWARF', () => {
  it('covers its disassembly, one line an instruction, its symbols as functions', () => {
    const harness = new InstructionHarness();
    const coverage = new Coverage();
    harness.runtime.config.coverage = coverage;
    harness.runtime.config.profiling = true;
    harness.addProgram(PROGRAM, programElf('calls'));
    const result = harness.process({ programId: PROGRAM, keys: [], data: bytes(0) }, []);
    const dir = mkdtempSync(join(tmpdir(), 'websvm-coverage-'));
    coverage.writeLcov(join(dir, 'out', 'lcov.info'));
    const [record, ...others] = parseLcov(readFileSync(join(dir, 'out', 'lcov.info'), 'utf8'));
    expect(others).toEqual([]);
    expect(record!.file).toMatch(new RegExp(`^${dir}/out/websvm-disassembly/${PROGRAM}-[0-9a-f]{8}\\.s$`));
    const listing = readFileSync(record!.file, 'utf8').split('\n');
    // Each DA line is an instruction's line of the listing (commented with its slot); each slot once.
    const slots = [...record!.lines.keys()].map((line) => Number(/ \/\/ (\d+)$/.exec(listing[line - 1]!)![1]));
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.length).toBe(coverage.summary().instructions.found);
    // Every instruction that ran is one unit of the profile, syscalls and runtime charges aside.
    const profile = result.profile()!;
    const executed = [...record!.lines.values()].reduce((a, b) => a + b, 0);
    const nonInstruction = profile
      .folded()
      .split('\n')
      .filter((l) => /;(sol_\w+|\[runtime charges\]) \d+$/.test(l))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(executed).toBe(profile.total - nonInstruction);
    expect(record!.functions.get('entrypoint')).toMatchObject({ hits: 1 });
    expect(listing[record!.functions.get('entrypoint')!.line - 2]).toBe('entrypoint:');
  });
});

describe('CoverageReport', () => {
  it('adds up reports through JSON, as the vitest helper does with its workers', () => {
    const { coverage } = coverDebuginfo(builds[0]!, [[0, 1, 2, 3, 4, 5]]);
    const once = coverage.report();
    const twice = CoverageReport.fromJSON(JSON.parse(JSON.stringify(once))).merge(CoverageReport.fromJSON(JSON.parse(JSON.stringify(once))));
    const weigh = (r: CoverageReport) =>
      parseLcov(r.lcov())
        .find((x) => x.file.endsWith('math.c'))!
        .functions.get('weigh')!.hits;
    expect(weigh(twice)).toBe(2 * weigh(once)!);
    expect(twice.summary()).toEqual(once.summary());
  });

  it('is accepted by genhtml, where the lcov package is installed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'websvm-genhtml-'));
    const { coverage } = coverDebuginfo(builds[0]!, [[0, 1, 2, 3, 4, 5]]);
    coverage.writeLcov(join(dir, 'lcov.info'));
    let out: string;
    try {
      out = execFileSync('genhtml', ['--branch-coverage', '--output-directory', join(dir, 'html'), join(dir, 'lcov.info')], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // not installed
      throw e;
    }
    expect(out).toMatch(/lines\.+: [\d.]+% \(\d+ of 36 lines\)/);
    expect(out).toMatch(/functions\.+: [\d.]+% \(\d+ of 7 functions\)/);
    expect(out).toMatch(new RegExp(`branches\\.+: [\\d.]+% \\(\\d+ of ${coverage.summary().branches.found} branches\\)`));
  });
});
