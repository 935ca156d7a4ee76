/**
 * Transaction processing in Agave's stages, named after agave `svm/src/transaction_processor.rs`,
 * `account_loader.rs` and the bank's checks, in the order LiteSVM runs them:
 *
 * 1. {@link sanitizeTransaction}: structure, address lookups, account locks, signatures;
 * 2. {@link checkAge} (recent blockhash or durable nonce), the compute budget, {@link checkStatus}
 *    (AlreadyProcessed);
 * 3. {@link calculateFee}, then {@link loadTransaction}: accounts loaded, the fee payer validated
 *    and charged (`validate_transaction_fee_payer`), programs and their loaders;
 * 4. {@link executeLoadedTransaction}: the instructions, then {@link checkRentState};
 * 5. {@link commitTransaction}: written accounts on success, the fee alone on failure.
 *
 * A transaction refused before loading reports LiteSVM's default metadata and changes nothing.
 */
import { emptyAccount, RENT_EXEMPT_EPOCH, shareAccount, type Account, type AccountsDb } from './accounts.js';
import type { FaultSite } from '../debug/index.js';
import type { Profile } from '../profile/index.js';
import { budgetsAsBuiltin } from './builtins/index.js';
import { decodeNonce, durableNonce, NONCE_STATE_SIZE } from './builtins/nonce.js';
import { isAdvanceNonceAccount } from './builtins/system.js';
import { computeBudgetLimits, configLimits, type ComputeBudgetLimits } from './compute-budget.js';
import { InstructionFailure, TransactionFailure, txError, type TransactionError } from './errors.js';
import { FEATURES, type FeatureSet } from './features.js';
import { ED25519_PROGRAM, NATIVE_LOADER, SECP256K1_PROGRAM, SECP256R1_PROGRAM, SYSTEM_PROGRAM, SYSVAR, SYSVAR_OWNER } from './ids.js';
import { instructionsSysvarData, setCurrentInstruction } from './instructions-sysvar.js';
import { InvokeContext, type Builtin, type InvokeEnvironment } from './invoke-context.js';
import { LoadedMessage } from './loaded-message.js';
import { LogCollector } from './log-collector.js';
import { sanitizeTransaction as sanitizeStructure, type WireTransaction } from './message.js';
import { PRECOMPILES } from './precompiles.js';
import { RentStateRule, type AccountBefore } from './rent-state.js';
import { verifySignature } from './sigverify.js';
import { minimumBalance, type Clock, type Rent, type SlotHash } from './sysvars.js';
import { TransactionContext, type ExecutionRecord, type InstructionAccount } from './transaction-context.js';
import type { TransactionHistory } from './transaction-history.js';
import type { RuntimeConfig } from './runtime.js';

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
  /** Its accounts before and after and its instruction trace, when it was executed (not kept in the history). */
  execution?: ExecutionRecord;
}

/** What the stages read from the bank (the runtime) and the one way they write to it. */
export interface Bank {
  readonly accounts: AccountsDb;
  readonly config: Readonly<RuntimeConfig>;
  readonly features: FeatureSet;
  readonly builtins: ReadonlyMap<string, Builtin>;
  readonly history: TransactionHistory<TransactionOutcome>;
  readonly latestBlockhash: string;
  readonly clock: Clock;
  readonly rent: Rent;
  readonly slotHashes: readonly SlotHash[];
  /** Rent-exempt minimum (at least 1 lamport). */
  minimumBalance(dataLen: number): bigint;
  /** Deepest instruction nesting. */
  maxStackDepth(): number;
  /** Most instructions one transaction may run. */
  maxTraceLength(): number;
  /** What instructions of a transaction on `blockhash` run against. */
  environment(blockhash: string): InvokeEnvironment;
  /** Stores a committed account, updating the program cache and sysvar values it affects. */
  storeCommitted(address: string, account: Account): void;
}

