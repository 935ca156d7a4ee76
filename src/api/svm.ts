/**
 * `SVM`: the LiteSVM-compatible facade over the runtime. Method names, arguments, defaults and
 * result types follow the `litesvm` package, so switching is an import change; every method also
 * takes @solana/web3.js v1 values and raw bytes.
 */
import { encode } from '../runtime/codec.js';
import { MINT, NATIVE_MINT_DECIMALS } from '../runtime/spl-token-layouts.js';
import type { Address, Blockhash, EncodedAccount, Lamports, MaybeEncodedAccount, Signature } from '@solana/kit';
import bs58 from 'bs58';
import { WebsvmError } from '../errors.js';
import { AccountsDb, emptyAccount, type Account } from '../runtime/accounts.js';
import { formatAccountJson, parseAccountJson } from './account-json.js';
import { requireNodeFs } from '../platform.js';
import { BPF_LOADER_UPGRADEABLE, SYSVAR } from '../runtime/ids.js';
import { decodeSignedMessage, decodeTransaction } from '../runtime/message.js';
import { Runtime, type RuntimeSnapshot, type TransactionOutcome } from '../runtime/runtime.js';
import * as sv from '../runtime/sysvars.js';
import { decodeRuntimeState, encodeRuntimeState } from '../runtime/state-codec.js';
import { toAddress, toNamedAddress, toTransaction, type AddressInput, type TransactionInput } from './inputs.js';
import { fileAccess, refused, toBoolean, toBytes, toFields, toPath, toU64, type U64Input } from '../arguments.js';
import { FeatureSet } from './feature-set.js';
import { DEFAULT_PROGRAMS, defaultProgramSource, warnMissingDefaultPrograms, type ProgramSource } from './default-programs.js';
import type { Executable } from '../executable.js';
import type { Engine } from '../vm/execute.js';
import { loadProgram } from '../runtime/program-loader.js';
import { FailedTransactionMetadata, TransactionMetadata } from './results.js';
import { isProgramDecoder } from './report.js';
import type { ErrorNamer } from './harness.js';
import { Clock, computeBudgetOverride, type ComputeBudgetInput, EpochRewards, EpochSchedule, Rent, SlotHash, SlotHistory, StakeHistory } from './sysvars.js';
import { toClock, toEpochRewards, toEpochSchedule, toRent, toSlotHashes, toSlotHistory, toStakeHistoryEntries } from './sysvars.js';
import { debugFilePaths, registerDebugFile } from '../debug/index.js';
import { Coverage } from '../coverage/index.js';

/** An account as web3.js v1 describes it (accepted by {@link SVM.setAccount}). */
export interface Web3AccountInfo {
  lamports: number | bigint;
  data: Uint8Array;
  owner: AddressInput;
  executable: boolean;
  rentEpoch?: number | bigint;
}

/** What {@link SVM.snapshot} captures: every account, the processed transactions and the latest blockhash. */
export interface AccountsSnapshot {
  /** @internal */
  readonly state: RuntimeSnapshot;
}

/** A simulated transaction's metadata and the accounts it would write. */
export class SimulatedTransactionInfo {
  /** @internal */
  constructor(
    private readonly outcome: TransactionOutcome,
    /** Its metadata, which knows the SVM's IDLs for `report()`. */
    private readonly metadata: TransactionMetadata,
  ) {}
  meta(): TransactionMetadata {
    return this.metadata;
  }
  /** The writable accounts as they would be after the transaction. */
  postAccounts(): EncodedAccount[] {
    return this.outcome.postAccounts.map(([a, acc]) => encoded(a, acc));
  }
}

/** The API's view of an account: a copy, so nothing the caller does reaches the store. */
function encoded(address: string, a: Account): EncodedAccount & { data: Uint8Array } {
  return {
    address: address as Address,
    executable: a.executable,
    lamports: a.lamports as Lamports,
    programAddress: a.owner as Address,
    space: BigInt(a.data.length),
    data: a.data.slice(),
  };
}

/** The engines {@link SVM.withEngine} selects from. */
const ENGINES: readonly unknown[] = ['auto', 'jit', 'interpreter'] satisfies Engine[];

/** Default programs' ELFs loaded once per process (sources hand out the same bytes each time). */
const loadedDefaults = new WeakMap<Uint8Array, Executable>();

