/**
 * The runtime (Agave's bank as LiteSVM keeps it): accounts, sysvar values, the program cache,
 * builtins, feature gates and settings. Transactions go through the stages of
 * ./transaction-processor.ts; syscalls are wired in ./runtime-syscalls.ts, airdrops paid by
 * ./airdrop.ts, and the harness mode lives in ./instruction-harness.ts.
 */
import { DEFAULT_PROGRAM_DATA } from './litesvm-release.js';
import bs58 from 'bs58';
import { log, logProgramLines } from '../log.js';
import { sha256 } from '../crypto/sha256.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { findProgramAddress } from '../syscalls/pda.js';
import { defaultExecutionCosts, type ExecutionCosts } from '../syscalls/costs.js';
import { AccountsDb, decodeAddress, emptyAccount, encodeAddress, type Account } from './accounts.js';
import { AirdropFaucet } from './airdrop.js';
import { builtinEnabled, defaultBuiltins } from './builtins/index.js';
import { InstructionFailure } from './errors.js';
import { BPF_LOADER_UPGRADEABLE, CONFIG_PROGRAM, FEATURE_PROGRAM, NATIVE_LOADER, SBPF_LOADERS, STAKE_CONFIG, SYSVAR, SYSVAR_OWNER } from './ids.js';
import { PRECOMPILES } from './precompiles.js';
import { featureAccountData, FEATURES, FeatureSet } from './features.js';
import { encodeLoaderState, PROGRAMDATA_METADATA_SIZE } from './loader-state.js';
import { Profiler } from '../profile/index.js';
import { defaultCoverage, type Coverage } from '../coverage/index.js';
import type { ExecutionTracer, InvokeContext, InvokeEnvironment, LoadedProgram, ProgramWatcher } from './invoke-context.js';
import { LOG_MESSAGES_BYTES_LIMIT } from './log-collector.js';
import { checkPacketSize, decodeSignedMessage, decodeTransaction, type SignedMessage, type WireTransaction } from './message.js';
import type { Executable } from '../executable.js';
import { loadProgram, programElf } from './program-loader.js';
import { createRuntimeSyscalls } from './runtime-syscalls.js';
import * as sv from './sysvars.js';
import { DEFAULT_ENGINE, type Engine, warmUpAhead } from '../vm/execute.js';
import { TransactionHistory } from './transaction-history.js';
import {
  calculateFee,
  commitTransaction,
  loadAndExecuteTransaction,
  loadMessage,
  transactionBudgetLimits,
  type Bank,
  type TransactionOutcome,
} from './transaction-processor.js';

export type { InnerInstruction, TransactionOutcome } from './transaction-processor.js';

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
  /** Watches every sBPF program run, CPIs included (the debugger); undefined (the default) watches none. */
  watcher: ProgramWatcher | undefined;
  /** Where sBPF programs record the instructions they run (they then run on the interpreter); undefined = nowhere. */
  coverage: Coverage | undefined;
}

const MAX_INSTRUCTION_STACK_DEPTH = 5;
const MAX_INSTRUCTION_STACK_DEPTH_SIMD_0268 = 9;
const MAX_INSTRUCTION_TRACE_LENGTH = 64;

/**
 * Programdata addresses by program id: deriving one costs a curve check per bump tried, so the
 * default programs' (which every new SVM deploys) come ready from the release data.
 */
const programDataAddresses = new Map<string, string>(DEFAULT_PROGRAM_DATA);