/** Accounts a transaction may lock (64 until `increase_tx_account_lock_limit`). */
const ACCOUNT_LOCK_LIMIT = 64;
const TRANSACTION_ACCOUNT_BASE_SIZE = 64;
const ADDRESS_LOOKUP_TABLE_BASE_SIZE = 8248;

/** A transaction refused before execution: LiteSVM's default metadata, with no signature. */
function refused(error: TransactionError, fee = 0n): TransactionOutcome {
  return {
    signature: new Uint8Array(64),
    error,
    logs: [],
    computeUnitsConsumed: 0n,
    fee,
    returnData: { programId: SYSTEM_PROGRAM, data: new Uint8Array(0) },
    innerInstructions: [],
    postAccounts: [],
    included: false,
  };
}

/** Runs every stage up to, not including, the commit (`load_and_execute_sanitized_transactions`). */
export function loadAndExecuteTransaction(bank: Bank, tx: WireTransaction): TransactionOutcome {
  const signature = tx.signatures[0] ?? new Uint8Array(64);
  let msg: LoadedMessage;
  let limits: ComputeBudgetLimits;
  try {
    msg = sanitizeTransaction(bank, tx);
    checkAge(bank, tx, msg);
    limits = transactionBudgetLimits(bank, tx, msg);
    checkStatus(bank, signature);
  } catch (e) {
    if (e instanceof TransactionFailure) return refused(e.error);
    throw e;
  }
  const fee = calculateFee(bank, tx, msg, limits);
  const rentRule = rentStateRule(bank);
  let loaded: LoadedTransaction;
  try {
    loaded = loadTransaction(bank, tx, msg, limits, fee, rentRule);
  } catch (e) {
    if (e instanceof TransactionFailure) return refused(e.error, fee);
    throw e;
  }
  return executeLoadedTransaction(bank, tx, msg, loaded, limits, signature, fee, rentRule);
}

/**
 * Sanitize: the message's structure, its address lookups resolved, the account-lock limit, and
 * (when on) every signature. Throws `TransactionFailure`.
 */
export function sanitizeTransaction(bank: Bank, tx: WireTransaction): LoadedMessage {
  sanitizeStructure(tx);
  const msg = loadMessage(bank, tx);
  msg.checkLockLimit(ACCOUNT_LOCK_LIMIT);
  if (bank.config.sigverify) verifySignatures(tx, msg);
  return msg;
}

/** The message with its address lookups resolved against the bank's accounts. */
export function loadMessage(bank: Bank, tx: WireTransaction): LoadedMessage {
  return new LoadedMessage(tx.message, { getAccount: (a) => bank.accounts.get(a), currentSlot: bank.clock.slot, slotHashes: bank.slotHashes });
}

function verifySignatures(tx: WireTransaction, msg: LoadedMessage): void {
  for (let i = 0; i < tx.signatures.length; i++) {
    if (!verifySignature(tx.signatures[i], tx.messageBytes, msg.keyBytes(i))) throw new TransactionFailure(txError('SignatureFailure'));
  }
}

/** `check_age`: the blockhash is the latest one, or the transaction advances a valid durable nonce. */
export function checkAge(bank: Bank, tx: WireTransaction, msg: LoadedMessage): void {
  if (bank.config.blockhashCheck && tx.message.recentBlockhash !== bank.latestBlockhash && !usesValidNonce(bank, tx, msg)) {
    throw new TransactionFailure(txError('BlockhashNotFound'));
  }
}

/**
 * A durable-nonce transaction (`check_transaction_for_nonce`): its first instruction advances a
 * static, writable nonce account whose stored nonce is the transaction's blockhash and whose
 * authority signs that instruction, and the nonce can still advance.
 */