/** The simulator. `new SVM()` starts with builtins, sysvars, signature and blockhash checks on. */
export class SVM {
  /** @internal The runtime behind the facade. */
  readonly runtime: Runtime;
  private readonly namers = new Map<string, ErrorNamer>();

  /** The IDLs given to {@link useIdl}, as the results' reports read them (one function for every result). */
  readonly #idls = () => [...this.namers.values()].filter(isProgramDecoder);

  // `#` keeps these two out of reach at run time as well: they take no checked arguments.
  #result(o: TransactionOutcome): TransactionMetadata | FailedTransactionMetadata {
    const idls = this.#idls;
    if (!o.error) return new TransactionMetadata(o, idls);
    return new FailedTransactionMetadata(
      o,
      (program, code) => {
        const namer = this.namers.get(program);
        return namer?.describe({ kind: 'Custom', code });
      },
      idls,
    );
  }

  /** Names a program's custom errors in failures' `describeError()` (`toString()` stays LiteSVM's), e.g. an `AnchorProgram`. */
  useIdl(namer: ErrorNamer): this {
    const { programId, describe } = toFields(namer, 'namer', 'an ErrorNamer such as an AnchorProgram');
    if (typeof describe !== 'function') throw refused('namer.describe', 'a function', describe);
    this.namers.set(toNamedAddress(programId as string, 'namer.programId'), namer);
    return this;
  }

  /**
   * A runtime with builtins, sysvars, precompiles, a funded faucet, signature and blockhash
   * checks, and LiteSVM's default programs when {@link defaultProgramSource} finds them (the
   * `WEBSVM_PROGRAMS` directory or the installed `litesvm` package; none are shipped).
   * (`runtime` is internal: use {@link SVM.default} for a minimal one.)
   */
  constructor(runtime?: Runtime) {
    if (runtime !== undefined && !(runtime instanceof Runtime)) throw refused('new SVM()', 'called without arguments', runtime);
    this.runtime = runtime ?? new Runtime();
    const source = runtime ? undefined : defaultProgramSource();
    if (source) this.#deployDefaultPrograms(source);
    this.expectsDefaultPrograms = !runtime;
  }

  /** Made by new SVM(), which deploys LiteSVM's default programs when it can: a failed transaction naming a missing one warns. */
  private readonly expectsDefaultPrograms: boolean;

  /**
   * A minimal runtime, as `LiteSVM.default()`: no builtins, sysvars or precompiles, an empty
   * faucet, checks off. Add what a test needs with the `with…` methods.
   */
  static default(): SVM {
    return new SVM(new Runtime({ minimal: true }));
  }

  /** Runs with `featureSet` from now on (LiteSVM's default is mainnet's: {@link FeatureSet.mainnet}). */
  withFeatureSet(featureSet: FeatureSet): this {
    if (!(featureSet instanceof FeatureSet))
      throw refused('featureSet', 'a FeatureSet (FeatureSet.mainnet(), FeatureSet.allEnabled() or new FeatureSet())', featureSet);
    this.runtime.setFeatures(featureSet.inner);
    return this;
  }

  /** Adds the builtin programs' accounts (System, Compute Budget, the loaders). */
  withBuiltins(): this {
    this.runtime.addBuiltinAccounts();
    return this;
  }

  /** Adds the sysvar accounts with LiteSVM's starting values (this resets the clock and rent). */
  withSysvars(): this {
    this.runtime.writeDefaultSysvars();
    return this;
  }

  /** Adds the ed25519, secp256k1 and secp256r1 precompiles. */
  withPrecompiles(): this {
    this.runtime.addPrecompileAccounts();
    return this;
  }

  /**
   * Deploys LiteSVM's default programs ({@link DEFAULT_PROGRAMS}: SPL Token, Token-2022, Memo v1
   * and v2, ATA, Address Lookup Table, Stake) from `source`, by default {@link defaultProgramSource}.
   * websvm ships none of their ELFs: without a source that has any of them this throws a
   * `WebsvmError` of kind `Unsupported` saying where they can come from.
   */
  withDefaultPrograms(source: ProgramSource | undefined = defaultProgramSource()): this {
    if (source != null && typeof source !== 'function') throw refused('source', 'a ProgramSource (a function)', source);
    if (!source || this.#deployDefaultPrograms(source) === 0) {
      throw new WebsvmError(
        'Unsupported',
        'websvm does not ship the SPL programs: set WEBSVM_PROGRAMS to a directory of dumped programs (<name>.so or <programId>.so), install litesvm, pass a ProgramSource (programsFromRpc(url) fetches them from a cluster), or deploy them with addProgram',
      );
    }
    return this;
  }

  /** Deploys every default program `source` has; returns how many. */
  #deployDefaultPrograms(source: ProgramSource): number {
    let deployed = 0;
    for (const program of DEFAULT_PROGRAMS) {
      const found = source(program);
      if (!found) continue;
      // Loaded when first run (most tests use few of them), then shared by every SVM.
      const exe = () => {
        let loaded = loadedDefaults.get(found.elf);
        if (!loaded) loadedDefaults.set(found.elf, (loaded = loadProgram(found.elf)));
        return loaded;
      };
      // Sources hand out fixed bytes; the ELF is read (a source may read it lazily) when first needed.
      this.runtime.addProgram(program.programId, () => found.elf, found.loader, exe, true);
      deployed++;
    }
    return deployed;
  }

  /** Adds the wrapped-SOL mints of SPL Token and Token-2022, for whichever of them is deployed. */
  withNativeMints(): this {
    const mint = encode(MINT, { mintAuthority: undefined, supply: 0n, decimals: NATIVE_MINT_DECIMALS, isInitialized: 1, freezeAuthority: undefined });
    for (const [address, program] of [
      ['So11111111111111111111111111111111111111112', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'],
      ['9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP', 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb'],
    ] as const) {
      if (this.runtime.getAccount(program)) {
        this.runtime.setAccount(address, {
          lamports: sv.minimumBalance(this.runtime.rent, MINT.fixedSize),
          data: mint.slice(),
          owner: program,
          executable: false,
          rentEpoch: 0n,
        });
      }
    }
    return this;
  }

  /**
   * Uses a fixed compute budget (limits and prices) instead of what transactions request. Accepts
   * our {@link ComputeBudget} or LiteSVM's; a changed `maxCallDepth` or `stackFrameSize` is refused
   * with a `WebsvmError` of kind `Unsupported`, since the VM fixes both, and a value outside u64
   * with kind `InvalidArgument`.
   */
  withComputeBudget(budget: ComputeBudgetInput): this {
    this.runtime.setComputeBudget(computeBudgetOverride(budget));
    return this;
  }

  /** Turns transaction signature verification on or off (on by default). */
  withSigverify(sigverify: boolean): this {
    this.runtime.config.sigverify = toBoolean(sigverify, 'sigverify');
    return this;
  }

  /**
   * Turns compute-unit profiling on (or off with `false`): each transaction's sBPF programs then
   * run on the interpreter, and its result's `profile()` attributes every unit to a call stack
   * (programs, functions, inlined functions, syscalls), a function and a source line. Results and
   * compute units are exactly those of a plain run.
   */
  withProfiling(enabled = true): this {
    this.runtime.config.profiling = toBoolean(enabled, 'enabled');
    return this;
  }

  /**
   * Turns coverage on (or off with `false`): each sBPF program this SVM runs then runs on the
   * interpreter and records which of its instructions ran, into a new {@link Coverage} or the one
   * given (share one among SVMs to add up a whole test run). {@link coverage} returns it;
   * `coverage.writeLcov(path)` writes lines (with DWARF), functions and instructions as an lcov
   * tracefile. Results and compute units are exactly those of a plain run.
   */
  withCoverage(coverage: Coverage | boolean = true): this {
    const config = this.runtime.config;
    config.coverage = coverage instanceof Coverage ? coverage : toBoolean(coverage, 'coverage') ? (config.coverage ?? new Coverage()) : undefined;
    return this;
  }

  /** The coverage this SVM records into (see {@link withCoverage}), or undefined when it records none. */
  coverage(): Coverage | undefined {
    return this.runtime.config.coverage;
  }

  /** Turns the recent-blockhash check on or off (on by default). */
  withBlockhashCheck(check: boolean): this {
    this.runtime.config.blockhashCheck = toBoolean(check, 'check');
    return this;
  }

  /**
   * Turns the limit on serialized transactions (1232 bytes, 4096 for v1) on or off (on by default, as on a real
   * cluster; LiteSVM does not check it). Over the limit, sending throws `TransactionTooLarge`.
   */
  withTransactionSizeLimit(enabled: boolean): this {
    this.runtime.config.packetSizeLimit = toBoolean(enabled, 'enabled');
    return this;
  }

  /**
   * Sizes the history kept for {@link getTransaction} and duplicate detection (0 = off) exactly
   * as LiteSVM does, which is not always `capacity`: the history starts at 32 transactions; a
   * `capacity` up to the current size keeps the oldest `capacity` held and shrinks the history
   * to what it then holds (on an empty history, any such value turns it off); a larger one makes
   * room for `capacity - size` more than are held, rounded up as LiteSVM's hash map rounds its
   * allocation (from a new `SVM`, 500 gives 896).
   */
  withTransactionHistory(capacity: U64Input): this {
    this.runtime.history.setCapacity(Number(toU64(capacity, 'capacity')));
    return this;
  }

  /**
   * Limits each transaction's log to `limit` bytes of UTF-8 text, after which one `Log truncated`
   * line ends it, as Agave counts them. No argument (or undefined, or null) means no limit; a new
   * `SVM` keeps 10 000 bytes.
   */
  withLogBytesLimit(limit?: U64Input | null): this {
    // Beyond 2^53 bytes no log is ever cut, so the rounding of a larger limit is invisible.
    this.runtime.config.logBytesLimit = limit === undefined || limit === null ? undefined : Number(toU64(limit, 'limit'));
    return this;
  }

  /** Sets the airdrop account's balance. */
  withLamports(lamports: U64Input): this {
    const balance = toU64(lamports, 'lamports');
    const a = this.runtime.getAccount(this.runtime.airdropAddress) ?? emptyAccount();
    this.runtime.setAccount(this.runtime.airdropAddress, { ...a, lamports: balance });
    return this;
  }

  /**
   * Selects the execution engine: `'auto'` (the default: each program is interpreted until it has
   * run enough to be worth compiling to WebAssembly), `'jit'` (compiled from the first run) or
   * `'interpreter'`. Results, logs and compute units are identical on all three.
   */
  withEngine(engine: Engine): this {
    if (!ENGINES.includes(engine)) throw refused('engine', `one of ${ENGINES.map((e) => `'${e}'`).join(', ')}`, engine);
    this.runtime.config.engine = engine;
    return this;
  }

  /** Loads an account from `solana account --output json` text (or a parsed file). */
  loadAccountJson(json: string): string {
    if (typeof json !== 'string') throw refused('json', 'account JSON text', json);
    const { address, account } = parseAccountJson(json);
    this.runtime.setAccount(address, account);
    return address;
  }

  /** The account at `address` as `solana account --output json` text, or undefined. */
  accountJson(address: AddressInput): string | undefined {
    const a = toAddress(address);
    const account = this.runtime.getAccount(a);
    return account ? formatAccountJson(a, account) : undefined;
  }

  /**
   * Loads every `*.json` account file of a directory (Node only) and returns the addresses. All
   * files are read and checked first and then set as one change, in any order (a program's
   * ProgramData may come after it); a file that is malformed or holds an account that cannot be
   * set throws a `WebsvmError` naming it, and then nothing is loaded.
   */
  loadAccountsFromDirectory(dir: string): string[] {
    const fs = requireNodeFs('file access');
    const fileOf = new Map<string, string>();
    const accounts: [string, Account][] = [];
    const files = fileAccess('read', toPath(dir, 'dir'), () => fs.readdirSync(dir));
    for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
      const path = `${dir}/${file}`;
      const text = fileAccess('read', path, () => fs.readFileSync(path, 'utf8'));
      let parsed: { address: string; account: Account };
      try {
        parsed = parseAccountJson(text);
      } catch (e) {
        throw new WebsvmError('InvalidAccountJson', `${path}: ${(e as Error).message}`);
      }
      const earlier = fileOf.get(parsed.address);
      if (earlier) throw new WebsvmError('DuplicateAccount', `${path}: account ${parsed.address} is also in ${earlier}`);
      fileOf.set(parsed.address, path);
      accounts.push([parsed.address, parsed.account]);
    }
    this.runtime.setAccounts(
      accounts,
      (address, e) =>
        new WebsvmError('InvalidAccount', `${fileOf.get(address)}: account ${address} cannot be set: ${e instanceof Error ? e.message : String(e)}`),
    );
    return accounts.map(([address]) => address);
  }

  /** Writes accounts (all of them by default) as `<address>.json` files into `dir` (Node only). */
  saveAccountsToDirectory(dir: string, addresses?: AddressInput[]): string[] {
    const fs = requireNodeFs('file access');
    toPath(dir, 'dir');
    if (addresses !== undefined && !Array.isArray(addresses)) throw refused('addresses', 'an array of addresses', addresses);
    const keys = addresses ? addresses.map(toAddress) : [...this.runtime.accounts.entries()].map(([k]) => k);
    fileAccess('write', dir, () => fs.mkdirSync(dir, { recursive: true }));
    for (const k of keys) {
      const text = this.accountJson(k);
      if (text) fileAccess('write', `${dir}/${k}.json`, () => fs.writeFileSync(`${dir}/${k}.json`, text));
    }
    return keys;
  }

  /** A snapshot of every account, the transaction history and the latest blockhash, to bring back with {@link restore}. */
  snapshot(): AccountsSnapshot {
    return { state: this.runtime.snapshot() };
  }

  /**
   * Returns to a {@link snapshot}: its accounts (programs and sysvars included; accounts created
   * since are removed), its transaction history (a transaction sent since can be sent again) and
   * its latest blockhash.
   */
  restore(snapshot: AccountsSnapshot): void {
    const { state } = toFields(snapshot, 'snapshot', 'what snapshot() returned');
    if (!((state as RuntimeSnapshot | undefined)?.accounts instanceof AccountsDb)) throw refused('snapshot', 'what snapshot() returned', snapshot);
    this.runtime.restore(state as RuntimeSnapshot);
  }

  /**
   * The whole state as bytes that {@link SVM.fromBytes} turns back into an `SVM` giving the same
   * results: every account (sysvars and programs included), the feature set, the settings of the
   * `with…` methods (the engine aside), the latest blockhash, the airdrop account and the
   * transaction history. The format is websvm's own, versioned (`src/runtime/state-codec.ts`
   * declares it); LiteSVM's bytes are not read.
   */
  toBytes(): Uint8Array {
    return encodeRuntimeState(this.runtime);
  }

  /**
   * A new `SVM` with the state {@link toBytes} saved. Bytes that are not such a state, are cut short,
   * damaged or of another format version are refused with a `WebsvmError` of kind `InvalidSnapshot`.
   */
  static fromBytes(bytes: Uint8Array): SVM {
    return new SVM(decodeRuntimeState(toBytes(bytes, 'bytes')));
  }

  /** Writes {@link toBytes} to the file at `path` (Node only); what the system refuses is a `WebsvmError` of kind `FileError`. */
  saveToFile(path: string): void {
    const fs = requireNodeFs('file access');
    toPath(path, 'path');
    const state = this.toBytes();
    fileAccess('write', path, () => fs.writeFileSync(path, state));
  }

  /**
   * A new `SVM` with the state saved at `path` by {@link saveToFile} (Node only). A file that cannot
   * be read is refused with kind `FileError`, one that holds no valid state as {@link fromBytes} refuses it.
   */
  static loadFromFile(path: string): SVM {
    const fs = requireNodeFs('file access');
    toPath(path, 'path');
    return SVM.fromBytes(fileAccess('read', path, () => fs.readFileSync(path)));
  }

  /** Lamports an account with `dataLen` bytes needs to be rent exempt. */
  minimumBalanceForRentExemption(dataLen: U64Input): bigint {
    return this.runtime.minimumBalance(toU64(dataLen, 'dataLen'));
  }

  /** The account at `address` (`exists: false` when there is none). */
  getAccount(address: AddressInput): MaybeEncodedAccount {
    const a = toAddress(address);
    const account = this.runtime.getAccount(a);
    return account ? { exists: true, ...encoded(a, account) } : { exists: false, address: a as Address };
  }

  /** All accounts owned by `programAddress`. */
  getProgramAccounts(programAddress: AddressInput): EncodedAccount[] {
    const owner = toNamedAddress(programAddress, 'programAddress');
    return [...this.runtime.accounts.entries()].filter(([, a]) => a.owner === owner).map(([k, a]) => encoded(k, a));
  }

  /**
   * Creates or overwrites an account, bypassing the runtime's rules. Takes a kit `EncodedAccount`,
   * or an address and a web3.js-style account.
   */
  setAccount(account: EncodedAccount): void;
  setAccount(address: AddressInput, account: Web3AccountInfo): void;
  setAccount(first: EncodedAccount | AddressInput, second?: Web3AccountInfo): void {
    if (second !== undefined) {
      toFields(second, 'account', 'an account (lamports, data, owner, executable)');
      this.runtime.setAccount(toAddress(first as AddressInput), {
        lamports: toU64(second.lamports, 'lamports'),
        data: Uint8Array.from(toBytes(second.data, 'data')),
        owner: toNamedAddress(second.owner, 'owner'),
        executable: second.executable,
        rentEpoch: toU64(second.rentEpoch ?? 0, 'rentEpoch'),
      });
      return;
    }
    const e = toFields(first, 'account', 'an EncodedAccount, or an address and an account') as unknown as EncodedAccount;
    this.runtime.setAccount(toAddress(e.address), {
      lamports: toU64(e.lamports, 'lamports'),
      data: Uint8Array.from(toBytes(e.data, 'data')),
      owner: toNamedAddress(e.programAddress, 'programAddress'),
      executable: e.executable,
      rentEpoch: 0n,
    });
  }

  /** The balance of `address`, or null when the account does not exist. */
  getBalance(address: AddressInput): Lamports | null {
    const a = this.runtime.getAccount(toAddress(address));
    return a ? (a.lamports as Lamports) : null;
  }

  /** The blockhash transactions must use. */
  latestBlockhash(): Blockhash {
    return this.runtime.latestBlockhash as Blockhash;
  }

  /** Gives a kit transaction message the latest blockhash as its lifetime. */
  setTransactionMessageLifetimeUsingLatestBlockhash<T extends object>(
    message: T,
  ): T & { lifetimeConstraint: { blockhash: Blockhash; lastValidBlockHeight: bigint } } {
    toFields(message, 'message', 'a kit transaction message');
    return Object.freeze({
      ...message,
      lifetimeConstraint: Object.freeze({ blockhash: this.latestBlockhash(), lastValidBlockHeight: 0xffff_ffff_ffff_ffffn }),
    });
  }

  /** A transaction from the history by signature (base58 or 64 bytes). */
  getTransaction(signature: Signature | Uint8Array | string): TransactionMetadata | FailedTransactionMetadata | null {
    if (typeof signature !== 'string' && !(signature instanceof Uint8Array)) throw refused('signature', 'a base58 string or 64 bytes', signature);
    let bytes: Uint8Array;
    try {
      bytes = typeof signature === 'string' ? bs58.decode(signature) : signature;
    } catch {
      return null; // not base58: no transaction has it
    }
    const o = this.runtime.getTransaction(bytes);
    return o ? this.#result(o) : null;
  }

  /** Sends `lamports` to `address` from the built-in faucet (a real System transfer). */
  airdrop(address: AddressInput, lamports: U64Input): TransactionMetadata | FailedTransactionMetadata | null {
    return this.#result(this.runtime.airdrop(toAddress(address), toU64(lamports, 'lamports')));
  }

  /** Deploys an ELF under `programId` with the upgradeable loader (as LiteSVM does). */
  addProgram(programId: AddressInput, programBytes: Uint8Array): void {
    this.runtime.addProgram(toNamedAddress(programId, 'programId'), toBytes(programBytes, 'programBytes'), BPF_LOADER_UPGRADEABLE);
  }

  /** Deploys an ELF with a chosen loader (v1 `BPFLoader1111…`, v2 `BPFLoader2111…` or the upgradeable one). */
  addProgramWithLoader(programId: AddressInput, programBytes: Uint8Array, loaderId: AddressInput): void {
    this.runtime.addProgram(toNamedAddress(programId, 'programId'), toBytes(programBytes, 'programBytes'), toNamedAddress(loaderId, 'loaderId'));
  }

  /**
   * Deploys the ELF at `path` (Node only). A file that cannot be read is refused with a
   * `WebsvmError` of kind `FileError` carrying the operating system's message. A separate debug
   * file beside it (`prog.debug` or `prog.so.debug`) is used for source locations of failures.
   */
  addProgramFromFile(programId: AddressInput, path: string): void {
    const id = toNamedAddress(programId, 'programId');
    const fs = requireNodeFs('file access');
    const elf = fileAccess('read', toPath(path, 'path'), () => new Uint8Array(fs.readFileSync(path)));
    const debugPath = debugFilePaths(path).find((p) => fs.existsSync(p));
    if (debugPath) registerDebugFile(elf, new Uint8Array(fs.readFileSync(debugPath)));
    this.addProgram(id, elf);
  }

  /** Processes a transaction and commits its effects. */
  sendTransaction(tx: TransactionInput): TransactionMetadata | FailedTransactionMetadata {
    const input = toTransaction(tx);
    const outcome = this.runtime.send(input);
    if (outcome.error && this.expectsDefaultPrograms) {
      const { message } = input instanceof Uint8Array ? decodeTransaction(input) : decodeSignedMessage(input);
      warnMissingDefaultPrograms(message.staticKeys, (id) => this.runtime.getAccount(id) !== undefined);
    }
    return this.#result(outcome);
  }

  /** Processes a transaction without changing any state. */
  simulateTransaction(tx: TransactionInput): FailedTransactionMetadata | SimulatedTransactionInfo {
    const o = this.runtime.simulate(toTransaction(tx));
    const r = this.#result(o);
    return r instanceof FailedTransactionMetadata ? r : new SimulatedTransactionInfo(o, r);
  }

  /** Replaces the latest blockhash; transactions using the old one fail with BlockhashNotFound. */
  expireBlockhash(): void {
    this.runtime.expireBlockhash();
  }

  /** Moves the clock to `slot`. */
  warpToSlot(slot: U64Input): void {
    this.runtime.warpToSlot(toU64(slot, 'slot'));
  }

  getClock(): Clock {
    return Clock.from(this.runtime.clock);
  }
  setClock(clock: sv.Clock): void {
    this.runtime.setSysvarAccount(SYSVAR.clock, sv.encodeClock(toClock(clock)));
  }
  getRent(): Rent {
    return Rent.from(this.runtime.rent);
  }
  setRent(rent: sv.Rent): void {
    this.runtime.setSysvarAccount(SYSVAR.rent, sv.encodeRent(toRent(rent)));
  }
  getEpochSchedule(): EpochSchedule {
    return EpochSchedule.from(this.runtime.epochSchedule);
  }
  setEpochSchedule(schedule: sv.EpochSchedule): void {
    this.runtime.setSysvarAccount(SYSVAR.epochSchedule, sv.encodeEpochSchedule(toEpochSchedule(schedule)));
  }
  getEpochRewards(): EpochRewards {
    return EpochRewards.from(this.runtime.epochRewards);
  }
  setEpochRewards(rewards: sv.EpochRewards): void {
    this.runtime.setSysvarAccount(SYSVAR.epochRewards, sv.encodeEpochRewards(toEpochRewards(rewards)));
  }
  getLastRestartSlot(): bigint {
    return this.runtime.lastRestartSlot;
  }
  setLastRestartSlot(slot: U64Input): void {
    this.runtime.setSysvarAccount(SYSVAR.lastRestartSlot, sv.encodeU64(toU64(slot, 'slot')));
  }
  getSlotHashes(): SlotHash[] {
    return this.runtime.slotHashes.map((h) => new SlotHash(h.slot, h.hash));
  }
  setSlotHashes(hashes: sv.SlotHash[]): void {
    this.runtime.setSysvarAccount(SYSVAR.slotHashes, sv.encodeSlotHashes(toSlotHashes(hashes)));
  }
  /** The data of the sysvar account at `address`; a minimal SVM without it throws kind `SysvarNotFound`. */
  #sysvarData(address: string, sysvar: string): Uint8Array {
    const account = this.runtime.getAccount(address);
    if (!account) throw new WebsvmError('SysvarNotFound', `the ${sysvar} sysvar account does not exist (call withSysvars())`, { sysvar, address });
    return account.data;
  }

  getSlotHistory(): SlotHistory {
    const h = sv.decodeSlotHistory(this.#sysvarData(SYSVAR.slotHistory, 'SlotHistory'));
    return new SlotHistory(h.bits, h.nextSlot);
  }
  setSlotHistory(history: sv.SlotHistory): void {
    this.runtime.setSysvarAccount(SYSVAR.slotHistory, sv.encodeSlotHistory(toSlotHistory(history)));
  }
  getStakeHistory(): StakeHistory {
    const out = new StakeHistory();
    out.entries.push(...sv.decodeStakeHistory(this.#sysvarData(SYSVAR.stakeHistory, 'StakeHistory')));
    return out;
  }
  setStakeHistory(history: StakeHistory): void {
    this.runtime.setSysvarAccount(SYSVAR.stakeHistory, sv.encodeStakeHistory(toStakeHistoryEntries(history)));
  }
}

/** Alias for drop-in use: `import { LiteSVM } from 'websvm'`. */
export { SVM as LiteSVM };
export type { Address };
