/**
 * The builtin programs a runtime starts with. The sBPF loaders appear here as the entries that
 * run programs they own; the upgradeable loader also manages programs (upgradeable-loader.ts).
 * The Address Lookup Table program runs as a builtin although Agave now deploys it as sBPF.
 */
import { fail } from '../errors.js';
import { FEATURES, type FeatureSet } from '../features.js';
import {
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  BPF_LOADER,
  BPF_LOADER_DEPRECATED,
  BPF_LOADER_UPGRADEABLE,
  COMPUTE_BUDGET_PROGRAM,
  ED25519_PROGRAM,
  LOADER_V4,
  SECP256K1_PROGRAM,
  SYSTEM_PROGRAM,
  VOTE_PROGRAM,
  ZK_ELGAMAL_PROOF_PROGRAM,
} from '../ids.js';
import type { Builtin } from '../invoke-context.js';
import { addressLookupTableProgram } from './address-lookup-table.js';
import { systemProgram } from './system.js';
import { upgradeableLoader } from './upgradeable-loader.js';
import { voteProgram } from './vote.js';
import { zkElGamalProofProgram } from './zk-elgamal-proof/index.js';

/** Compute Budget instructions are read before execution; running one only costs its 150 units. */
const computeBudgetProgram: Builtin = {
  name: 'compute_budget_program',
  process: (ic) => ic.consumeChecked(150),
};

/** Loaders v1 and v2 only run programs now: their own instructions fail, after their units. */
function retiredLoader(name: string, units: number, message: string): Builtin {
  return {
    name,
    process: (ic) => {
      ic.consumeChecked(units);
      ic.log(message);
      fail('UnsupportedProgramId');
    },
  };
}

/** Builtins by program id. */
export function defaultBuiltins(): Map<string, Builtin> {
  return new Map<string, Builtin>([
    [SYSTEM_PROGRAM, systemProgram],
    [COMPUTE_BUDGET_PROGRAM, computeBudgetProgram],
    // LiteSVM registers loader v1 under loader v2's name; loader v4 is not enabled.
    [BPF_LOADER_DEPRECATED, retiredLoader('solana_bpf_loader_program', 1140, 'Deprecated loader is no longer supported')],
    [BPF_LOADER, retiredLoader('solana_bpf_loader_program', 570, 'BPF loader management instructions are no longer supported')],
    [BPF_LOADER_UPGRADEABLE, upgradeableLoader],
    [ADDRESS_LOOKUP_TABLE_PROGRAM, addressLookupTableProgram],
    [VOTE_PROGRAM, voteProgram],
    [ZK_ELGAMAL_PROOF_PROGRAM, zkElGamalProofProgram],
  ]);
}

/** Builtins added (their accounts created) only while a feature is active, as Agave's `enable_feature_id`. */
const ENABLING_FEATURES = new Map<string, string>([[ZK_ELGAMAL_PROOF_PROGRAM, FEATURES.zkElGamalProofProgramEnabled]]);

/** Whether `with_builtins` adds `programId`'s account under `features`. */
export function builtinEnabled(programId: string, features: FeatureSet): boolean {
  const feature = ENABLING_FEATURES.get(programId);
  return feature === undefined || features.isActive(feature);
}

/**
 * Builtins whose instructions stop counting as a builtin's once a feature is active: those Agave
 * migrated to core-BPF programs, and the Vote program once BLS proofs (34 500 units) can run in it.
 */
const CORE_BPF_MIGRATIONS = new Map<string, string>([
  [ADDRESS_LOOKUP_TABLE_PROGRAM, FEATURES.migrateAddressLookupTableProgramToCoreBpf],
  [VOTE_PROGRAM, FEATURES.blsPubkeyManagementInVoteAccount],
]);

/**
 * Whether the compute budget counts `programId`'s instructions as a builtin's (3 000 units by
 * default) rather than an sBPF program's (200 000): a migrated builtin counts as sBPF once its
 * migration feature is active, even though it still runs here as a builtin.
 */
export function budgetsAsBuiltin(programId: string, builtins: ReadonlyMap<string, Builtin>, features: FeatureSet): boolean {
  const migration = CORE_BPF_MIGRATIONS.get(programId);
  const listed = (builtins.has(programId) && !BUDGETED_AS_SBPF.has(programId)) || COUNTED_AS_BUILTINS.has(programId);
  return listed && !(migration !== undefined && features.isActive(migration));
}

/**
 * Programs Agave's `NON_MIGRATING_BUILTINS_COSTS` lists that are not builtins here: the ed25519
 * and secp256k1 precompiles and loader v4 (secp256r1 is not listed, so it budgets as sBPF).
 */
const COUNTED_AS_BUILTINS = new Set([ED25519_PROGRAM, SECP256K1_PROGRAM, LOADER_V4]);

/** Builtins Agave's cost lists leave out: their instructions budget 200 000 units like an sBPF program's. */
const BUDGETED_AS_SBPF = new Set([ZK_ELGAMAL_PROOF_PROGRAM]);
