/**
 * `websvm trace prog.so [run's options] [--limit N] [--json]`: runs one instruction like `run`, the
 * program in the interpreter, and prints every instruction it executed with its disassembly and
 * the registers as that instruction left them (those it changed).
 */
import { disassemble } from '../asm/disassembler.js';
import { loadElf } from '../elf/loader.js';
import type { ExecutionTracer } from '../runtime/invoke-context.js';
import type { TraceEntry } from '../vm/interpreter.js';
import type { Command } from './command.js';
import { INSTRUCTION_JSON_FIELDS, INSTRUCTION_OPTIONS, outcomeExitCode, outcomeJson, prepareInstruction, printOutcome, runInstruction } from './instruction.js';
import { intArg, painter, printJson, value } from './options.js';

/** pc → its line of disassembly. */
function linesByPc(assembly: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of assembly.split('\n')) {
    const [, text, pc] = /^\s+(.*?)\s+\/\/ (\d+)$/.exec(line) ?? [];
    if (text !== undefined && pc !== undefined) out.set(Number(pc), text);
  }
  return out;
}

/** Registers by name (`r0`…`r10`) with hex values: those that differ from `before` (the non-zero ones without it). */
function registerChanges(registers: readonly bigint[], before?: readonly bigint[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [r, value] of registers.slice(0, 11).entries()) if (value !== (before ? before[r] : 0n)) out[`r${r}`] = `0x${value.toString(16)}`;
  return out;
}

/** One executed instruction and the registers it changed, with their new values. */
interface Step {
  pc: number;
  instruction: string;
  changed: Record<string, string>;
}

/**
 * Turns the interpreter's trace (the registers *before* each instruction) into steps with the
 * registers *after* each one: an entry completes the step before it, the final registers the
 * last. Keeps the first `limit` steps only, so memory stays bounded however long the run.
 */
class StepRecorder implements ExecutionTracer {
  readonly steps: Step[] = [];
  /** Whether the program executed more instructions than the steps hold. */
  truncated = false;
  /** The registers at the program's entry. */
  atEntry: TraceEntry | undefined;
  /** Registers before the instruction being executed, while steps are still recorded. */
  private pending: TraceEntry | undefined;
  readonly trace = { push: (entry: TraceEntry): boolean => this.next(entry) };

  constructor(
    private readonly limit: number,
    private readonly lines: Map<number, string>,
  ) {}

  exit(registers: readonly bigint[]): void {
    if (this.pending) this.complete(registers);
    this.pending = undefined;
  }

  /** Takes the next entry; false once the steps are complete (the interpreter then stops tracing). */
  private next(entry: TraceEntry): boolean {
    this.atEntry ??= entry;
    if (this.pending) this.complete(entry);
    this.pending = this.steps.length < this.limit ? entry : undefined;
    this.truncated = this.pending === undefined;
    return !this.truncated;
  }

  private complete(after: readonly bigint[]): void {
    const before = this.pending!;
    const pc = Number(before[11]);
    this.steps.push({ pc, instruction: this.lines.get(pc) ?? '?', changed: registerChanges(after, before) });
  }
}

const formatRegisters = (regs: Record<string, string>) =>
  Object.entries(regs)
    .map(([r, v]) => `${r}=${v}`)
    .join(' ');

export const trace: Command = {
  operands: 'prog.so',
  summary: "run's instruction in the interpreter, printing every executed instruction and the registers it set",
  options: [...INSTRUCTION_OPTIONS, { name: '--limit', value: 'N', help: 'show the first N instructions only (the program still runs to its end)' }],
  json: `{ ${INSTRUCTION_JSON_FIELDS}, registersAtEntry, steps: [{ pc, instruction, changed }], truncated }`,
  run(p) {
    const limit = intArg(value(p, '--limit'), '--limit', Number.MAX_SAFE_INTEGER);
    const ix = prepareInstruction(p);
    const recorder = new StepRecorder(limit, linesByPc(disassemble(loadElf(ix.elf), { pcComments: true })));
    ix.harness.runtime.config.tracer = recorder;
    const outcome = runInstruction(ix);
    const registersAtEntry = recorder.atEntry ? registerChanges(recorder.atEntry) : {};
    const { steps, truncated } = recorder;
    if (p.flags.has('--json')) {
      printJson({ ...outcomeJson(outcome), registersAtEntry, steps, truncated });
    } else {
      const c = painter(process.stdout);
      if (recorder.atEntry) process.stdout.write(`${c.dim('entry'.padStart(6))}  ${''.padEnd(40)} ${c.yellow(formatRegisters(registersAtEntry))}\n`);
      for (const s of steps) process.stdout.write(`${c.dim(String(s.pc).padStart(6))}  ${s.instruction.padEnd(40)} ${c.yellow(formatRegisters(s.changed))}\n`);
      process.stdout.write(c.dim(truncated ? `… the first ${steps.length} instructions only (--limit ${limit})\n` : `${steps.length} instructions\n`));
      printOutcome(outcome);
    }
    return outcomeExitCode(outcome);
  },
};
