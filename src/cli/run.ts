/**
 * `websvm run prog.so [--data …] [--account …]… [--program-id …] [--compute-units N]
 * [--engine auto|jit|interpreter] [--save-accounts dir] [--json]`: runs one instruction of the
 * program on account fixtures (see ./instruction.ts) and prints what it did.
 */
import type { Engine } from '../vm/execute.js';
import type { Command } from './command.js';
import { INSTRUCTION_JSON_FIELDS, INSTRUCTION_OPTIONS, outcomeExitCode, outcomeJson, prepareInstruction, printOutcome, runInstruction } from './instruction.js';
import { choiceArg, printJson, value } from './options.js';

const ENGINES: readonly Engine[] = ['auto', 'jit', 'interpreter'];

export const run: Command = {
  operands: 'prog.so',
  summary: 'run one instruction on account fixtures: logs, compute units, return data, changed accounts',
  options: [...INSTRUCTION_OPTIONS, { name: '--engine', value: ENGINES.join('|'), help: 'execution engine (default auto)' }],
  json: `{ ${INSTRUCTION_JSON_FIELDS} }`,
  run(p) {
    const engine = choiceArg(value(p, '--engine'), '--engine', ENGINES, 'auto');
    const ix = prepareInstruction(p);
    ix.harness.runtime.config.engine = engine;
    const outcome = runInstruction(ix);
    if (p.flags.has('--json')) printJson(outcomeJson(outcome));
    else printOutcome(outcome);
    return outcomeExitCode(outcome);
  },
};
