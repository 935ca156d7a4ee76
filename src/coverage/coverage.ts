/**
 * Coverage collection: how many times each instruction of each sBPF program ran, over as many
 * transactions (and SVMs) as share a {@link Coverage}. Programs record through the interpreter's
 * per-instruction trace, the hook the profiler uses too; {@link Coverage.report} maps the counts to
 * source lines and functions.
 */
import { toText } from '../arguments.js';
import { toExecutable, type Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';
import type { TraceSink } from '../vm/interpreter.js';
import { conditionalJumpTargets } from './jumps.js';
import { CoverageReport, type CoverageSummary, type LcovOptions } from './report.js';

/**
 * One program's counts: `hits[pc]` runs of slot `pc`; for a conditional jump at `pc`,
 * `branches[2 * pc]` times it jumped and `branches[2 * pc + 1]` times it fell through.
 */
interface ProgramHits {
  programId: string;
  exe: Executable;
  hits: Float64Array;
  branches: Float64Array;
}

export class Coverage {
  /** By content hash: a program deployed twice, or loaded by two SVMs, adds up in one place. */
  private readonly programs = new Map<string, ProgramHits>();

  /** The trace sink for one run of `exe` (the program `programId`). */
  recorder(programId: string, exe: Executable): TraceSink {
    toText(programId, 'programId', 'a program address');
    toExecutable(exe, 'exe');
    let p = this.programs.get(exe.contentHash);
    if (!p) {
      const slots = Math.ceil(exe.text.length / INSN_SIZE);
      this.programs.set(exe.contentHash, (p = { programId, exe, hits: new Float64Array(slots), branches: new Float64Array(2 * slots) }));
    }
    const { hits, branches } = p;
    const targets = conditionalJumpTargets(exe);
    /** The slot traced last, when it is a conditional jump: the next entry tells which way it went. */
    let jump = -1;
    return {
      push(entry) {
        const pc = Number(entry[11]); // the interpreter stops a traced run before it leaves the program
        hits[pc]++;
        if (jump >= 0) branches[2 * jump + (pc === targets.get(jump) ? 0 : 1)]++;
        jump = targets.has(pc) ? pc : -1;
      },
    };
  }

  /** Lines, functions and instructions covered so far, by file and program. */
  report(): CoverageReport {
    const report = new CoverageReport();
    for (const p of this.programs.values()) report.merge(CoverageReport.ofProgram(p.programId, p.exe, p.hits, p.branches));
    return report;
  }

  /** Found and hit counts so far. */
  summary(): CoverageSummary {
    return this.report().summary();
  }

  /** What was covered so far as an lcov tracefile (see {@link CoverageReport.lcov}). */
  lcov(options?: LcovOptions): string {
    return this.report().lcov(options);
  }

  /**
   * Writes an lcov tracefile of what was covered so far to `path` (Node.js only), with the
   * disassembly of programs without line information beside it (see {@link CoverageReport.writeLcov}).
   */
  writeLcov(path: string, options?: Omit<LcovOptions, 'directory'>): void {
    this.report().writeLcov(path, options);
  }

  /** Forgets every count. */
  clear(): void {
    this.programs.clear();
  }
}

let everySvm: Coverage | undefined;

/**
 * Makes every SVM (and instruction harness) created from now on record into `coverage` (or
 * none, with `undefined`), as if each were given it by `withCoverage`: the vitest helper's way to
 * cover a whole test run without changing the tests.
 */
export function setDefaultCoverage(coverage: Coverage | undefined): void {
  everySvm = coverage;
}

/** The coverage new SVMs record into (see {@link setDefaultCoverage}). */
export function defaultCoverage(): Coverage | undefined {
  return everySvm;
}
