/**
 * The runtime's syscalls: every syscall family registered for the active feature gates, wired to
 * the invocation running (`host.current`) and to the bank's sysvar values, sysvar accounts and
 * epoch stakes, each read when the syscall is called.
 */
import { SyscallRegistry } from '../vm/syscalls.js';
import { registerHashingSyscalls } from '../syscalls/hashing.js';
import { registerLoggingSyscalls } from '../syscalls/logging.js';
import { registerMemorySyscalls } from '../syscalls/memory.js';
import { registerPdaSyscalls } from '../syscalls/pda.js';
import { registerReturnDataSyscalls, type ReturnDataState } from '../syscalls/return-data.js';
import { registerGetSysvarSyscall, registerSysvarSyscalls } from '../syscalls/sysvar.js';
import { registerInvocationSyscalls, type SiblingInstruction } from '../syscalls/invocation.js';
import { registerCurve25519Syscalls } from '../syscalls/curve25519.js';
import { registerBls12381Syscalls } from '../syscalls/bls12-381.js';
import { registerSecp256k1Syscalls } from '../syscalls/secp256k1.js';
import { registerAltBn128Syscalls } from '../syscalls/alt-bn128.js';
import { registerPoseidonSyscall } from '../syscalls/poseidon.js';
import type { ExecutionCosts } from '../syscalls/costs.js';
import { decodeAddress, encodeAddress, type AccountsDb } from './accounts.js';
import { RUST_ACCOUNT_META } from './abi-layouts.js';
import { registerCpiSyscalls } from './cpi.js';
import { FEATURES, type FeatureSet } from './features.js';
import { SYSVAR } from './ids.js';
import type { InvokeContext } from './invoke-context.js';
import * as sv from './sysvars.js';
import type { TransactionContext } from './transaction-context.js';

/** What the syscalls read from the runtime, at the time they are called. */
export interface SyscallSources {
  readonly accounts: AccountsDb;
  readonly features: FeatureSet;
  /** The prices in force (an object the runtime updates in place). */
  readonly costs: Readonly<ExecutionCosts>;
  /** Activated stake per vote account in the current epoch (`sol_get_epoch_stake`). */
  readonly epochStakes: ReadonlyMap<string, bigint>;
  readonly clock: sv.Clock;
  readonly rent: sv.Rent;
  readonly epochSchedule: sv.EpochSchedule;
  readonly epochRewards: sv.EpochRewards;
  readonly lastRestartSlot: bigint;
}

/** Sysvars whose data `sol_get_sysvar` serves (Agave's sysvar cache). */
const CACHED_SYSVARS = new Set<string>([
  SYSVAR.clock,
  SYSVAR.epochSchedule,
  SYSVAR.epochRewards,
  SYSVAR.rent,
  SYSVAR.slotHashes,
  SYSVAR.stakeHistory,
  SYSVAR.lastRestartSlot,
]);

