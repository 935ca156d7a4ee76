/**
 * What coverage found, as plain data that adds up: per source file the lines with code and how
 * often each ran, and the functions and how often each was entered; per program how many of its
 * instructions ran. Reports of many runs (one per test worker) merge into one, and are written as
 * lcov tracefiles (`.info`, read by genhtml, Codecov and VS Code's Coverage Gutters).
 *
 * A program with DWARF line information is reported against its source files. One without gets
 * a pseudo-source: its disassembly (one instruction a line, each commented with its slot),
 * written beside the tracefile under `websvm-disassembly/`, with a "line" per instruction and
 * its function symbols as functions.
 */
import { sourceMapOf } from '../debug/program-sources.js';
import { disassembleCode } from '../asm/disassembler.js';
import { toExecutable, type Executable } from '../executable.js';
import { requireNodeFs } from '../platform.js';
import { type FieldCheck, fileAccess, refused, toArray, toChecked, toEach, toFields, toInstance, toInteger, toOptional, toPath, toText } from '../arguments.js';
import { conditionalJumpTargets, instructionSlots } from './jumps.js';

/** Coverage of one source file, or of one program's disassembly. */
export interface FileCoverage {
  /** The path DWARF gives, or for a disassembly its path relative to the tracefile's directory. */
  readonly path: string;
  /** Execution count of each line with code. */
  readonly lines: Map<number, number>;
  /** Each function by name: the line it starts on and how many times it was entered. */
  readonly functions: Map<string, { line: number; hits: number }>;
  /**
   * Branches by line: per conditional jump of the line (in slot order), the times it jumped and
   * the times it fell through.
   */
  readonly branches: Map<number, [taken: number, notTaken: number][]>;
  /** The text of a pseudo-source (a disassembly), which {@link CoverageReport.writeLcov} writes out. */
  listing?: string;
}

/** Instruction coverage of one program (by the content hash of its ELF). */
export interface ProgramCoverage {
  readonly programId: string;
  readonly contentHash: string;
  /** Instructions it has (an lddw counts once). */
  readonly instructions: number;
  /** Slots of the instructions that ran. */
  readonly executed: Set<number>;
}

/** Found and hit counts of lines, functions and instructions. */
export interface CoverageSummary {
  lines: { found: number; hit: number };
  functions: { found: number; hit: number };
  /** Each way of each conditional jump is a branch. */
  branches: { found: number; hit: number };
  instructions: { found: number; hit: number };
}

/** Options of {@link CoverageReport.lcov}. */
export interface LcovOptions {
  /** The `TN:` test name (letters, digits and underscores; default `websvm`). */
  testName?: string;
  /** Directory the disassembly paths are relative to (default: none, they stay relative). */
  directory?: string;
}

/** The directory a disassembly listing goes to, relative to the tracefile. */
export const DISASSEMBLY_DIRECTORY = 'websvm-disassembly';

const joinPath = (directory: string | undefined, path: string) => (directory ? `${directory.replace(/\/+$/, '')}/${path}` : path);

export class CoverageReport {
  /** Files by path. */
  readonly files = new Map<string, FileCoverage>();
  /** Programs by content hash. */
  readonly programs = new Map<string, ProgramCoverage>();