function usesValidNonce(bank: Bank, tx: WireTransaction, msg: LoadedMessage): boolean {
  const first = tx.message.instructions[0];
  if (!first || msg.keys[first.programIdIndex] !== SYSTEM_PROGRAM) return false;
  if (!isAdvanceNonceAccount(first.data)) return false;
  const index = first.accounts[0];
  if (index === undefined || index >= tx.message.staticKeys.length || !msg.writable[index]) return false;
  const account = bank.accounts.get(msg.keys[index]);
  if (!account || account.owner !== SYSTEM_PROGRAM) return false;
  const state = decodeNonce(account.data);
  if (!state || state.version !== 1 || !state.initialized || state.durableNonce !== tx.message.recentBlockhash) return false;
  if (tx.message.recentBlockhash === durableNonce(bank.latestBlockhash)) return false;
  return [...first.accounts].some((a) => msg.isSigner(a) && msg.keys[a] === state.authority);
}

/** `check_status`: a transaction already processed is refused (only with signature checks on, as LiteSVM does). */
export function checkStatus(bank: Bank, signature: Uint8Array): void {
  if (bank.config.sigverify && bank.history.size > 0 && bank.history.has(signature)) {
    throw new TransactionFailure(txError('AlreadyProcessed'));
  }
}

/** The compute budget the transaction requests (compute-budget instructions, or a v1 message's config). */
export function transactionBudgetLimits(bank: Bank, tx: WireTransaction, msg: LoadedMessage): ComputeBudgetLimits {
  return tx.message.version === 1
    ? configLimits(tx.message.config)
    : computeBudgetLimits(tx.message.instructions, msg.keys, (id) => budgetsAsBuiltin(id, bank.builtins, bank.features));
}

/** `calculate_fee`: per signature, precompile signatures included, plus the priority fee. */
export function calculateFee(bank: Bank, tx: WireTransaction, msg: LoadedMessage, limits: ComputeBudgetLimits): bigint {
  let signatures = BigInt(tx.message.numRequiredSignatures);
  const instructions = tx.message.instructions;
  for (let i = 0; i < instructions.length; i++) {
    const ix = instructions[i];
    const program = msg.keys[ix.programIdIndex];
    if (program === ED25519_PROGRAM || program === SECP256K1_PROGRAM || program === SECP256R1_PROGRAM) signatures += BigInt(ix.data[0] ?? 0);
  }
  return signatures * bank.config.lamportsPerSignature + limits.priorityFee;
}

function rentStateRule(bank: Bank): RentStateRule {
  return new RentStateRule(bank.rent, bank.features.isActive(FEATURES.relaxPostExecMinBalanceCheck));
}

/** A transaction's accounts as loaded: the message's, then the loaders of its programs. */
interface LoadedTransaction {
  keys: string[];
  accounts: Account[];
  /** Rent state of each of the message's accounts before execution. */
  preRent: AccountBefore[];
  /** Each of the message's accounts as stored before the transaction (stored accounts are never changed in place). */
  stored: (Account | undefined)[];
}

/**
 * `load_transaction`: every account of the message within the loaded-data size limit, the fee
 * payer validated and charged where the loader reaches it (which error wins depends on that
 * order), then the programs' loaders. Throws `TransactionFailure`.
 */
