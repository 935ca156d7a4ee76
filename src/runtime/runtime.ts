/**
 * The runtime: accounts, sysvars, programs and builtins, and transaction processing as LiteSVM
 * drives Agave — sanitize, signature and blockhash checks, compute budget, fee payer, account
 * loading, instruction execution, rent-state checks, commit or fee-only on failure.
 */
import bs58 from 'bs58';
import { log, logProgramLines } from '../log.js';
import { sha256 } from '../crypto/sha256.js';
import { SyscallRegistry } from '../vm/syscalls.js';
import { registerHashingSyscalls } from '../syscalls/hashing.js';
import { registerLoggingSyscalls } from '../syscalls/logging.js';
import { registerMemorySyscalls } from '../syscalls/memory.js';
import { findProgramAddress, registerPdaSyscalls } from '../syscalls/pda.js';
import { registerReturnDataSyscalls, type ReturnDataState } from '../syscalls/return-data.js';
import { registerGetSysvarSyscall, registerSysvarSyscalls } from '../syscalls/sysvar.js';
import { registerInvocationSyscalls, type SiblingInstruction } from '../syscalls/invocation.js';
import { registerCurve25519Syscalls } from '../syscalls/curve25519.js';
import { registerBls12381Syscalls } from '../syscalls/bls12-381.js';
import { registerSecp256k1Syscalls } from '../syscalls/secp256k1.js';
import { registerAltBn128Syscalls } from '../syscalls/alt-bn128.js';
import { registerPoseidonSyscall } from '../syscalls/poseidon.js';
import { defaultExecutionCosts, type ExecutionCosts } from '../syscalls/costs.js';
import { AccountsDb, cloneAccount, decodeAddress, emptyAccount, encodeAddress, RENT_EXEMPT_EPOCH, shareAccount, type Account } from './accounts.js';
import { budgetsAsBuiltin, defaultBuiltins } from './builtins/index.js';
import { decodeNonce, durableNonce } from './builtins/nonce.js';
import { computeBudgetLimits, configLimits, MAX_COMPUTE_UNIT_LIMIT, type ComputeBudgetLimits } from './compute-budget.js';
import { InstructionFailure, TransactionFailure, txError, type InstructionError, type TransactionError } from './errors.js';
import {
  BPF_LOADER_UPGRADEABLE,
  CONFIG_PROGRAM,
  ED25519_PROGRAM,
  FEATURE_PROGRAM,
  NATIVE_LOADER,
  SBPF_LOADERS,
  SECP256K1_PROGRAM,
  SECP256R1_PROGRAM,
  STAKE_CONFIG,
  SYSTEM_PROGRAM,
  SYSVAR,
  SYSVAR_OWNER,
} from './ids.js';
import { registerCpiSyscalls } from './cpi.js';
import { instructionsSysvarData, setCurrentInstruction } from './instructions-sysvar.js';
import { RentStateRule, type AccountBefore } from './rent-state.js';
import { PRECOMPILES } from './precompiles.js';
import { FEATURES, FeatureSet } from './features.js';
import type { FaultSite } from '../debug/index.js';
import { Profiler, type Profile } from '../profile/index.js';
import { InvokeContext, type ExecutionTracer, type InvokeEnvironment, type LoadedProgram } from './invoke-context.js';
import { LoadedMessage } from './loaded-message.js';
import { LOG_MESSAGES_BYTES_LIMIT, LogCollector } from './log-collector.js';
import {
  checkPacketSize,
  compileLegacyMessage,
  decodeTransaction,
  encodeTransaction,
  sanitizeTransaction,
  type Instruction,
  type WireTransaction,
} from './message.js';
import type { Executable } from '../executable.js';
import { loadProgram, programElf, PROGRAMDATA_METADATA_SIZE } from './program-loader.js';
import { publicKeyOf, signMessage, verifySignature } from './sigverify.js';
import * as sv from './sysvars.js';
import { TransactionContext } from './transaction-context.js';
import { DEFAULT_ENGINE, type Engine } from '../vm/execute.js';
import { signatureKey, TransactionHistory } from './transaction-history.js';

/** One inner (CPI) instruction as recorded for the transaction's metadata. */
export interface InnerInstruction {
  programIdIndex: number;
  accounts: Uint8Array;
  data: Uint8Array;
  stackHeight: number;
}

/** Everything a processed transaction reports. */
export interface TransactionOutcome {
  signature: Uint8Array;
  error?: TransactionError;
  logs: string[];
  computeUnitsConsumed: bigint;
  fee: bigint;
  returnData: { programId: string; data: Uint8Array };
  innerInstructions: InnerInstruction[][];
  /** Writable accounts after execution (what a successful send commits). */
  postAccounts: [string, Account][];
  /** Whether the transaction got as far as execution (charged a fee, recorded in history). */
  included: boolean;
  /** Where its programs stopped with VM errors, innermost first. */
  faults?: FaultSite[];
  /** Its compute units by call stack, when profiling is on. */
  profile?: Profile;
}

/** What running instructions without a transaction reports. */
export interface InstructionsOutcome {
  /** The first failing instruction and its error. */
  failure?: { index: number; error: InstructionError };
  logs: string[];
  computeUnitsConsumed: number;
  /** Units each instruction consumed (up to and including a failing one). */
  perInstruction: number[];
  returnData: { programId: string; data: Uint8Array };
  /** Every account involved, after execution (as before the failing instruction, if one failed). */
  accounts: [string, Account][];
  /** Where programs stopped with VM errors, innermost first. */
  faults: FaultSite[];
  /** Compute units by call stack, when profiling is on. */
  profile?: Profile;
}

/**
 * A fixed compute budget that replaces, in full, what a transaction requests and what the feature
 * set implies (as LiteSVM's `with_compute_budget` does).
 */
export interface ComputeBudgetOverride {
  computeUnitLimit: number;
  heapBytes: number;
  /** Deepest instruction nesting (the top level counts as 1). */
  maxInstructionStackDepth: number;
  /** Most instructions, top-level and inner, one transaction may run. */
  maxInstructionTraceLength: number;
  /** Prices of syscalls and runtime charges. */
  costs: ExecutionCosts;
}

