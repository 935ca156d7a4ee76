/**
 * `websvm trace prog.so [--data hex|@file] [--compute-units N] [--limit N] [--json]`: runs the
 * program in the interpreter and prints every executed instruction with its disassembly and the
 * registers it changed.
 */
import { disassemble } from '../asm/disassembler.js';
import { execute } from '../vm/execute.js';
import type { TraceEntry } from '../vm/interpreter.js';
import { intArg, painter, parseArgs, toJson, value } from './options.js';
import { programRun } from './program-input.js';

/** pc → its line of disassembly. */
function linesByPc(assembly: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of assembly.split('\n')) {
    const m = /^\s+(.*?)\s+\/\/ (\d+)$/.exec(line);
    if (m) out.set(Number(m[2]), m[1]);
  }
  return out;
}

export function runTrace(args: string[]): void {
  const p = parseArgs(args, ['--data', '--compute-units', '--limit']);
  const run = programRun(p);
  const trace: TraceEntry[] = [];
  const result = execute(run.exe, { input: run.input, syscalls: run.syscalls, trace, computeUnits: intArg(value(p, '--compute-units'), '--compute-units', 1_400_000) });
  const limit = intArg(value(p, '--limit'), '--limit', Number.MAX_SAFE_INTEGER);
  const lines = linesByPc(disassemble(run.exe, { pcComments: true }));
  const steps = trace.slice(0, limit).map((regs, i) => {
    const before = i === 0 ? undefined : trace[i - 1];
    const pc = Number(regs[11]);
    const changed: Record<string, bigint> = {};
    for (let r = 0; r <= 10; r++) if (!before || before[r] !== regs[r]) changed[`r${r}`] = regs[r];
    return { pc, instruction: lines.get(pc) ?? '?', changed };
  });
  const outcome = result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
  if (p.flags.has('--json')) {
    process.stdout.write(`${toJson({ steps, logs: run.logs, instructions: result.instructions, ...outcome })}\n`);
    return;
  }
  const c = painter(process.stdout);
  for (const s of steps) {
    const regs = Object.entries(s.changed).map(([r, v]) => `${r}=0x${v.toString(16)}`);
    process.stdout.write(`${c.dim(String(s.pc).padStart(6))}  ${s.instruction.padEnd(40)} ${c.yellow(regs.join(' '))}\n`);
  }
  for (const line of run.logs) process.stdout.write(`${line}\n`);
  process.stdout.write(result.ok ? `${c.green('exit')} ${result.value} after ${result.instructions} instructions\n` : `${c.red(result.error.kind)}: ${result.error.message} after ${result.instructions} instructions\n`);
}