/** The syscalls of a runtime reading `bank`; each acts on the invocation in `host.current`. */
export function createRuntimeSyscalls(bank: SyscallSources, host: { readonly current: InvokeContext | undefined }): SyscallRegistry {
  const ic = () => host.current!;
  const log = (line: string, bytes?: number) => ic().log(line, bytes);
  const returnData: ReturnDataState = {
    get programId() {
      const c = ic().tx;
      return c.keyBytes[c.current().programTxIndex];
    },
    get returnData() {
      const rd = ic().tx.returnData;
      return { programId: decodeAddress(rd.programId), data: rd.data };
    },
    set returnData(v) {
      ic().tx.returnData = { programId: encodeAddress(v.programId), data: v.data };
    },
  };
  const registry = new SyscallRegistry();
  const costs = bank.costs;
  const features = bank.features;
  registerLoggingSyscalls(registry, log, costs);
  registerMemorySyscalls(registry, costs);
  registerPdaSyscalls(registry, costs);
  registerHashingSyscalls(registry, log, { blake3: features.isActive(FEATURES.blake3SyscallEnabled), costs });
  registerReturnDataSyscalls(registry, returnData, costs);
  registerCpiSyscalls(registry, ic);
  const bls12381 = features.isActive(FEATURES.enableBls12381Syscall);
  registerCurve25519Syscalls(registry, costs, { bls12381 });
  if (bls12381) registerBls12381Syscalls(registry, costs);
  registerSecp256k1Syscalls(registry, costs);
  registerAltBn128Syscalls(registry, costs);
  registerPoseidonSyscall(registry, log, costs);
  registerInvocationSyscalls(
    registry,
    {
      sibling: (index) => siblingInstruction(ic().tx, index),
      epochStake: (vote) => (vote ? (bank.epochStakes.get(encodeAddress(vote)) ?? 0n) : [...bank.epochStakes.values()].reduce((a, b) => a + b, 0n)),
      stackHeight: () => ic().tx.stack.length,
      allocate: (size, align) => ic().allocate(size, align),
      checkAligned: () => ic().checkAligned(),
    },
    costs,
  );
  const sysvarOptions = { costs, addressRestrictions: features.isActive(FEATURES.syscallParameterAddressRestrictions) };
  registerGetSysvarSyscall(
    registry,
    (id) => {
      const key = encodeAddress(id);
      return CACHED_SYSVARS.has(key) ? bank.accounts.get(key)?.data : undefined;
    },
    sysvarOptions,
  );
  registerSysvarSyscalls(
    registry,
    {
      clock: lastImage(() => bank.clock, sv.SYSVAR_IN_MEMORY.clock),
      rent: lastImage(() => bank.rent, sv.SYSVAR_IN_MEMORY.rent),
      epochSchedule: lastImage(() => bank.epochSchedule, sv.SYSVAR_IN_MEMORY.epochSchedule),
      epochRewards: lastImage(() => bank.epochRewards, sv.SYSVAR_IN_MEMORY.epochRewards),
      lastRestartSlot: () => sv.SYSVAR_IN_MEMORY.lastRestartSlot(bank.lastRestartSlot),
    },
    sysvarOptions,
  );
  return registry;
}

/**
 * A sysvar's in-memory image, encoded again only when a field of the value has changed: programs
 * read the rent and the clock in most instructions, and the values change far less often.
 */
function lastImage<T extends object>(value: () => T, encode: (v: T) => Uint8Array): () => Uint8Array {
  let fields: unknown[] = [];
  let image: Uint8Array | undefined;
  return () => {
    const v = value();
    const now = Object.values(v);
    if (image === undefined || now.length !== fields.length || now.some((x, i) => x !== fields[i])) {
      image = encode(v);
      fields = now;
    }
    return image;
  };
}

const META = RUST_ACCOUNT_META.offsets;

/** `sol_get_processed_sibling_instruction`: the `index`-th latest finished instruction at this height. */
function siblingInstruction(tx: TransactionContext, index: bigint): SiblingInstruction | undefined {
  const height = tx.stack.length;
  let seen = 0n;
  for (let i = tx.trace.length - 1; i >= 0; i--) {
    const f = tx.trace[i];
    if (f.stackHeight < height) break;
    if (f.stackHeight !== height) continue;
    if (index + 1n === seen) {
      const metas = new Uint8Array(RUST_ACCOUNT_META.fixedSize * f.accounts.length);
      f.accounts.forEach((a, k) => {
        const at = RUST_ACCOUNT_META.fixedSize * k;
        metas.set(tx.keyBytes[a.txIndex], at + META.key);
        metas[at + META.isSigner] = a.isSigner ? 1 : 0;
        metas[at + META.isWritable] = a.isWritable ? 1 : 0;
      });
      return { programId: tx.keyBytes[f.programTxIndex], data: f.data, accountMetas: metas, accountCount: f.accounts.length };
    }
    seen++;
  }
  return undefined;
}
