/**
 * `websvm debug [prog.so] [run's options]`: a Debug Adapter Protocol server on stdin and stdout
 * that debugs `run`'s instruction on the interpreter. Without `prog.so` the launch request names
 * it: `program`, `data`, `accounts`, `programId`, `computeUnits`, `debugFile` and `bpfPrograms`
 * (`[{ address, program }]`, the programs a CPI invokes), as the options.
 */
import { instructionDebuggee } from '../debugger/debuggee.js';
import type { LaunchArguments } from '../debugger/session.js';
import { parseCommandArgs, type Command } from './command.js';
import { UsageError } from './errors.js';
import { INSTRUCTION_OPTIONS, prepareInstruction, type PreparedInstruction } from './instruction.js';
import type { Parsed } from './options.js';

/** The command line a launch request's arguments stand for. */
function launchCommandLine(args: LaunchArguments): string[] {
  const text = (name: string): string | undefined => {
    const v = args[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`launch argument ${name} must be a string`);
    return String(v);
  };
  const accounts = args.accounts ?? [];
  if (!Array.isArray(accounts) || !accounts.every((a) => typeof a === 'string')) throw new UsageError('launch argument accounts must be a list of strings');
  const bpfPrograms = args.bpfPrograms ?? [];
  const isProgram = (b: unknown): b is { address: string; program: string } =>
    typeof b === 'object' && b !== null && typeof (b as { address?: unknown }).address === 'string' && typeof (b as { program?: unknown }).program === 'string';
  if (!Array.isArray(bpfPrograms) || !bpfPrograms.every(isProgram)) throw new UsageError('launch argument bpfPrograms must be a list of { address, program }');
  const program = text('program');
  if (program === undefined) throw new UsageError('the launch request needs a program (or give prog.so to websvm debug)');
  const options: [string, string | undefined][] = [
    ['--data', text('data')],
    ['--program-id', text('programId')],
    ['--compute-units', text('computeUnits')],
    ['--debug-file', text('debugFile')],
  ];
  return [
    program,
    ...options.flatMap(([name, v]) => (v === undefined ? [] : [name, v])),
    ...accounts.flatMap((a) => ['--account', a]),
    ...bpfPrograms.flatMap((b) => ['--bpf-program', b.address, b.program]),
  ];
}

/** The instruction to debug: the command line's, else the launch request's. */
function debuggeeOf(p: Parsed, args: LaunchArguments) {
  const ix: PreparedInstruction = prepareInstruction(p.positional.length > 0 ? p : parseCommandArgs(debug, launchCommandLine(args)));
  return instructionDebuggee(
    ix.harness,
    { programId: ix.programId, keys: ix.accounts.map((s) => ({ pubkey: s.address, isSigner: s.isSigner, isWritable: s.isWritable })), data: ix.data },
    ix.accounts.map((s) => [s.address, s.account]),
  );
}

export const debug: Command = {
  operands: '[prog.so]',
  summary: "debug run's instruction: a Debug Adapter Protocol server on stdin/stdout (breakpoints, steps, registers, memory)",
  options: INSTRUCTION_OPTIONS.filter((o) => o.name !== '--save-accounts'),
  json: 'nothing: stdout carries the protocol',
  serves: true,
  run(p) {
    if (p.positional.length > 0) prepareInstruction(p); // refuse a bad command line before the client connects
    // Loaded here, so that other commands do not load the protocol library.
    void import('../debugger/session.js').then(({ WebsvmDebugSession }) => {
      const session = new WebsvmDebugSession({ launch: (args) => debuggeeOf(p, args), onEnd: () => process.exit(0) });
      session.start(process.stdin, process.stdout);
    });
  },
};