  /**
   * The report of one program whose slot `pc` ran `hits[pc]` times, and whose conditional jump at
   * `pc` jumped `branches[2 * pc]` times and fell through `branches[2 * pc + 1]` times. A line's
   * count is the most times any of its instructions ran; a function's is how often its first
   * instruction ran.
   */
  static ofProgram(programId: string, exe: Executable, hits: ArrayLike<number>, branches: ArrayLike<number> = []): CoverageReport {
    toText(programId, 'programId', 'a program address');
    toExecutable(exe, 'exe');
    for (const [counts, name, what] of [
      [hits, 'hits', 'hit counts per instruction slot (an array)'],
      [branches, 'branches', 'jumped / fell-through counts per instruction slot (an array)'],
    ] as const) {
      if (typeof toFields(counts, name, what).length !== 'number') throw refused(name, what, counts);
    }
    const report = new CoverageReport();
    const map = sourceMapOf(exe);
    const slots = instructionSlots(exe);
    const jumps = conditionalJumpTargets(exe);
    report.programs.set(exe.contentHash, {
      programId,
      contentHash: exe.contentHash,
      instructions: slots.length,
      executed: new Set(slots.filter((pc) => hits[pc]! > 0)),
    });
    if (map.hasLines) {
      for (const pc of slots) {
        const at = map.lineAt(pc);
        if (!at) continue;
        const file = report.file(at.file);
        file.lines.set(at.line, Math.max(file.lines.get(at.line) ?? 0, hits[pc]!));
        if (jumps.has(pc)) addBranch(file, at.line, branches, pc);
      }
      for (const f of map.functions()) {
        let at: { file: string; line: number } | undefined;
        for (let pc = f.pc; !at && pc < f.end; pc++) at = map.lineAt(pc);
        if (at) report.file(at.file).functions.set(f.name, { line: at.line, hits: hits[f.pc] ?? 0 });
      }
      return report;
    }
    const { lines: code, lineOfPc } = disassembleCode(exe, { pcComments: true });
    const header = [`// ${programId}: disassembly for coverage (the program has no DWARF line information)`];
    const file = report.file(`${DISASSEMBLY_DIRECTORY}/${programId}-${exe.contentHash.slice(0, 8)}.s`);
    file.listing = `${[...header, ...code].join('\n')}\n`;
    const lineOf = (pc: number) => {
      const index = lineOfPc.get(pc);
      return index === undefined ? undefined : header.length + index + 1;
    };
    for (const pc of slots) {
      const line = lineOf(pc);
      if (line === undefined) continue;
      file.lines.set(line, hits[pc]!);
      if (jumps.has(pc)) addBranch(file, line, branches, pc);
    }
    for (const f of map.functions()) {
      const line = lineOf(f.pc);
      if (line !== undefined) file.functions.set(f.name, { line, hits: hits[f.pc] ?? 0 });
    }
    return report;
  }

  /** Adds `other`'s counts to this report's. */
  merge(other: CoverageReport): this {
    toInstance(other, 'other', CoverageReport, 'a CoverageReport');
    for (const theirs of other.files.values()) {
      const ours = this.file(theirs.path);
      for (const [line, hits] of theirs.lines) ours.lines.set(line, (ours.lines.get(line) ?? 0) + hits);
      for (const [line, jumps] of theirs.branches) {
        const mine = ours.branches.get(line) ?? [];
        const sum = (i: number, way: 0 | 1) => (mine[i]?.[way] ?? 0) + (jumps[i]?.[way] ?? 0);
        ours.branches.set(
          line,
          Array.from({ length: Math.max(mine.length, jumps.length) }, (_, i): [number, number] => [sum(i, 0), sum(i, 1)]),
        );
      }
      for (const [name, f] of theirs.functions) {
        const mine = ours.functions.get(name);
        ours.functions.set(name, { line: mine?.line ?? f.line, hits: (mine?.hits ?? 0) + f.hits });
      }
      ours.listing ??= theirs.listing;
    }
    for (const p of other.programs.values()) {
      const mine = this.programs.get(p.contentHash);
      if (mine) for (const pc of p.executed) mine.executed.add(pc);
      else this.programs.set(p.contentHash, { ...p, executed: new Set(p.executed) });
    }
    return this;
  }

  /** Lines, functions and instructions found and hit, over all files and programs. */
  summary(): CoverageSummary {
    const s: CoverageSummary = {
      lines: { found: 0, hit: 0 },
      functions: { found: 0, hit: 0 },
      branches: { found: 0, hit: 0 },
      instructions: { found: 0, hit: 0 },
    };
    for (const f of this.files.values()) {
      const counts = fileSummary(f);
      for (const kind of ['lines', 'functions', 'branches'] as const) {
        s[kind].found += counts[kind].found;
        s[kind].hit += counts[kind].hit;
      }
    }
    for (const p of this.programs.values()) {
      s.instructions.found += p.instructions;
      s.instructions.hit += p.executed.size;
    }
    return s;
  }