export function loadTransaction(
  bank: Bank,
  tx: WireTransaction,
  msg: LoadedMessage,
  limits: ComputeBudgetLimits,
  fee: bigint,
  rentRule: RentStateRule,
): LoadedTransaction {
  // Sized up front: pushes into empty arrays would each allocate room for 16.
  const n = msg.keys.length;
  const accounts = new Array<Account>(n);
  const preRent = new Array<AccountBefore>(n);
  const before = new Array<Account | undefined>(n);
  let loadedSize = tx.message.lookups.length * ADDRESS_LOOKUP_TABLE_BASE_SIZE;
  let payerValidated = false;
  const sizeLimit = limits.loadedAccountsDataSizeLimit;
  if (loadedSize > sizeLimit) throw new TransactionFailure(txError('MaxLoadedAccountsDataSizeExceeded'));
  for (let i = 0; i < n; i++) {
    const key = msg.keys[i];
    if (key === SYSVAR.instructions) {
      const sysvar = { lamports: 0n, data: instructionsSysvarData(msg), owner: SYSVAR_OWNER, executable: false, rentEpoch: 0n };
      preRent[i] = rentRule.before(sysvar);
      accounts[i] = sysvar;
      before[i] = undefined;
      continue;
    }
    const stored = bank.accounts.get(key);
    before[i] = stored;
    const account = stored ? shareAccount(stored) : emptyAccount();
    const size = stored ? TRANSACTION_ACCOUNT_BASE_SIZE + stored.data.length : 0;
    preRent[i] = rentRule.before(account);
    if (msg.writable[i] && account.rentEpoch !== RENT_EXEMPT_EPOCH && account.lamports >= minimumBalance(bank.rent, account.data.length)) {
      account.rentEpoch = RENT_EXEMPT_EPOCH;
    }
    if (!payerValidated && (!msg.isInvoked(i) || msg.isInstructionAccount(i))) {
      validateFeePayer(bank, key, account, i, fee, rentRule);
      payerValidated = true;
    }
    loadedSize += size;
    if (loadedSize > sizeLimit) throw new TransactionFailure(txError('MaxLoadedAccountsDataSizeExceeded'));
    accounts[i] = account;
  }
  if (!payerValidated) throw new TransactionFailure(txError('AccountNotFound'));
  const keys = msg.keys.slice();
  loadProgramLoaders(bank, tx, keys, accounts);
  return { keys, accounts, preRent, stored: before };
}

/** `validate_fee_payer`: exists, system-owned (plain or nonce), can pay and stays rent-valid; the fee is taken. */
function validateFeePayer(bank: Bank, address: string, account: Account, index: number, fee: bigint, rentRule: RentStateRule): void {
  if (account.lamports === 0n) throw new TransactionFailure(txError('AccountNotFound'));
  let min = 0n;
  if (account.owner !== SYSTEM_PROGRAM) throw new TransactionFailure(txError('InvalidAccountForFee'));
  if (account.data.length === NONCE_STATE_SIZE) min = bank.minimumBalance(NONCE_STATE_SIZE);
  else if (account.data.length !== 0) throw new TransactionFailure(txError('InvalidAccountForFee'));
  if (account.lamports < min + fee) throw new TransactionFailure(txError('InsufficientFundsForFee'));
  const before = rentRule.before(account);
  account.lamports -= fee;
  if (!rentRule.allows(address, before, account)) {
    throw new TransactionFailure({ kind: 'InsufficientFundsForRent', accountIndex: index });
  }
}

/** Each invoked program must be executable, and its loader a native-loader account; loaders not yet loaded are appended. */
function loadProgramLoaders(bank: Bank, tx: WireTransaction, keys: string[], accounts: Account[]): void {
  const builtinsStart = accounts.length;
  const instructions = tx.message.instructions;
  for (let i = 0; i < instructions.length; i++) {
    const ix = instructions[i];
    const programId = keys[ix.programIdIndex];
    const program = accounts[ix.programIdIndex];
    if (programId === NATIVE_LOADER) continue;
    if (!program.executable) throw new TransactionFailure(txError('InvalidProgramForExecution'));
    if (program.owner === NATIVE_LOADER) continue;
    if (keys.indexOf(program.owner, builtinsStart) >= 0) continue;
    const loader = bank.accounts.get(program.owner);
    if (!loader || loader.owner !== NATIVE_LOADER || !loader.executable) throw new TransactionFailure(txError('InvalidProgramForExecution'));
    keys.push(program.owner);
    accounts.push(shareAccount(loader));
  }
}