/** Runtime settings (LiteSVM's defaults). */
export interface RuntimeConfig {
  sigverify: boolean;
  blockhashCheck: boolean;
  /** Whether serialized transactions over 1232 bytes are refused (LiteSVM does not check). */
  packetSizeLimit: boolean;
  /** Log bytes kept per transaction; undefined = unlimited. */
  logBytesLimit: number | undefined;
  computeBudget: ComputeBudgetOverride | undefined;
  engine: Engine;
  lamportsPerSignature: bigint;
  /** Watches every top-level sBPF program run; undefined (the default) watches none. */
  tracer: ExecutionTracer | undefined;
  /** Whether each transaction's sBPF programs are profiled (they then run on the interpreter). */
  profiling: boolean;
}

/** The fee payer's nonce-account size (`nonce::state::State::size()`). */
const NONCE_ACCOUNT_SIZE = 80;
/** Accounts a transaction may lock (64 until `increase_tx_account_lock_limit`). */
const ACCOUNT_LOCK_LIMIT = 64;
const TRANSACTION_ACCOUNT_BASE_SIZE = 64;
const ADDRESS_LOOKUP_TABLE_BASE_SIZE = 8248;
const MAX_INSTRUCTION_STACK_DEPTH = 5;
const MAX_INSTRUCTION_STACK_DEPTH_SIMD_0268 = 9;
const MAX_INSTRUCTION_TRACE_LENGTH = 64;

/** Programdata addresses by program id: deriving one costs a curve check per bump tried. */
const programDataAddresses = new Map<string, string>();

function programDataAddress(programId: string): string {
  let address = programDataAddresses.get(programId);
  if (address === undefined) {
    address = encodeAddress(findProgramAddress([decodeAddress(programId)], decodeAddress(BPF_LOADER_UPGRADEABLE))[0]);
    if (programDataAddresses.size >= 4096) programDataAddresses.clear(); // bounded
    programDataAddresses.set(programId, address);
  }
  return address;
}

/** A ProgramData account's bytes: the metadata (deployment slot, no authority) and the ELF. */
function programDataBytes(elf: Uint8Array, slot: bigint): Uint8Array {
  const data = new Uint8Array(PROGRAMDATA_METADATA_SIZE + elf.length);
  const view = new DataView(data.buffer);
  view.setUint32(0, 3, true);
  view.setBigUint64(4, slot, true);
  data.set(elf, PROGRAMDATA_METADATA_SIZE);
  return data;
}

/** ProgramData bytes of ELFs that never change, per ELF and slot (stored accounts are never written in place). */
const programDataCache = new WeakMap<Uint8Array, { slot: bigint; data: Uint8Array }>();