  /** The report as an lcov tracefile: a record per file, in path order. */
  lcov(options: LcovOptions = {}): string {
    const out: string[] = [];
    for (const f of [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      out.push(`TN:${options.testName ?? 'websvm'}`, `SF:${f.listing === undefined ? f.path : joinPath(options.directory, f.path)}`);
      const functions = [...f.functions].sort(([a, x], [b, y]) => x.line - y.line || (a < b ? -1 : a > b ? 1 : 0));
      for (const [name, fn] of functions) out.push(`FN:${fn.line},${name}`);
      for (const [name, fn] of functions) out.push(`FNDA:${fn.hits},${name}`);
      out.push(`FNF:${functions.length}`, `FNH:${functions.filter(([, fn]) => fn.hits > 0).length}`);
      // Branch 0 of a jump is its jump, 1 its fall-through; `-` marks a jump that never ran.
      const branches = [...f.branches].sort(([a], [b]) => a - b);
      for (const [line, jumps] of branches)
        jumps.forEach(([taken, notTaken], block) => {
          const ran = taken + notTaken > 0;
          out.push(`BRDA:${line},${block},0,${ran ? taken : '-'}`, `BRDA:${line},${block},1,${ran ? notTaken : '-'}`);
        });
      const { branches: counted } = fileSummary(f);
      if (counted.found > 0) out.push(`BRF:${counted.found}`, `BRH:${counted.hit}`);
      const lines = [...f.lines].sort(([a], [b]) => a - b);
      for (const [line, hits] of lines) out.push(`DA:${line},${hits}`);
      out.push(`LF:${lines.length}`, `LH:${lines.filter(([, hits]) => hits > 0).length}`, 'end_of_record');
    }
    return out.length ? `${out.join('\n')}\n` : '';
  }

  /**
   * Writes the lcov tracefile to `path` (Node.js only), and the disassembly of each program
   * without line information beside it, under `websvm-disassembly/`.
   */
  writeLcov(path: string, options: Omit<LcovOptions, 'directory'> = {}): void {
    path = toPath(path, 'path');
    const fs = requireNodeFs('writeLcov');
    const slash = path.lastIndexOf('/');
    const directory = slash >= 0 ? path.slice(0, slash) || '/' : undefined;
    const text = this.lcov({ ...options, directory });
    fileAccess('write', path, () => {
      if (directory) fs.mkdirSync(directory, { recursive: true });
      for (const f of this.files.values()) {
        if (f.listing === undefined) continue;
        const listingPath = joinPath(directory, f.path);
        fs.mkdirSync(listingPath.slice(0, listingPath.lastIndexOf('/')), { recursive: true });
        fs.writeFileSync(listingPath, f.listing);
      }
      fs.writeFileSync(path, text);
    });
  }

  /** The report as JSON-ready data (see {@link CoverageReport.fromJSON}). */
  toJSON(): CoverageReportJson {
    return {
      files: [...this.files.values()].map((f) => ({
        path: f.path,
        lines: [...f.lines],
        functions: [...f.functions],
        branches: [...f.branches],
        listing: f.listing,
      })),
      programs: [...this.programs.values()].map((p) => ({ ...p, executed: [...p.executed] })),
    };
  }

  /** A report from what {@link toJSON} gave. */
  static fromJSON(json: CoverageReportJson): CoverageReport {
    json = toReportJson(json);
    const report = new CoverageReport();
    for (const f of json.files) {
      report.files.set(f.path, { path: f.path, lines: new Map(f.lines), functions: new Map(f.functions), branches: new Map(f.branches), listing: f.listing });
    }
    for (const p of json.programs) report.programs.set(p.contentHash, { ...p, executed: new Set(p.executed) });
    return report;
  }

  /** The file record of `path`, made on first use. */
  private file(path: string): FileCoverage {
    let f = this.files.get(path);
    if (!f) this.files.set(path, (f = { path, lines: new Map(), functions: new Map(), branches: new Map() }));
    return f;
  }
}

/** Lines, functions and branches of one file, found and hit. */
export function fileSummary(f: FileCoverage): Omit<CoverageSummary, 'instructions'> {
  const what = 'a FileCoverage { path, lines, functions, branches }';
  const { lines, functions, branches } = toFields(f, 'f', what);
  if (!(lines instanceof Map && functions instanceof Map && branches instanceof Map)) throw refused('f', what, f);
  const hit = (counts: Iterable<number>) => [...counts].filter((n) => n > 0).length;
  const ways = [...f.branches.values()].flat(2);
  return {
    lines: { found: f.lines.size, hit: hit(f.lines.values()) },
    functions: { found: f.functions.size, hit: hit([...f.functions.values()].map((fn) => fn.hits)) },
    branches: { found: ways.length, hit: hit(ways) },
  };
}

/** Adds the conditional jump at `pc` to the branches of `line`, with its counts in `branches` (none yet where they stop short). */
function addBranch(file: FileCoverage, line: number, branches: ArrayLike<number>, pc: number): void {
  const jumps = file.branches.get(line) ?? [];
  jumps.push([branches[2 * pc] ?? 0, branches[2 * pc + 1] ?? 0]);
  file.branches.set(line, jumps);
}

/** {@link CoverageReport} as JSON. */
export interface CoverageReportJson {
  files: {
    path: string;
    lines: [number, number][];
    functions: [string, { line: number; hits: number }][];
    branches: [number, [number, number][]][];
    listing?: string;
  }[];
  programs: { programId: string; contentHash: string; instructions: number; executed: number[] }[];
}

/** A count or line number. */
const toCount: FieldCheck<number> = (value, name) => toInteger(value, name, 0, Number.MAX_SAFE_INTEGER, 'a count');

/** `[key, value]`, each checked. */
const toPair =
  <K, V>(key: FieldCheck<K>, value: FieldCheck<V>, what: string): FieldCheck<[K, V]> =>
  (pair, name) => {
    const entries = toArray(pair, name, what);
    if (entries.length !== 2) throw refused(name, what, pair);
    return [key(entries[0], `${name}[0]`), value(entries[1], `${name}[1]`)];
  };

/** `value` as a {@link CoverageReportJson} (what `toJSON` wrote), each field checked. */
function toReportJson(value: unknown): CoverageReportJson {
  return toChecked<CoverageReportJson>(value, 'json', 'a coverage report as toJSON() writes it', 'json', {
    files: (files, name) =>
      toEach(files, name, 'an array of file coverages', (f, at) =>
        toChecked(f, at, 'a file coverage { path, lines, functions, branches, listing? }', at, {
          path: toText,
          lines: (v, n) => toEach(v, n, 'an array of [line, hits]', toPair(toCount, toCount, 'a [line, hits] pair')),
          functions: (v, n) =>
            toEach(
              v,
              n,
              'an array of [name, { line, hits }]',
              toPair(toText, (fn, m) => toChecked(fn, m, 'a function { line, hits }', m, { line: toCount, hits: toCount }), 'a [name, { line, hits }] pair'),
            ),
          branches: (v, n) =>
            toEach(
              v,
              n,
              'an array of [line, [jumped, fell through][]]',
              toPair(
                toCount,
                (ways, m) => toEach(ways, m, 'an array of [jumped, fell through]', toPair(toCount, toCount, 'a [jumped, fell through] pair')),
                'a [line, ways] pair',
              ),
            ),
          listing: (v, n) => toOptional(v, n, toText),
        }),
      ),
    programs: (programs, name) =>
      toEach(programs, name, 'an array of program coverages', (p, at) =>
        toChecked(p, at, 'a program coverage { programId, contentHash, instructions, executed }', at, {
          programId: toText,
          contentHash: toText,
          instructions: toCount,
          executed: (v, n) => toEach(v, n, 'an array of slot indexes', toCount),
        }),
      ),
  });
}