/** `execute_loaded_transaction`: the instructions on the loaded accounts, then the rent-state check. */
function executeLoadedTransaction(
  bank: Bank,
  tx: WireTransaction,
  msg: LoadedMessage,
  loaded: LoadedTransaction,
  limits: ComputeBudgetLimits,
  signature: Uint8Array,
  fee: bigint,
  rentRule: RentStateRule,
): TransactionOutcome {
  const { keys, accounts } = loaded;
  const budget = bank.config.computeBudget;
  const computeUnitLimit = budget?.computeUnitLimit ?? limits.computeUnitLimit;
  const heapBytes = budget?.heapBytes ?? limits.heapBytes;
  const context = new TransactionContext(keys, accounts, bank.maxStackDepth(), bank.maxTraceLength(), msg.keyBytesOf(keys));
  const logs = new LogCollector(bank.config.logBytesLimit);
  const ic = new InvokeContext(context, bank.environment(tx.message.recentBlockhash), computeUnitLimit, heapBytes, logs);
  const error = executeInstructions(bank, tx, msg, context, ic) ?? checkRentState(msg, loaded, rentRule);
  return {
    signature,
    error,
    logs: logs.messages,
    // What the instructions consumed between them: the meter only moves while one runs.
    computeUnitsConsumed: BigInt(computeUnitLimit - ic.remaining),
    fee,
    returnData: { programId: context.returnData.programId, data: context.returnData.data },
    innerInstructions: innerInstructions(context, tx.message.instructions.length),
    postAccounts: writtenAccounts(msg, accounts),
    included: true,
    faults: ic.faults,
    profile: ic.env.profiler?.profile,
    execution: { keys, before: loaded.stored, after: accounts, writable: msg.writable, instructions: context.trace },
  };
}

/** The writable accounts, by address, as execution left them. */
function writtenAccounts(msg: LoadedMessage, accounts: Account[]): [string, Account][] {
  const out: [string, Account][] = [];
  for (let i = 0; i < msg.keys.length; i++) if (msg.writable[i]) out.push([msg.keys[i], accounts[i]]);
  return out;
}

/** The top-level instructions in order, precompiles included; stops at the first that fails. */
function executeInstructions(
  bank: Bank,
  tx: WireTransaction,
  msg: LoadedMessage,
  context: TransactionContext,
  ic: InvokeContext,
): TransactionError | undefined {
  const instructionsSysvar = msg.keys.indexOf(SYSVAR.instructions);
  for (let index = 0; index < tx.message.instructions.length; index++) {
    const ix = tx.message.instructions[index];
    if (instructionsSysvar >= 0) setCurrentInstruction(context.accounts[instructionsSysvar].data, index);
    const accounts = new Array<InstructionAccount>(ix.accounts.length);
    for (let i = 0; i < accounts.length; i++) {
      const a = ix.accounts[i];
      accounts[i] = { txIndex: a, isSigner: msg.isSigner(a), isWritable: msg.writable[a] };
    }
    const frame = context.frame(ix.programIdIndex, accounts, ix.data, 1);
    try {
      const precompileId = msg.keys[ix.programIdIndex];
      const precompile =
        precompileId === SECP256R1_PROGRAM && !bank.features.isActive(FEATURES.enableSecp256r1Precompile) ? undefined : PRECOMPILES.get(precompileId);
      if (precompile) {
        // `process_precompile`: recorded in the trace, no accounts, no logs, no units.
        context.push(context.frame(ix.programIdIndex, [], ix.data, 1));
        try {
          precompile(
            ix.data,
            tx.message.instructions.map((other) => other.data),
          );
        } finally {
          context.pop();
        }
      } else ic.processInstruction(frame);
    } catch (e) {
      if (!(e instanceof InstructionFailure)) throw e;
      return { kind: 'InstructionError', index, error: e.error };
    }
  }
  return undefined;
}

