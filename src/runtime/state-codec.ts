/**
 * websvm's saved-state format: a runtime's whole state as bytes, and a new runtime made from
 * them, so that the same transactions then give the same results (LiteSVM's `toBytes`/`fromBytes`,
 * in a format of our own). Kept: every account, the feature set, the settings that decide outcomes
 * (signature and blockhash checks, size and log limits, fixed compute budget, fee per signature),
 * the latest blockhash, the airdrop account's key, epoch stakes and the transaction history with
 * its size rules. Not kept: the engine and the tracer (the loading process's own choice) and the
 * compiled programs (each sBPF program is loaded again, as setting its account would).
 *
 * Layout (integers little-endian):
 *
 *   offset 0   8 bytes   magic, ASCII `websvmST`
 *   offset 8   u32       format version ({@link STATE_FORMAT_VERSION})
 *   offset 12  u64       body length in bytes
 *   offset 20  u32       CRC-32 of the body
 *   offset 24  body      {@link STATE}, as declared below with the codecs of `codec.ts` (u32 lengths)
 *                        (a length or count is a u32; an option is a 0/1 byte then the value;
 *                        addresses are their 32 bytes; text is UTF-8)
 *
 * A change to {@link STATE} needs a new version number: a file of another version is refused.
 */
import { isWebsvmError, WebsvmError } from '../errors.js';
import { crc32 } from '../crypto/crc32.js';
import { AccountsDb, type Account } from './accounts.js';
import { concatBytes } from './bytes.js';
import {
  array,
  bool,
  ByteReader,
  ByteWriter,
  type Codec,
  fixedBytes,
  LayoutError,
  layoutMalformed,
  mapped,
  option,
  pubkey as address,
  struct,
  tagged,
  u32,
  u32Bytes as bytes,
  u64,
  u64Number,
  utf8Text as utf8,
} from './codec.js';
import { INSTRUCTION_ERROR_TEXT, TRANSACTION_ERROR_NAMES, type InstructionError, type TransactionError } from './errors.js';
import { FeatureSet } from './features.js';
import { Runtime, type ComputeBudgetOverride, type InnerInstruction, type RuntimeSnapshot, type TransactionOutcome } from './runtime.js';
import { defaultExecutionCosts, type ExecutionCosts } from '../syscalls/costs.js';
import { TransactionHistory } from './transaction-history.js';

/** The version of the layout this module writes, and the only one it reads. */
export const STATE_FORMAT_VERSION = 1;

const MAGIC = new TextEncoder().encode('websvmST');
const HEADER_SIZE = 24;

/** The prices of a fixed budget, by name; every price websvm has must be there, and no other. */
const costs: Codec<ExecutionCosts> = mapped(
  array(struct({ name: utf8, units: u64Number })),
  (list) => {
    const out = defaultExecutionCosts();
    const names = new Set(Object.keys(out));
    for (const { name, units } of list) {
      if (!names.delete(name)) throw new LayoutError(`unknown or repeated compute price ${JSON.stringify(name)}`);
      out[name as keyof ExecutionCosts] = units;
    }
    if (names.size > 0) throw new LayoutError(`compute prices missing: ${[...names].join(', ')}`);
    return out;
  },
  (prices) => Object.entries(prices).map(([name, units]) => ({ name, units })),
);

const computeBudget: Codec<ComputeBudgetOverride> = struct({
  computeUnitLimit: u64Number,
  heapBytes: u64Number,
  maxInstructionStackDepth: u64Number,
  maxInstructionTraceLength: u64Number,
  costs,
});

const instructionError: Codec<InstructionError> = tagged('instruction error', Object.keys(INSTRUCTION_ERROR_TEXT), {
  Custom: struct({ code: u32 }),
});

const transactionError: Codec<TransactionError> = tagged('transaction error', TRANSACTION_ERROR_NAMES, {
  InstructionError: struct({ index: u32, error: instructionError }),
  DuplicateInstruction: struct({ index: u32 }),
  InsufficientFundsForRent: struct({ accountIndex: u32 }),
  ProgramExecutionTemporarilyRestricted: struct({ accountIndex: u32 }),
});

const innerInstruction: Codec<InnerInstruction> = struct({ programIdIndex: u32, accounts: bytes, data: bytes, stackHeight: u32 });

/** A processed transaction as the history holds it (it keeps no written accounts); the validator's ledger keeps them so too. */
export const recordedTransaction: Codec<TransactionOutcome> = mapped(
  struct({
    signature: fixedBytes(64),
    error: option(transactionError),
    logs: array(utf8),
    computeUnitsConsumed: u64,
    fee: u64,
    returnData: struct({ programId: address, data: bytes }),
    innerInstructions: array(array(innerInstruction)),
    included: bool,
  }),
  (recorded) => ({ ...recorded, postAccounts: [] }),
  (outcome) => outcome, // the struct writes its own fields only
);

/** An account with its address (a zero-lamport account is one that was removed). */
export const account: Codec<[string, Account]> = mapped(
  struct({ address, owner: address, lamports: u64, rentEpoch: u64, executable: bool, data: bytes }),
  ({ address, ...a }) => [address, a],
  ([address, a]) => ({ address, ...a }),
);

/** A transaction history: its bounds and the transactions it holds, oldest first. */
const history: Codec<TransactionHistory<TransactionOutcome>> = mapped(
  struct({ capacity: u32, indexBuckets: u32, transactions: array(recordedTransaction) }),
  ({ capacity, indexBuckets, transactions }) => TransactionHistory.fromSaved({ capacity, indexBuckets, entries: transactions }),
  (h) => {
    const { capacity, indexBuckets, entries } = h.saved();
    return { capacity, indexBuckets, transactions: entries };
  },
);

