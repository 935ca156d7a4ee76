/**
 * The builtin programs a runtime starts with. The sBPF loaders appear here as the entries that
 * run programs they own; their management instructions are not implemented yet and fail with
 * `InvalidInstructionData`.
 */
import { fail } from '../errors.js';
import { BPF_LOADER, BPF_LOADER_DEPRECATED, BPF_LOADER_UPGRADEABLE, COMPUTE_BUDGET_PROGRAM, SYSTEM_PROGRAM } from '../ids.js';
import type { Builtin } from '../invoke-context.js';
import { systemProgram } from './system.js';

/** Compute Budget instructions are read before execution; running one only costs its 150 units. */
const computeBudgetProgram: Builtin = {
  name: 'compute_budget_program',
  process: (ic) => ic.consumeChecked(150),
};

/** A loader's own instructions (deploy, upgrade …), charged as Agave does. */
function loader(name: string, units: number): Builtin {
  return {
    name,
    process: (ic) => {
      ic.consumeChecked(units);
      fail('InvalidInstructionData');
    },
  };
}

/** Builtins by program id. */
export function defaultBuiltins(): Map<string, Builtin> {
  return new Map<string, Builtin>([
    [SYSTEM_PROGRAM, systemProgram],
    [COMPUTE_BUDGET_PROGRAM, computeBudgetProgram],
    // LiteSVM registers loader v1 under loader v2's name; loader v4 is not enabled.
    [BPF_LOADER_DEPRECATED, loader('solana_bpf_loader_program', 1140)],
    [BPF_LOADER, loader('solana_bpf_loader_program', 570)],
    [BPF_LOADER_UPGRADEABLE, loader('solana_bpf_loader_upgradeable_program', 2370)],
  ]);
}