/** The rent-state check: no writable account may end in a rent state its starting state forbids. */
export function checkRentState(msg: LoadedMessage, loaded: LoadedTransaction, rentRule: RentStateRule): TransactionError | undefined {
  for (let i = 0; i < msg.keys.length; i++) {
    if (!msg.writable[i]) continue;
    if (!rentRule.allows(msg.keys[i], loaded.preRent[i], loaded.accounts[i])) return { kind: 'InsufficientFundsForRent', accountIndex: i };
  }
  return undefined;
}

/** CPIs grouped under the top-level instruction they ran in. */
function innerInstructions(context: TransactionContext, topLevel: number): InnerInstruction[][] {
  const out: InnerInstruction[][] = [];
  const trace = context.trace;
  for (let t = 0; t < trace.length; t++) {
    const f = trace[t];
    if (f.stackHeight === 1) out.push([]);
    else {
      const accounts = new Uint8Array(f.accounts.length);
      for (let i = 0; i < accounts.length; i++) accounts[i] = f.accounts[i].txIndex;
      out[out.length - 1]?.push({ programIdIndex: f.programTxIndex, accounts, data: f.data, stackHeight: f.stackHeight });
    }
  }
  // Agave's trace holds every top-level instruction, run or not.
  while (out.length < topLevel) out.push([]);
  return out;
}

/** A ProgramData account of the upgradeable loader (its state tag 3). */
const isProgramData = (a: Account) => a.owner === 'BPFLoaderUpgradeab1e11111111111111111111111' && a.data[0] === 3;

/**
 * Commit: a successful transaction's written accounts are stored (ProgramData first, so a program
 * account in the same batch loads the new ELF); a failed one that was executed pays its fee alone.
 * Either is recorded in the history.
 */
export function commitTransaction(bank: Bank, tx: WireTransaction, outcome: TransactionOutcome): void {
  if (outcome.error) {
    if (outcome.included) {
      withdrawFee(bank, tx, outcome);
      record(bank, outcome);
    }
    return;
  }
  record(bank, outcome);
  const written = outcome.postAccounts;
  // Indexed, not destructured in for-of: an iterator per loop and per pair before V8 optimises this.
  for (let i = 0; i < written.length; i++) if (isProgramData(written[i][1])) bank.storeCommitted(written[i][0], written[i][1]);
  for (let i = 0; i < written.length; i++) if (!isProgramData(written[i][1])) bank.storeCommitted(written[i][0], written[i][1]);
}

/** Keeps what `getTransaction` shows (LiteSVM keeps the metadata), not the written accounts. */
function record(bank: Bank, outcome: TransactionOutcome): void {
  if (!bank.history.enabled) return;
  const { signature, error, logs, computeUnitsConsumed, fee, returnData, innerInstructions, included, faults, profile } = outcome;
  const kept: TransactionOutcome = {
    // The caller's array or a view of their wire bytes, which the history must not see change; not
    // `slice()`, which on a Node Buffer makes another view (and is the slower copy besides).
    signature: new Uint8Array(signature),
    error,
    logs,
    computeUnitsConsumed,
    fee,
    returnData,
    innerInstructions,
    postAccounts: [],
    included,
    faults,
    profile,
  };
  bank.history.add(kept);
}

/** The fee of a failed transaction, taken again from the stored payer (which may no longer afford it). */
function withdrawFee(bank: Bank, tx: WireTransaction, outcome: TransactionOutcome): void {
  const payer = tx.message.staticKeys[0];
  const account = bank.accounts.get(payer);
  if (!account) {
    outcome.error = txError('AccountNotFound');
    return;
  }
  const min = account.owner === SYSTEM_PROGRAM && account.data.length === NONCE_STATE_SIZE ? bank.minimumBalance(NONCE_STATE_SIZE) : 0n;
  if (outcome.fee + min > account.lamports) {
    outcome.error = txError('InsufficientFundsForFee');
    return;
  }
  bank.accounts.set(payer, { ...account, lamports: account.lamports - outcome.fee });
}
