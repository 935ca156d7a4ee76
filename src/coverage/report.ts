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
import { INSN_SIZE } from '../isa/constants.js';
import { opcodeRole } from '../isa/validity.js';
import { requireNodeFs } from '../platform.js';
import { type FieldCheck, fileAccess, refused, toArray, toChecked, toEach, toFields, toInstance, toInteger, toOptional, toPath, toText } from '../arguments.js';

/** Coverage of one source file, or of one program's disassembly. */
export interface FileCoverage {
  /** The path DWARF gives, or for a disassembly its path relative to the tracefile's directory. */
  readonly path: string;
  /** Execution count of each line with code. */
  readonly lines: Map<number, number>;
  /** Each function by name: the line it starts on and how many times it was entered. */
  readonly functions: Map<string, { line: number; hits: number }>;
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
   * The report of one program whose slot `pc` ran `hits[pc]` times. A line's count is the most
   * times any of its instructions ran; a function's is how often its first instruction ran.
   */
  static ofProgram(programId: string, exe: Executable, hits: ArrayLike<number>): CoverageReport {
    toText(programId, 'programId', 'a program address');
    toExecutable(exe, 'exe');
    const counts = toFields(hits, 'hits', 'hit counts per instruction slot (an array)');
    if (typeof counts.length !== 'number') throw refused('hits', 'hit counts per instruction slot (an array)', hits);
    const report = new CoverageReport();
    const map = sourceMapOf(exe);
    const slots = instructionSlots(exe);
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
        const lines = report.file(at.file).lines;
        lines.set(at.line, Math.max(lines.get(at.line) ?? 0, hits[pc]!));
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
      if (line !== undefined) file.lines.set(line, hits[pc]!);
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
    const s: CoverageSummary = { lines: { found: 0, hit: 0 }, functions: { found: 0, hit: 0 }, instructions: { found: 0, hit: 0 } };
    for (const f of this.files.values()) {
      const { lines, functions } = fileSummary(f);
      s.lines.found += lines.found;
      s.lines.hit += lines.hit;
      s.functions.found += functions.found;
      s.functions.hit += functions.hit;
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
      files: [...this.files.values()].map((f) => ({ path: f.path, lines: [...f.lines], functions: [...f.functions], listing: f.listing })),
      programs: [...this.programs.values()].map((p) => ({ ...p, executed: [...p.executed] })),
    };
  }

  /** A report from what {@link toJSON} gave. */
  static fromJSON(json: CoverageReportJson): CoverageReport {
    json = toReportJson(json);
    const report = new CoverageReport();
    for (const f of json.files) report.files.set(f.path, { path: f.path, lines: new Map(f.lines), functions: new Map(f.functions), listing: f.listing });
    for (const p of json.programs) report.programs.set(p.contentHash, { ...p, executed: new Set(p.executed) });
    return report;
  }

  /** The file record of `path`, made on first use. */
  private file(path: string): FileCoverage {
    let f = this.files.get(path);
    if (!f) this.files.set(path, (f = { path, lines: new Map(), functions: new Map() }));
    return f;
  }
}

/** Lines and functions of one file, found and hit. */
export function fileSummary(f: FileCoverage): Omit<CoverageSummary, 'instructions'> {
  const { lines, functions } = toFields(f, 'f', 'a FileCoverage { path, lines, functions }');
  if (!(lines instanceof Map && functions instanceof Map)) throw refused('f', 'a FileCoverage { path, lines, functions }', f);
  const hit = (counts: Iterable<number>) => [...counts].filter((n) => n > 0).length;
  return {
    lines: { found: f.lines.size, hit: hit(f.lines.values()) },
    functions: { found: f.functions.size, hit: hit([...f.functions.values()].map((fn) => fn.hits)) },
  };
}

/** {@link CoverageReport} as JSON. */
export interface CoverageReportJson {
  files: { path: string; lines: [number, number][]; functions: [string, { line: number; hits: number }][]; listing?: string }[];
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
        toChecked(f, at, 'a file coverage { path, lines, functions, listing? }', at, {
          path: toText,
          lines: (v, n) => toEach(v, n, 'an array of [line, hits]', toPair(toCount, toCount, 'a [line, hits] pair')),
          functions: (v, n) =>
            toEach(
              v,
              n,
              'an array of [name, { line, hits }]',
              toPair(toText, (fn, m) => toChecked(fn, m, 'a function { line, hits }', m, { line: toCount, hits: toCount }), 'a [name, { line, hits }] pair'),
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

/** The slots that start an instruction (all but the second halves of lddw). */
function instructionSlots(exe: Executable): number[] {
  const n = Math.floor(exe.text.length / INSN_SIZE);
  const slots: number[] = [];
  for (let pc = 0; pc < n; pc++) {
    slots.push(pc);
    if (opcodeRole(exe.sbpfVersion, exe.text[pc * INSN_SIZE]!) === 'lddw') pc++;
  }
  return slots;
}