function sharedProgramData(elf: Uint8Array, slot: bigint): Uint8Array {
  let cached = programDataCache.get(elf);
  if (cached?.slot !== slot) programDataCache.set(elf, (cached = { slot, data: programDataBytes(elf, slot) }));
  return cached.data;
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

/** A runtime's state as {@link Runtime.snapshot} captures it. */
export interface RuntimeSnapshot {
  readonly accounts: AccountsDb;
  readonly history: TransactionHistory<TransactionOutcome>;
  readonly latestBlockhash: string;
}

/** `create_blockhash`: sha256 of the bytes. */
const blockhashOf = (bytes: Uint8Array) => bs58.encode(sha256(bytes));

export class Runtime {
  readonly accounts = new AccountsDb();
  readonly builtins = defaultBuiltins();
  syscalls: SyscallRegistry;
  /** Active feature gates (LiteSVM's default: mainnet's). */
  features = FeatureSet.mainnet();
  /** The prices syscalls and runtime charges use: the override's, else Agave's defaults. */
  readonly costs: ExecutionCosts = defaultExecutionCosts();
  readonly config: RuntimeConfig = {
    sigverify: true,
    blockhashCheck: true,
    packetSizeLimit: true,
    logBytesLimit: LOG_MESSAGES_BYTES_LIMIT,
    computeBudget: undefined,
    engine: DEFAULT_ENGINE,
    lamportsPerSignature: 5000n,
    tracer: undefined,
    profiling: false,
  };
  latestBlockhash = blockhashOf(new TextEncoder().encode('genesis'));
  private readonly programs = new Map<string, LoadedProgram>();
  /** Processed transactions by signature (`getTransaction`, AlreadyProcessed). */
  readonly history = new TransactionHistory<TransactionOutcome>();
  private readonly host: { current: InvokeContext | undefined } = { current: undefined };
  private readonly airdropSeed = crypto.getRandomValues(new Uint8Array(32));
  /** The account airdrops are paid from. */
  readonly airdropAddress = encodeAddress(publicKeyOf(this.airdropSeed));

  // Sysvar values, kept in step with their accounts.
  clock: sv.Clock = { ...sv.DEFAULT_CLOCK };
  rent: sv.Rent = sv.DEFAULT_RENT;
  epochSchedule: sv.EpochSchedule = sv.DEFAULT_EPOCH_SCHEDULE;
  epochRewards: sv.EpochRewards = sv.DEFAULT_EPOCH_REWARDS;
  lastRestartSlot = sv.DEFAULT_LAST_RESTART_SLOT;
  slotHashes: sv.SlotHash[] = [];
  /** Activated stake per vote account in the current epoch (`sol_get_epoch_stake`). */
  readonly epochStakes = new Map<string, bigint>();

  /**
   * `minimal` starts like `LiteSVM::default()`: no builtin accounts, sysvars or precompiles, no
   * airdrop funds, signature and blockhash checks off (add them with the `add…` methods).
   */
  constructor(opts: { minimal?: boolean } = {}) {
    this.syscalls = this.createSyscalls();
    if (opts.minimal) {
      this.config.sigverify = false;
      this.config.blockhashCheck = false;
      return;
    }
    this.addBuiltinAccounts();
    this.addPrecompileAccounts();
    this.setAccount(this.airdropAddress, { ...emptyAccount(), lamports: 1_000_000n * 1_000_000_000n, rentEpoch: 0n });
    this.writeDefaultSysvars();
    this.addFeatureAccounts();
  }

  /** Installs (or, with undefined, removes) a fixed compute budget; its prices go into {@link costs}. */
  setComputeBudget(budget: ComputeBudgetOverride | undefined): void {
    this.config.computeBudget = budget;
    Object.assign(this.costs, budget?.costs ?? defaultExecutionCosts());
  }

  /** Replaces the feature set (syscalls are re-registered for the new gates). */
  setFeatures(features: FeatureSet): void {
    this.features = features.clone();
    this.syscalls = this.createSyscalls();
  }

  /** Feature-gate accounts for the active features (`with_feature_accounts`). */
  addFeatureAccounts(): void {
    const lamports = this.minimumBalance(9);
    for (const [id, slot] of this.features.entries()) {
      const data = new Uint8Array(9);
      data[0] = 1;
      new DataView(data.buffer).setBigUint64(1, slot, true);
      this.accounts.set(id, { lamports, data, owner: FEATURE_PROGRAM, executable: false, rentEpoch: 0n });
    }
  }

  private maxTraceLength(): number {
    return this.config.computeBudget?.maxInstructionTraceLength ?? MAX_INSTRUCTION_TRACE_LENGTH;
  }

  private maxStackDepth(): number {
    if (this.config.computeBudget) return this.config.computeBudget.maxInstructionStackDepth;
    return this.features.isActive(FEATURES.raiseCpiNestingLimitTo8) ? MAX_INSTRUCTION_STACK_DEPTH_SIMD_0268 : MAX_INSTRUCTION_STACK_DEPTH;
  }

  /** The builtin programs' native-loader accounts (`with_builtins`). */
  addBuiltinAccounts(): void {
    for (const [id, builtin] of this.builtins) {
      this.accounts.set(id, { lamports: 1n, data: new TextEncoder().encode(builtin.name), owner: NATIVE_LOADER, executable: true, rentEpoch: 0n });
    }
  }

  /** The precompiles' accounts (`with_precompiles`). */
  addPrecompileAccounts(): void {
    for (const id of PRECOMPILES.keys())
      this.accounts.set(id, { lamports: 1n, data: new Uint8Array(0), owner: NATIVE_LOADER, executable: true, rentEpoch: 0n });
  }

  /**
   * The sysvar accounts with LiteSVM's starting values, whatever they were before, and the
   * deprecated stake config account (`with_sysvars`).
   */
  writeDefaultSysvars(): void {
    this.setSysvarAccount(SYSVAR.clock, sv.encodeClock(sv.DEFAULT_CLOCK));
    this.setSysvarAccount(SYSVAR.epochRewards, sv.encodeEpochRewards(sv.DEFAULT_EPOCH_REWARDS));
    this.setSysvarAccount(SYSVAR.epochSchedule, sv.encodeEpochSchedule(sv.DEFAULT_EPOCH_SCHEDULE));
    this.setSysvarAccount(SYSVAR.fees, sv.encodeU64(0n));
    this.setSysvarAccount(SYSVAR.lastRestartSlot, sv.encodeU64(sv.DEFAULT_LAST_RESTART_SLOT));
    // The Fees sysvar's default lamports per signature: 0.
    this.setSysvarAccount(SYSVAR.recentBlockhashes, sv.encodeRecentBlockhashes(this.latestBlockhash, 0n));
    this.setSysvarAccount(SYSVAR.rent, sv.encodeRent(sv.defaultRent(this.features.isActive(FEATURES.deprecateRentExemptionThreshold))));
    this.setSysvarAccount(SYSVAR.slotHashes, sv.encodeSlotHashes([{ slot: this.clock.slot, hash: this.latestBlockhash }]));
    this.setSysvarAccount(SYSVAR.slotHistory, sv.encodedDefaultSlotHistory());
    this.setSysvarAccount(SYSVAR.stakeHistory, sv.encodeStakeHistory([]));
    this.setAccount(STAKE_CONFIG, { lamports: 1n, data: sv.legacyStakeConfigData(), owner: CONFIG_PROGRAM, executable: false, rentEpoch: 0n });
  }

  /** Stores a sysvar account as `set_sysvar` does (1 lamport, owned by Sysvar1111…). */
  setSysvarAccount(address: string, data: Uint8Array): void {
    this.setAccount(address, { lamports: 1n, data, owner: SYSVAR_OWNER, executable: false, rentEpoch: 0n });
  }

  // --- accounts ---

  getAccount(address: string): Account | undefined {
    return this.accounts.get(address);
  }

  /**
   * Creates or overwrites an account. Executable accounts of the sBPF loaders are (re)loaded into
   * the program cache (a broken ELF throws); sysvar accounts update the sysvar values.
   */
  setAccount(address: string, account: Account): void {
    this.setAccounts([[address, account]]);
  }

  /** What {@link restore} brings back: every account, the processed transactions and the latest blockhash. */
  snapshot(): RuntimeSnapshot {
    return { accounts: this.accounts.snapshot(), history: this.history.copy(), latestBlockhash: this.latestBlockhash };
  }

  /**
   * Returns to `snapshot`: its accounts (set as one change, programs and sysvars included; accounts
   * created since are removed), its transaction history (a transaction processed since can be
   * sent again) and its latest blockhash.
   */
  restore(snapshot: RuntimeSnapshot): void {
    const kept = [...snapshot.accounts.entries()];
    const removed = [...this.accounts.entries()].filter(([address]) => !snapshot.accounts.get(address));
    this.setAccounts([...kept, ...removed.map(([address, account]): [string, Account] => [address, { ...account, lamports: 0n }])]);
    this.history.restore(snapshot.history);
    this.latestBlockhash = snapshot.latestBlockhash;
  }

  /**
   * Sets several accounts as one change, each as {@link setAccount} would. A program account finds
   * its ProgramData among the others wherever it stands; sysvar values are updated before programs
   * take their effective slot from the clock. When an account cannot be set (`rejected` says how to
   * report it; by default its error is thrown as is), nothing changes.
   */
  setAccounts(entries: Iterable<[string, Account]>, rejected: (address: string, error: unknown) => unknown = (_, error) => error): void {
    const batch = new Map(entries);
    const read = (address: string) => {
      const account = batch.get(address);
      return account === undefined ? this.accounts.get(address) : account.lamports === 0n ? undefined : account;
    };
    const sysvarUpdates: (() => void)[] = [];
    const programs: [string, Executable, string][] = [];
    for (const [address, account] of batch) {
      try {
        const update = this.sysvarUpdate(address, account.data);
        if (update) sysvarUpdates.push(update);
        if (account.executable && SBPF_LOADERS.has(account.owner)) programs.push([address, this.programExecutable(account, read), account.owner]);
      } catch (error) {
        throw rejected(address, error);
      }
    }
    for (const update of sysvarUpdates) update();
    for (const [address, exe, loader] of programs) this.programs.set(address, { kind: 'loaded', exe, loader, effectiveSlot: this.clock.slot });
    for (const [address, account] of batch) this.accounts.set(address, account);
  }

  /** The loaded ELF of an sBPF program account whose ProgramData `read` finds (throws when there is none or it does not load). */
  private programExecutable(account: Account, read: (address: string) => Account | undefined): Executable {
    const elf = programElf(account, read);
    if (!elf) throw new InstructionFailure({ kind: 'InvalidAccountData' });
    return loadProgram(elf);
  }

  /** Caches a committed program account; one that does not load is cached as failed. */
  private cacheProgram(address: string, account: Account): void {
    try {
      this.programs.set(address, {
        kind: 'loaded',
        exe: this.programExecutable(account, (a) => this.accounts.get(a)),
        loader: account.owner,
        effectiveSlot: this.clock.slot,
      });
    } catch {
      this.programs.set(address, { kind: 'failed', loader: account.owner });
    }
  }

  /** What `data` at `address` changes in the sysvar values (decoded now: throws when malformed), if it is a cached sysvar. */
  private sysvarUpdate(address: string, data: Uint8Array): (() => void) | undefined {
    switch (address) {
      case SYSVAR.clock: {
        const clock = sv.decodeClock(data);
        return () => (this.clock = clock);
      }
      case SYSVAR.rent: {
        const rent = sv.decodeRent(data);
        return () => (this.rent = rent);
      }
      case SYSVAR.epochSchedule: {
        const schedule = sv.decodeEpochSchedule(data);
        return () => (this.epochSchedule = schedule);
      }
      case SYSVAR.epochRewards: {
        const rewards = sv.decodeEpochRewards(data);
        return () => (this.epochRewards = rewards);
      }
      case SYSVAR.lastRestartSlot: {
        const slot = sv.decodeU64(data);
        return () => (this.lastRestartSlot = slot);
      }
      case SYSVAR.slotHashes: {
        const hashes = sv.decodeSlotHashes(data);
        return () => (this.slotHashes = hashes);
      }
    }
    return undefined;
  }

  /**
   * Deploys `elf` under `programId` as LiteSVM's `add_program` does: visible at once, and loaded
   * without the new-deployment checks (an unknown syscall fails when called, not when added).
   * `elf` may be a function returning it, called when the program's accounts are first read or
   * it first runs. `exe` is the ELF already loaded, or a function that loads it when the program
   * first runs (for ELFs known to load, such as the default programs). `elfNeverChanges` says the caller
   * never writes into `elf`, so the program's accounts may hold it (and every runtime the same
   * ProgramData bytes) without a copy.
   */
  addProgram(programId: string, elf: Uint8Array | (() => Uint8Array), loader: string, exe?: Executable | (() => Executable), elfNeverChanges = false): void {
    log.debug({ programId, loader }, 'program added');
    // An ELF given as a function is read when its account is first read or the program first runs.
    const readElf = typeof elf === 'function' ? elf : () => elf;
    const executable = exe ?? (typeof elf === 'function' ? () => loadProgram(readElf()) : loadProgram(elf)); // a bad ELF changes nothing
    const store = (address: string, make: () => Account) =>
      typeof elf === 'function' ? this.accounts.setLazily(address, make) : this.accounts.set(address, make());
    const slot = this.clock.slot;
    const rent = this.rent;
    const balance = (length: number) => this.minimumBalance(length, rent);
    if (loader === BPF_LOADER_UPGRADEABLE) {
      const programData = programDataAddress(programId);
      store(programData, () => {
        const data = elfNeverChanges ? sharedProgramData(readElf(), slot) : programDataBytes(readElf(), slot);
        return { lamports: balance(data.length), data, owner: loader, executable: false, rentEpoch: 0n };
      });
      const program = new Uint8Array(36);
      new DataView(program.buffer).setUint32(0, 2, true);
      program.set(decodeAddress(programData), 4);
      this.accounts.set(programId, { lamports: balance(36), data: program, owner: loader, executable: true, rentEpoch: 0n });
    } else {
      store(programId, () => {
        const bytes = readElf();
        return { lamports: balance(bytes.length), data: elfNeverChanges ? bytes : bytes.slice(), owner: loader, executable: true, rentEpoch: 0n };
      });
    }
    const effectiveSlot = slot;
    if (typeof executable !== 'function') {
      this.programs.set(programId, { kind: 'loaded', exe: executable, loader, effectiveSlot });
      return;
    }
    let loaded: Executable | undefined;
    this.programs.set(programId, {
      kind: 'loaded',
      get exe() {
        return (loaded ??= executable());
      },
      loader,
      effectiveSlot,
    });
  }

  /** Minimum balance for rent exemption (at least 1 lamport), under the current rent unless given one. */
  minimumBalance(dataLen: number | bigint, rent: sv.Rent = this.rent): bigint {
    const m = sv.minimumBalance(rent, dataLen);
    return m < 1n ? 1n : m;
  }

  /** Replaces the latest blockhash (the old one stops being accepted). */
  expireBlockhash(): void {
    this.latestBlockhash = blockhashOf(bs58.decode(this.latestBlockhash));
    this.setSysvarAccount(SYSVAR.recentBlockhashes, sv.encodeRecentBlockhashes(this.latestBlockhash, this.config.lamportsPerSignature));
  }

  /** Sets the clock's slot. */
  warpToSlot(slot: bigint): void {
    this.setSysvarAccount(SYSVAR.clock, sv.encodeClock({ ...this.clock, slot }));
  }

  /** A processed transaction from the history, by its first signature. */
  getTransaction(signature: Uint8Array): TransactionOutcome | undefined {
    return this.history.get(signatureKey(signature));
  }

  /** Sends `lamports` from the airdrop account with a signed System transfer. */
  airdrop(to: string, lamports: bigint): TransactionOutcome {
    return this.send(this.airdropTransaction(to, lamports));
  }

  /** The signed System transfer of `lamports` from the airdrop account to `to`, on the latest blockhash. */
  airdropTransaction(to: string, lamports: bigint): Uint8Array {
    const data = new Uint8Array(12);
    const view = new DataView(data.buffer);
    view.setUint32(0, 2, true);
    view.setBigUint64(4, lamports, true);
    const message = compileLegacyMessage(
      this.airdropAddress,
      [
        {
          programId: SYSTEM_PROGRAM,
          accounts: [
            { pubkey: this.airdropAddress, isSigner: true, isWritable: true },
            { pubkey: to, isSigner: false, isWritable: true },
          ],
          data,
        },
      ],
      this.latestBlockhash,
    );
    return encodeTransaction([signMessage(message, this.airdropSeed)], message);
  }

  // --- transactions ---

  /** Processes a serialized transaction and commits it (accounts on success, the fee on failure). */
  send(bytes: Uint8Array | WireTransaction): TransactionOutcome {
    const tx = bytes instanceof Uint8Array ? this.decode(bytes) : bytes;
    const outcome = this.process(tx);
    if (log.isLevelEnabled('debug')) {
      log.debug(
        {
          signature: bs58.encode(outcome.signature),
          error: outcome.error,
          computeUnits: Number(outcome.computeUnitsConsumed),
          fee: Number(outcome.fee),
          ...(logProgramLines ? { logs: outcome.logs } : {}),
        },
        'transaction processed',
      );
    }
    if (outcome.error) {
      if (outcome.included) {
        this.withdrawFee(tx, outcome);
        this.record(outcome);
      }
      return outcome;
    }
    this.record(outcome);
    this.commit(outcome.postAccounts);
    return outcome;
  }

  /** Processes a serialized transaction without changing any state. */
  simulate(bytes: Uint8Array | WireTransaction): TransactionOutcome {
    return this.process(bytes instanceof Uint8Array ? this.decode(bytes) : bytes);
  }

  private decode(bytes: Uint8Array): WireTransaction {
    if (this.config.packetSizeLimit) checkPacketSize(bytes);
    return decodeTransaction(bytes);
  }

  /** Keeps what `getTransaction` shows (LiteSVM keeps the metadata), not the written accounts. */
  private record(outcome: TransactionOutcome): void {
    if (this.history.enabled) this.history.add(signatureKey(outcome.signature), { ...outcome, postAccounts: [] });
  }

  private withdrawFee(tx: WireTransaction, outcome: TransactionOutcome): void {
    const payer = tx.message.staticKeys[0];
    const account = this.accounts.get(payer);
    if (!account) {
      outcome.error = txError('AccountNotFound');
      return;
    }
    const min = account.owner === SYSTEM_PROGRAM && account.data.length === NONCE_ACCOUNT_SIZE ? this.minimumBalance(NONCE_ACCOUNT_SIZE) : 0n;
    if (outcome.fee + min > account.lamports) {
      outcome.error = txError('InsufficientFundsForFee');
      return;
    }
    this.accounts.set(payer, { ...account, lamports: account.lamports - outcome.fee });
  }

  private commit(accounts: [string, Account][]): void {
    // Programdata first, so a program account in the same batch loads the new ELF.
    const isProgramData = (a: Account) => a.owner === 'BPFLoaderUpgradeab1e11111111111111111111111' && a.data[0] === 3;
    const ordered = [...accounts.filter(([, a]) => isProgramData(a)), ...accounts.filter(([, a]) => !isProgramData(a))];
    for (const [address, account] of ordered) {
      if (account.executable && SBPF_LOADERS.has(account.owner)) this.cacheProgram(address, account);
      this.sysvarUpdate(address, account.data)?.();
      this.accounts.set(address, account);
    }
  }

  private process(tx: WireTransaction): TransactionOutcome {
    const signature = tx.signatures[0] ?? new Uint8Array(64);
    // Refused before execution: LiteSVM reports its default metadata, with no signature.
    const early = (error: TransactionError): TransactionOutcome => ({
      signature: new Uint8Array(64),
      error,
      logs: [],
      computeUnitsConsumed: 0n,
      fee: 0n,
      returnData: { programId: SYSTEM_PROGRAM, data: new Uint8Array(0) },
      innerInstructions: [],
      postAccounts: [],
      included: false,
    });
    let msg: LoadedMessage;
    let limits: ComputeBudgetLimits;
    try {
      sanitizeTransaction(tx);
      msg = new LoadedMessage(tx.message, {
        getAccount: (a) => this.accounts.get(a),
        currentSlot: this.clock.slot,
        slotHashes: this.slotHashes,
      });
      msg.checkLockLimit(ACCOUNT_LOCK_LIMIT);
      if (this.config.sigverify) this.verifySignatures(tx);
      if (this.config.blockhashCheck && tx.message.recentBlockhash !== this.latestBlockhash && !this.usesValidNonce(tx, msg)) {
        throw new TransactionFailure(txError('BlockhashNotFound'));
      }
      limits = this.budgetLimits(tx, msg);
      if (this.config.sigverify && this.history.size > 0 && this.history.has(signatureKey(signature)))
        throw new TransactionFailure(txError('AlreadyProcessed'));
    } catch (e) {
      if (e instanceof TransactionFailure) return early(e.error);
      throw e;
    }
    return this.execute(tx, msg, limits, signature, early);
  }

  /**
   * A durable-nonce transaction (`check_transaction_for_nonce`): its first instruction advances a
   * static, writable nonce account whose stored nonce is the transaction's blockhash and whose
   * authority signs that instruction, and the nonce can still advance.
   */
  private usesValidNonce(tx: WireTransaction, msg: LoadedMessage): boolean {
    const first = tx.message.instructions[0];
    if (!first || msg.keys[first.programIdIndex] !== SYSTEM_PROGRAM) return false;
    if (first.data.length < 4 || new DataView(first.data.buffer, first.data.byteOffset).getUint32(0, true) !== 4) return false;
    const index = first.accounts[0];
    if (index === undefined || index >= tx.message.staticKeys.length || !msg.writable[index]) return false;
    const account = this.accounts.get(msg.keys[index]);
    if (!account || account.owner !== SYSTEM_PROGRAM) return false;
    const state = decodeNonce(account.data);
    if (!state || state.version !== 1 || !state.initialized || state.durableNonce !== tx.message.recentBlockhash) return false;
    if (tx.message.recentBlockhash === durableNonce(this.latestBlockhash)) return false;
    return [...first.accounts].some((a) => msg.isSigner(a) && msg.keys[a] === state.authority);
  }

  private verifySignatures(tx: WireTransaction): void {
    for (let i = 0; i < tx.signatures.length; i++) {
      const key = tx.message.staticKeys[i];
      if (!verifySignature(tx.signatures[i], tx.messageBytes, decodeAddress(key))) throw new TransactionFailure(txError('SignatureFailure'));
    }
  }

  private budgetLimits(tx: WireTransaction, msg: LoadedMessage): ComputeBudgetLimits {
    return tx.message.version === 1
      ? configLimits(tx.message.config)
      : computeBudgetLimits(
          tx.message.instructions.map((ix) => ({ programId: msg.keys[ix.programIdIndex], data: ix.data })),
          (id) => budgetsAsBuiltin(id, this.builtins, this.features),
        );
  }

  /**
   * The fee `tx`'s message would pay now (Agave's `get_fee_for_message`), or undefined when its
   * blockhash is not the latest one; its signatures are not looked at. Throws `TransactionFailure`
   * when the message cannot be loaded (an address lookup that fails, a bad compute-budget request).
   */
  feeForMessage(tx: WireTransaction): bigint | undefined {
    if (tx.message.recentBlockhash !== this.latestBlockhash) return undefined;
    const msg = new LoadedMessage(tx.message, { getAccount: (a) => this.accounts.get(a), currentSlot: this.clock.slot, slotHashes: this.slotHashes });
    return this.fee(tx, msg, this.budgetLimits(tx, msg));
  }

  private fee(tx: WireTransaction, msg: LoadedMessage, limits: ComputeBudgetLimits): bigint {
    let signatures = BigInt(tx.message.numRequiredSignatures);
    for (const ix of tx.message.instructions) {
      const program = msg.keys[ix.programIdIndex];
      if (program === ED25519_PROGRAM || program === SECP256K1_PROGRAM || program === SECP256R1_PROGRAM) signatures += BigInt(ix.data[0] ?? 0);
    }
    return signatures * this.config.lamportsPerSignature + limits.priorityFee;
  }

  private rentStateRule(): RentStateRule {
    return new RentStateRule(this.rent, this.features.isActive(FEATURES.relaxPostExecMinBalanceCheck));
  }

  private execute(
    tx: WireTransaction,
    msg: LoadedMessage,
    limits: ComputeBudgetLimits,
    signature: Uint8Array,
    early: (e: TransactionError) => TransactionOutcome,
  ): TransactionOutcome {
    const fee = this.fee(tx, msg, limits);
    const accounts: Account[] = [];
    const rentRule = this.rentStateRule();
    const preRent: AccountBefore[] = [];
    let loadedSize = tx.message.lookups.length * ADDRESS_LOOKUP_TABLE_BASE_SIZE;
    let payerValidated = false;
    try {
      const sizeLimit = limits.loadedAccountsDataSizeLimit;
      if (loadedSize > sizeLimit) throw new TransactionFailure(txError('MaxLoadedAccountsDataSizeExceeded'));
      msg.keys.forEach((key, i) => {
        if (key === SYSVAR.instructions) {
          const sysvar = { lamports: 0n, data: instructionsSysvarData(msg), owner: SYSVAR_OWNER, executable: false, rentEpoch: 0n };
          preRent.push(rentRule.before(sysvar));
          accounts.push(sysvar);
          return;
        }
        const stored = this.accounts.get(key);
        const account = stored ? shareAccount(stored) : emptyAccount();
        const size = stored ? TRANSACTION_ACCOUNT_BASE_SIZE + stored.data.length : 0;
        preRent.push(rentRule.before(account));
        if (msg.writable[i] && account.rentEpoch !== RENT_EXEMPT_EPOCH && account.lamports >= sv.minimumBalance(this.rent, account.data.length)) {
          account.rentEpoch = RENT_EXEMPT_EPOCH;
        }
        if (!payerValidated && (!msg.isInvoked(i) || msg.isInstructionAccount(i))) {
          this.validateFeePayer(key, account, i, fee, rentRule);
          payerValidated = true;
        }
        loadedSize += size;
        if (loadedSize > sizeLimit) throw new TransactionFailure(txError('MaxLoadedAccountsDataSizeExceeded'));
        accounts.push(account);
      });
      if (!payerValidated) throw new TransactionFailure(txError('AccountNotFound'));
    } catch (e) {
      if (e instanceof TransactionFailure) return { ...early(e.error), fee };
      throw e;
    }

    // Program accounts and their loaders.
    const keys = [...msg.keys];
    const builtinsStart = accounts.length;
    for (const ix of tx.message.instructions) {
      const programId = keys[ix.programIdIndex];
      const program = accounts[ix.programIdIndex];
      if (programId === NATIVE_LOADER) continue;
      if (!program.executable) return { ...early(txError('InvalidProgramForExecution')), fee };
      if (program.owner === NATIVE_LOADER) continue;
      if (keys.indexOf(program.owner, builtinsStart) >= 0) continue;
      const loader = this.accounts.get(program.owner);
      if (!loader || loader.owner !== NATIVE_LOADER || !loader.executable) return { ...early(txError('InvalidProgramForExecution')), fee };
      keys.push(program.owner);
      accounts.push(shareAccount(loader));
    }

    const budget = this.config.computeBudget;
    const computeUnitLimit = budget?.computeUnitLimit ?? limits.computeUnitLimit;
    const heapBytes = budget?.heapBytes ?? limits.heapBytes;
    const context = new TransactionContext(keys, accounts, this.maxStackDepth(), this.maxTraceLength());
    const logs = new LogCollector(this.config.logBytesLimit);
    const ic = new InvokeContext(context, this.environment(tx.message.recentBlockhash), computeUnitLimit, heapBytes, logs);
    const instructionsSysvar = msg.keys.indexOf(SYSVAR.instructions);
    const allData = tx.message.instructions.map((ix) => ix.data);
    let consumedTotal = 0;
    let error: TransactionError | undefined;
    for (let index = 0; index < tx.message.instructions.length; index++) {
      const ix = tx.message.instructions[index];
      if (instructionsSysvar >= 0) setCurrentInstruction(accounts[instructionsSysvar].data, index);
      const frame = context.frame(
        ix.programIdIndex,
        [...ix.accounts].map((a) => ({ txIndex: a, isSigner: msg.isSigner(a), isWritable: msg.writable[a] })),
        ix.data,
        1,
      );
      const before = ic.remaining;
      try {
        const precompileId = msg.keys[ix.programIdIndex];
        const precompile =
          precompileId === SECP256R1_PROGRAM && !this.features.isActive(FEATURES.enableSecp256r1Precompile) ? undefined : PRECOMPILES.get(precompileId);
        if (precompile) {
          // `process_precompile`: recorded in the trace, no accounts, no logs, no units.
          context.push(context.frame(ix.programIdIndex, [], ix.data, 1));
          try {
            precompile(ix.data, allData);
          } finally {
            context.pop();
          }
        } else ic.processInstruction(frame);
      } catch (e) {
        if (!(e instanceof InstructionFailure)) throw e;
        error = { kind: 'InstructionError', index, error: e.error };
      } finally {
        consumedTotal += before - ic.remaining;
      }
      if (error) break;
    }
    if (!error) {
      for (let i = 0; i < msg.keys.length; i++) {
        if (!msg.writable[i]) continue;
        if (!rentRule.allows(msg.keys[i], preRent[i], accounts[i])) {
          error = { kind: 'InsufficientFundsForRent', accountIndex: i };
          break;
        }
      }
    }
    return {
      signature,
      error,
      logs: logs.messages,
      computeUnitsConsumed: BigInt(consumedTotal),
      fee,
      returnData: { ...context.returnData },
      innerInstructions: innerInstructions(context, tx.message.instructions.length),
      postAccounts: msg.keys.flatMap((k, i) => (msg.writable[i] ? [[k, accounts[i]] as [string, Account]] : [])),
      included: true,
      faults: ic.faults,
      profile: ic.env.profiler?.profile,
    };
  }

  /**
   * Runs instructions directly on the given accounts, without a transaction (no fee, signatures
   * or blockhash), the way Mollusk does: accounts not given are taken from the store (programs,
   * sysvars) or start empty. Stops at the first failing instruction. Changes nothing stored.
   */
  processInstructions(instructions: Instruction[], given: [string, Account][], computeUnitLimit = MAX_COMPUTE_UNIT_LIMIT): InstructionsOutcome {
    const keys: string[] = [];
    const accounts: Account[] = [];
    const add = (key: string, account?: Account) => {
      if (keys.includes(key)) return;
      keys.push(key);
      const stored = account ?? this.accounts.get(key);
      accounts.push(stored ? cloneAccount(stored) : emptyAccount());
    };
    for (const [key, account] of given) add(key, account);
    for (const ix of instructions) {
      for (const a of ix.accounts) add(a.pubkey);
      add(ix.programId);
    }
    for (const key of [...keys]) {
      const owner = accounts[keys.indexOf(key)].owner;
      if (accounts[keys.indexOf(key)].executable && this.accounts.get(owner)) add(owner);
    }
    const context = new TransactionContext(keys, accounts, this.maxStackDepth(), this.maxTraceLength());
    const logs = new LogCollector(this.config.logBytesLimit);
    const ic = new InvokeContext(context, this.environment(this.latestBlockhash), computeUnitLimit, this.config.computeBudget?.heapBytes ?? 32 * 1024, logs);
    const perInstruction: number[] = [];
    let failure: { index: number; error: InstructionFailure['error'] } | undefined;
    for (let index = 0; index < instructions.length && !failure; index++) {
      const ix = instructions[index];
      const metas = ix.accounts.map((a) => ({ txIndex: keys.indexOf(a.pubkey), isSigner: a.isSigner, isWritable: a.isWritable }));
      const before = ic.remaining;
      const saved = accounts.map(cloneAccount);
      try {
        ic.processInstruction(context.frame(keys.indexOf(ix.programId), metas, ix.data, 1));
      } catch (e) {
        if (!(e instanceof InstructionFailure)) throw e;
        failure = { index, error: e.error };
        saved.forEach((a, i) => (accounts[i] = a)); // a failed instruction changes nothing
      }
      perInstruction.push(before - ic.remaining);
    }
    return {
      failure,
      logs: logs.messages,
      computeUnitsConsumed: perInstruction.reduce((a, b) => a + b, 0),
      perInstruction,
      returnData: { ...context.returnData },
      accounts: keys.map((k, i) => [k, accounts[i]]),
      faults: ic.faults,
      profile: ic.env.profiler?.profile,
    };
  }

  /** `validate_fee_payer`: exists, system-owned (plain or nonce), can pay and stays rent-valid. */
  private validateFeePayer(address: string, account: Account, index: number, fee: bigint, rentRule: RentStateRule): void {
    if (account.lamports === 0n) throw new TransactionFailure(txError('AccountNotFound'));
    let min = 0n;
    if (account.owner !== SYSTEM_PROGRAM) throw new TransactionFailure(txError('InvalidAccountForFee'));
    if (account.data.length === NONCE_ACCOUNT_SIZE) min = this.minimumBalance(NONCE_ACCOUNT_SIZE);
    else if (account.data.length !== 0) throw new TransactionFailure(txError('InvalidAccountForFee'));
    if (account.lamports < min + fee) throw new TransactionFailure(txError('InsufficientFundsForFee'));
    const before = rentRule.before(account);
    account.lamports -= fee;
    if (!rentRule.allows(address, before, account)) {
      throw new TransactionFailure({ kind: 'InsufficientFundsForRent', accountIndex: index });
    }
  }

  private environment(blockhash: string): InvokeEnvironment {
    const recent = this.accounts.get(SYSVAR.recentBlockhashes)?.data;
    return {
      builtins: this.builtins,
      program: (id) => this.programs.get(id),
      syscalls: this.syscalls,
      host: this.host,
      engine: this.config.engine,
      clock: this.clock,
      epochSchedule: this.epochSchedule,
      slotHashes: this.slotHashes,
      blockhash,
      lamportsPerSignature: this.config.lamportsPerSignature,
      minimumBalance: (dataLen) => sv.minimumBalance(this.rent, dataLen),
      recentBlockhashesEmpty: !recent || recent.length < 8 || recent.every((b, i) => i >= 8 || b === 0),
      features: this.features,
      costs: this.costs,
      tracer: this.config.tracer,
      profiler: this.config.profiling ? new Profiler() : undefined,
    };
  }

  /** The runtime's syscalls; each acts on the invocation in `host.current`. */
  private createSyscalls(): SyscallRegistry {
    const host = this.host;
    const ic = () => host.current!;
    const log = (line: string) => ic().log(line);
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
    const costs = this.costs;
    registerLoggingSyscalls(registry, log, costs);
    registerMemorySyscalls(registry, costs);
    registerPdaSyscalls(registry, costs);
    registerHashingSyscalls(registry, log, { blake3: this.features?.isActive(FEATURES.blake3SyscallEnabled) ?? false, costs });
    registerReturnDataSyscalls(registry, returnData, costs);
    registerCpiSyscalls(registry, ic);
    const bls12381 = this.features?.isActive(FEATURES.enableBls12381Syscall) ?? false;
    registerCurve25519Syscalls(registry, costs, { bls12381 });
    if (bls12381) registerBls12381Syscalls(registry, costs);
    registerSecp256k1Syscalls(registry, costs);
    registerAltBn128Syscalls(registry, costs);
    registerPoseidonSyscall(registry, log, costs);
    registerInvocationSyscalls(
      registry,
      {
        sibling: (index) => siblingInstruction(ic().tx, index),
        epochStake: (vote) => (vote ? (this.epochStakes.get(encodeAddress(vote)) ?? 0n) : [...this.epochStakes.values()].reduce((a, b) => a + b, 0n)),
        stackHeight: () => ic().tx.stack.length,
        allocate: (size, align) => ic().allocate(size, align),
        checkAligned: () => ic().checkAligned(),
      },
      costs,
    );
    const sysvarOptions = { costs, addressRestrictions: this.features?.isActive(FEATURES.syscallParameterAddressRestrictions) ?? false };
    registerGetSysvarSyscall(
      registry,
      (id) => {
        const key = encodeAddress(id);
        return CACHED_SYSVARS.has(key) ? this.accounts.get(key)?.data : undefined;
      },
      sysvarOptions,
    );
    registerSysvarSyscalls(
      registry,
      {
        clock: () => sv.encodeClock(this.clock),
        rent: () => {
          const image = new Uint8Array(24);
          image.set(sv.encodeRent(this.rent));
          return image;
        },
        epochSchedule: () => {
          const s = this.epochSchedule;
          const image = new Uint8Array(40);
          const view = new DataView(image.buffer);
          view.setBigUint64(0, s.slotsPerEpoch, true);
          view.setBigUint64(8, s.leaderScheduleSlotOffset, true);
          image[16] = s.warmup ? 1 : 0;
          view.setBigUint64(24, s.firstNormalEpoch, true);
          view.setBigUint64(32, s.firstNormalSlot, true);
          return image;
        },
        epochRewards: () => {
          const bincode = sv.encodeEpochRewards(this.epochRewards);
          const image = new Uint8Array(96);
          image.set(bincode.subarray(0, 48));
          image.set(bincode.subarray(48, 81), 48);
          return image;
        },
        lastRestartSlot: () => sv.encodeU64(this.lastRestartSlot),
      },
      sysvarOptions,
    );
    return registry;
  }
}

/** `sol_get_processed_sibling_instruction`: the `index`-th latest finished instruction at this height. */
function siblingInstruction(tx: TransactionContext, index: bigint): SiblingInstruction | undefined {
  const height = tx.stack.length;
  let seen = 0n;
  for (let i = tx.trace.length - 1; i >= 0; i--) {
    const f = tx.trace[i];
    if (f.stackHeight < height) break;
    if (f.stackHeight !== height) continue;
    if (index + 1n === seen) {
      const metas = new Uint8Array(34 * f.accounts.length);
      f.accounts.forEach((a, k) => {
        metas.set(tx.keyBytes[a.txIndex], 34 * k);
        metas[34 * k + 32] = a.isSigner ? 1 : 0;
        metas[34 * k + 33] = a.isWritable ? 1 : 0;
      });
      return { programId: tx.keyBytes[f.programTxIndex], data: f.data, accountMetas: metas, accountCount: f.accounts.length };
    }
    seen++;
  }
  return undefined;
}

/** CPIs grouped under the top-level instruction they ran in. */
function innerInstructions(context: TransactionContext, topLevel: number): InnerInstruction[][] {
  const out: InnerInstruction[][] = [];
  for (const f of context.trace) {
    if (f.stackHeight === 1) out.push([]);
    else
      out[out.length - 1]?.push({
        programIdIndex: f.programTxIndex,
        accounts: Uint8Array.from(f.accounts.map((a) => a.txIndex)),
        data: f.data,
        stackHeight: f.stackHeight,
      });
  }
  // Agave's trace holds every top-level instruction, run or not.
  while (out.length < topLevel) out.push([]);
  return out;
}