/** The ProgramData address of an upgradeable program. */
export function programDataAddress(programId: string): string {
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
  data.set(encodeLoaderState({ kind: 'ProgramData', slot, authority: undefined }));
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

/** A runtime's state as {@link Runtime.snapshot} captures it. */
export interface RuntimeSnapshot {
  readonly accounts: AccountsDb;
  readonly history: TransactionHistory<TransactionOutcome>;
  readonly latestBlockhash: string;
}

/** `create_blockhash`: sha256 of the bytes. */
export const blockhashOf = (bytes: Uint8Array) => bs58.encode(sha256(bytes));
/** The first latest blockhash, `blockhashOf("genesis")` (written out: a new SVM need not hash). */
export const GENESIS_BLOCKHASH = 'CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky';

export class Runtime implements Bank {
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
    watcher: undefined,
    coverage: defaultCoverage(),
  };
  latestBlockhash = GENESIS_BLOCKHASH;
  private readonly programs = new Map<string, LoadedProgram>();
  /** Processed transactions by signature (`getTransaction`, AlreadyProcessed). */
  readonly history = new TransactionHistory<TransactionOutcome>();
  /** The invocation running an sBPF program, which the syscalls act on. */
  private readonly host: { current: InvokeContext | undefined } = { current: undefined };
  private readonly faucet: AirdropFaucet;
  /** The account airdrops are paid from. */
  readonly airdropAddress: string;

  /** The secret key of the airdrop account (what a saved state carries). */
  get airdropSeed(): Uint8Array {
    return this.faucet.seed;
  }

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
   * `airdropSeed` is the airdrop account's secret key, for a runtime carrying on a saved one.
   */
  constructor(opts: { minimal?: boolean; airdropSeed?: Uint8Array } = {}) {
    this.faucet = new AirdropFaucet(opts.airdropSeed);
    this.airdropAddress = this.faucet.address;
    this.syscalls = createRuntimeSyscalls(this, this.host);
    warmUpAhead();
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
    this.syscalls = createRuntimeSyscalls(this, this.host);
  }

  /** Feature-gate accounts for the active features (`with_feature_accounts`). */
  addFeatureAccounts(): void {
    let lamports: bigint | undefined; // every feature account has the same size
    for (const [id, slot] of this.features.entries()) {
      const data = featureAccountData(slot);
      lamports ??= this.minimumBalance(data.length);
      this.accounts.set(id, { lamports, data, owner: FEATURE_PROGRAM, executable: false, rentEpoch: 0n });
    }
  }

  maxTraceLength(): number {
    return this.config.computeBudget?.maxInstructionTraceLength ?? MAX_INSTRUCTION_TRACE_LENGTH;
  }

  maxStackDepth(): number {
    if (this.config.computeBudget) return this.config.computeBudget.maxInstructionStackDepth;
    return this.features.isActive(FEATURES.raiseCpiNestingLimitTo8) ? MAX_INSTRUCTION_STACK_DEPTH_SIMD_0268 : MAX_INSTRUCTION_STACK_DEPTH;
  }

  /** The builtin programs' native-loader accounts (`with_builtins`), of those the feature set enables. */
  addBuiltinAccounts(): void {
    for (const [id, builtin] of this.builtins) {
      if (!builtinEnabled(id, this.features)) continue;
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
   * Stores `entries`, in order, as the accounts of a runtime carrying on saved state: the sysvar
   * values are read from their accounts first, then each sBPF program is cached at that clock's
   * slot (one that does not load is cached as failed, as a transaction's commit leaves it).
   */
  loadAccounts(entries: [string, Account][]): void {
    for (const [address, account] of entries) {
      this.sysvarUpdate(address, account.data)?.();
      this.accounts.set(address, account);
    }
    for (const [address, account] of entries) if (account.executable && SBPF_LOADERS.has(account.owner)) this.cacheProgram(address, account);
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
    for (const [address, exe, loader] of programs)
      this.programs.set(address, { kind: 'loaded', exe, loader, deploymentSlot: this.clock.slot, effectiveSlot: this.clock.slot });
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
        deploymentSlot: this.clock.slot,
        effectiveSlot: this.clock.slot,
      });
    } catch {
      this.programs.set(address, { kind: 'failed', loader: account.owner });
    }
  }

  /** Stores an account a transaction wrote: a program account is cached again, a sysvar account updates its value. */
  storeCommitted(address: string, account: Account): void {
    if (account.executable && SBPF_LOADERS.has(account.owner)) this.cacheProgram(address, account);
    this.sysvarUpdate(address, account.data)?.();
    this.accounts.set(address, account);
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

  /** The executable of the sBPF program deployed at `programId` (undefined for anything else, or when it failed to load). */
  executableOf(programId: string): Executable | undefined {
    const program = this.programs.get(programId);
    return program?.kind === 'loaded' ? program.exe : undefined;
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
      const program = encodeLoaderState({ kind: 'Program', programData });
      this.accounts.set(programId, { lamports: balance(program.length), data: program, owner: loader, executable: true, rentEpoch: 0n });
    } else {
      store(programId, () => {
        const bytes = readElf();
        return { lamports: balance(bytes.length), data: elfNeverChanges ? bytes : new Uint8Array(bytes), owner: loader, executable: true, rentEpoch: 0n };
      });
    }
    if (typeof executable !== 'function') {
      this.programs.set(programId, { kind: 'loaded', exe: executable, loader, deploymentSlot: slot, effectiveSlot: slot });
      return;
    }
    let loaded: Executable | undefined;
    this.programs.set(programId, {
      kind: 'loaded',
      get exe() {
        return (loaded ??= executable());
      },
      loader,
      deploymentSlot: slot,
      effectiveSlot: slot,
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
    return this.history.get(signature);
  }

  /** Sends `lamports` from the airdrop account with a signed System transfer. */
  airdrop(to: string, lamports: bigint): TransactionOutcome {
    return this.send(this.airdropTransaction(to, lamports));
  }

  /** The signed System transfer of `lamports` from the airdrop account to `to`, on the latest blockhash. */
  airdropTransaction(to: string, lamports: bigint): Uint8Array {
    return this.faucet.transfer(to, lamports, this.latestBlockhash);
  }

  // --- transactions ---

  /** Processes a serialized transaction and commits it (accounts on success, the fee on failure). */
  send(input: Uint8Array | SignedMessage | WireTransaction): TransactionOutcome {
    const tx = this.decode(input);
    const outcome = loadAndExecuteTransaction(this, tx);
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
    commitTransaction(this, tx, outcome);
    return outcome;
  }

  /** Processes a serialized transaction without changing any state. */
  simulate(input: Uint8Array | SignedMessage | WireTransaction): TransactionOutcome {
    return loadAndExecuteTransaction(this, this.decode(input));
  }

  /** `input` decoded (an already decoded transaction as it is), its size checked first when the packet limit is on. */
  private decode(input: Uint8Array | SignedMessage | WireTransaction): WireTransaction {
    if ('message' in input) return input;
    if (this.config.packetSizeLimit) checkPacketSize(input);
    return input instanceof Uint8Array ? decodeTransaction(input) : decodeSignedMessage(input);
  }

  /**
   * The fee `tx`'s message would pay now (Agave's `get_fee_for_message`), or undefined when its
   * blockhash is not the latest one; its signatures are not looked at. Throws `TransactionFailure`
   * when the message cannot be loaded (an address lookup that fails, a bad compute-budget request).
   */
  feeForMessage(tx: WireTransaction): bigint | undefined {
    if (tx.message.recentBlockhash !== this.latestBlockhash) return undefined;
    const msg = loadMessage(this, tx);
    return calculateFee(this, tx, msg, transactionBudgetLimits(this, tx, msg));
  }

  /** What instructions of a transaction on `blockhash` run against. */
  environment(blockhash: string): InvokeEnvironment {
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
      recentBlockhashesEmpty: () => {
        // The sysvar's first 8 bytes count its entries.
        const recent = this.accounts.get(SYSVAR.recentBlockhashes)?.data;
        return !recent || recent.length < 8 || recent.subarray(0, 8).every((b) => b === 0);
      },
      features: this.features,
      costs: this.costs,
      tracer: this.config.tracer,
      profiler: this.config.profiling ? new Profiler() : undefined,
      watcher: this.config.watcher,
      coverage: this.config.coverage,
    };
  }
}
