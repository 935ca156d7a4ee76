/** `websvm verify prog.so [--json]`: the deployment checks of the loader and the verifier. */
import { readFileSync } from 'node:fs';
import { WebsvmError } from '../errors.js';
import { loadProgram } from '../runtime/program-loader.js';
import { Runtime } from '../runtime/runtime.js';
import { painter, parseArgs, toJson } from './options.js';

export function runVerify(args: string[]): void {
  const p = parseArgs(args, []);
  const [input] = p.positional;
  if (!input || p.positional.length > 1) throw new Error('expected one ELF file');
  const syscalls = [...new Runtime().syscalls.entries()].map((e) => e.name);
  const color = painter(process.stdout);
  try {
    const exe = loadProgram(new Uint8Array(readFileSync(input)), { syscalls });
    const summary = { ok: true, sbpfVersion: exe.sbpfVersion, instructions: exe.text.length / 8, functions: exe.functions.size, syscalls: [...exe.syscallNames.values()].sort() };
    if (p.flags.has('--json')) process.stdout.write(`${toJson(summary)}\n`);
    else process.stdout.write(`${color.green('ok')}: sBPF v${summary.sbpfVersion}, ${summary.instructions} instructions, ${summary.functions} functions, syscalls: ${summary.syscalls.join(' ') || '(none)'}\n`);
  } catch (e) {
    if (!(e instanceof WebsvmError)) throw e;
    if (p.flags.has('--json')) process.stdout.write(`${toJson({ ok: false, error: { kind: e.kind, message: e.message } })}\n`);
    throw new Error(`${e.kind}: ${e.message}`);
  }
}
