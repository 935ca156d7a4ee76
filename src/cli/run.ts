/**
 * `websvm run prog.so [--data …] [--account …]… [--program-id …] [--bpf-program ADDRESS FILE]… [--compute-units N]
 * [--engine auto|jit|interpreter] [--save-accounts dir] [--html FILE [--idl idl.json]] [--json]`:
 * runs one instruction of the program on account fixtures (see ./instruction.ts) and prints what
 * it did; `--html` also writes the transaction inspector's page of the run.
 */
import { AnchorProgram, type AnchorIdl } from '../api/anchor.js';
import type { Engine } from '../vm/execute.js';
import type { Command } from './command.js';
import { UsageError } from './errors.js';
import { readText, writeOutput } from './files.js';
import { INSTRUCTION_JSON_FIELDS, INSTRUCTION_OPTIONS, outcomeExitCode, outcomeJson, prepareInstruction, printOutcome, runInstruction } from './instruction.js';
import { choiceArg, printJson, value } from './options.js';

const ENGINES: readonly Engine[] = ['auto', 'jit', 'interpreter'];

/** The program's Anchor IDL from `path`, for the program deployed at `programId`. */
function readIdl(path: string, programId: string): AnchorProgram {
  let idl: AnchorIdl;
  try {
    idl = JSON.parse(readText(path)) as AnchorIdl;
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`--idl ${path} is not JSON: ${e.message}`);
    throw e;
  }
  if (typeof idl !== 'object' || idl === null || !Array.isArray(idl.instructions)) throw new UsageError(`--idl ${path} is not an Anchor IDL (no instructions)`);
  return new AnchorProgram(idl, programId);
}

export const run: Command = {
  operands: 'prog.so',
  summary: 'run one instruction on account fixtures: logs, compute units, return data, changed accounts',
  options: [
    ...INSTRUCTION_OPTIONS,
    { name: '--engine', value: ENGINES.join('|'), help: 'execution engine (default auto)' },
    {
      name: '--html',
      value: 'file',
      help: 'write the transaction inspector page there: instruction and CPI tree, units, logs, account changes, return data, flamegraph (profiles the run)',
    },
    { name: '--idl', value: 'idl.json', help: "the program's Anchor IDL: names its errors, decodes its instructions and accounts on the --html page" },
  ],
  json: `{ ${INSTRUCTION_JSON_FIELDS} }`,
  run(p) {
    const engine = choiceArg(value(p, '--engine'), '--engine', ENGINES, 'auto');
    const html = value(p, '--html');
    const idlPath = value(p, '--idl');
    const ix = prepareInstruction(p);
    ix.harness.runtime.config.engine = engine;
    if (idlPath !== undefined) ix.harness.useIdl(readIdl(idlPath, ix.programId));
    // The page's flamegraph needs a profile; profiling leaves results and units as they are.
    if (html !== undefined) ix.harness.runtime.config.profiling = true;
    const outcome = runInstruction(ix);
    if (html !== undefined) writeOutput(html, outcome.result.report());
    if (p.flags.has('--json')) printJson(outcomeJson(outcome));
    else printOutcome(outcome);
    return outcomeExitCode(outcome);
  },
};