/** What `Runtime.snapshot()` holds (accounts, history, latest blockhash): the validator's ledger keeps its snapshots so. */
export const runtimeSnapshot: Codec<RuntimeSnapshot> = mapped(
  struct({ accounts: array(account), history, latestBlockhash: address }),
  (s) => ({ accounts: new AccountsDb(new Map(s.accounts)), history: s.history, latestBlockhash: s.latestBlockhash }),
  (s) => ({ accounts: [...s.accounts.snapshot().entries()], history: s.history, latestBlockhash: s.latestBlockhash }),
);

/** The body of a saved state. */
const STATE = struct({
  settings: struct({
    sigverify: bool,
    blockhashCheck: bool,
    packetSizeLimit: bool,
    logBytesLimit: option(u64Number),
    lamportsPerSignature: u64,
    computeBudget: option(computeBudget),
  }),
  features: struct({ active: array(struct({ id: address, slot: u64 })), inactive: array(address) }),
  airdropSeed: fixedBytes(32),
  latestBlockhash: address,
  epochStakes: array(struct({ vote: address, stake: u64 })),
  accounts: array(account),
  history,
});

type State = typeof STATE extends Codec<infer T> ? T : never;

/** `runtime`'s state in the saved-state format. */
export function encodeRuntimeState(runtime: Runtime): Uint8Array {
  const { config, features } = runtime;
  const state: State = {
    settings: {
      sigverify: config.sigverify,
      blockhashCheck: config.blockhashCheck,
      packetSizeLimit: config.packetSizeLimit,
      logBytesLimit: config.logBytesLimit,
      lamportsPerSignature: config.lamportsPerSignature,
      computeBudget: config.computeBudget,
    },
    features: { active: features.entries().map(([id, slot]) => ({ id, slot })), inactive: features.inactive() },
    airdropSeed: runtime.airdropSeed,
    latestBlockhash: runtime.latestBlockhash,
    epochStakes: [...runtime.epochStakes].map(([vote, stake]) => ({ vote, stake })),
    accounts: [...runtime.accounts.entries()],
    history: runtime.history,
  };
  const writer = new ByteWriter();
  STATE.write(writer, state);
  const body = writer.finish();
  const header = new ByteWriter();
  header.raw(MAGIC);
  header.u32(STATE_FORMAT_VERSION);
  header.u64(BigInt(body.length));
  header.u32(crc32(body));
  return concatBytes(header.finish(), body);
}

/** A refusal of saved-state bytes, saying why (`reason`); `cause` is the error that found it. */
const invalid = (reason: string, cause?: unknown) =>
  new WebsvmError('InvalidSnapshot', `cannot load websvm state: ${reason}`, { reason }, cause === undefined ? undefined : { cause });

/**
 * A new runtime with the state `bytes` hold. Bytes that are not a saved state of this version, are
 * cut short or damaged, or describe a state no runtime could be in are refused with a
 * `WebsvmError` of kind `InvalidSnapshot` saying why (nothing else is changed either way).
 */
export function decodeRuntimeState(bytes: Uint8Array): Runtime {
  if (bytes.length < HEADER_SIZE || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw invalid(`not a websvm state (${bytes.length < HEADER_SIZE ? `only ${bytes.length} bytes` : 'no websvmST header'})`);
  }
  const header = new ByteReader(bytes.subarray(MAGIC.length, HEADER_SIZE), layoutMalformed);
  const version = header.u32();
  if (version !== STATE_FORMAT_VERSION) throw invalid(`format version ${version} is not supported (this websvm reads version ${STATE_FORMAT_VERSION})`);
  const length = header.u64();
  const present = bytes.length - HEADER_SIZE;
  if (length !== BigInt(present))
    throw invalid(`${length > present ? 'truncated' : 'trailing bytes'}: the header announces ${length} bytes of state, ${present} follow`);
  const body = bytes.subarray(HEADER_SIZE);
  if (crc32(body) !== header.u32()) throw invalid('damaged: the checksum does not match');
  try {
    const reader = new ByteReader(body, layoutMalformed);
    const state = STATE.read(reader);
    if (reader.remaining !== 0) throw new LayoutError(`${reader.remaining} bytes after the state`);
    return runtimeOf(state);
  } catch (e) {
    // Whatever the layout or the runtime refuses of the state makes the bytes an invalid snapshot.
    if (isWebsvmError(e, 'InvalidSnapshot')) throw e;
    throw invalid(e instanceof Error ? e.message : String(e), e);
  }
}

/** A runtime in `state` (throws when the state is inconsistent). */
function runtimeOf(state: State): Runtime {
  const runtime = new Runtime({ minimal: true, airdropSeed: state.airdropSeed });
  runtime.setFeatures(
    new FeatureSet(
      state.features.active.map(({ id, slot }) => [id, slot] as const),
      state.features.inactive,
    ),
  );
  const { computeBudget, ...settings } = state.settings;
  Object.assign(runtime.config, settings);
  runtime.setComputeBudget(computeBudget);
  runtime.latestBlockhash = state.latestBlockhash;
  for (const { vote, stake } of state.epochStakes) runtime.epochStakes.set(vote, stake);
  runtime.loadAccounts(state.accounts);
  runtime.history.restore(state.history);
  return runtime;
}
