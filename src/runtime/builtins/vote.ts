/**
 * The Vote program (`Vote111…`), after Agave's native `vote_processor.rs` and `vote_state/mod.rs`
 * as LiteSVM runs them: V4 vote states always (that Agave no longer reads `vote_state_v4`). Every
 * instruction costs 2 100 units (a BLS proof of possession 34 500 more); account 0 must be owned by
 * the program; the instruction is decoded whole before any account is checked. Feature-gated
 * instructions follow their gates: `InitializeAccountV2` (off in LiteSVM's set) and
 * `DepositDelegatorRewards` (which needs block revenue sharing, absent from this Agave) are refused
 * with InvalidInstructionData.
 */
import { fail, InstructionFailure } from '../errors.js';
import { FEATURES } from '../features.js';
import { decodeAddress } from '../accounts.js';
import { verifyBlsProofOfPossession } from '../bls-proof-of-possession.js';
import { SYSTEM_PROGRAM, SYSVAR, VOTE_PROGRAM } from '../ids.js';
import type { Builtin, InvokeContext } from '../invoke-context.js';
import { readCompactU16 } from '../message.js';
import type { EpochSchedule } from '../sysvars.js';
import { decodeVoteState, encodeVoteState, newVoteState, optionU64, VOTE_STATE_SIZE, type VoteState } from '../vote-state.js';
import { processTimestamp, processTowerUpdate, processVote, VoteError, voteFailure, type ProposedTower } from '../vote-tower.js';
import { BincodeReader } from './bincode.js';
import { createWithSeed } from './system.js';

/** `vote_processor::DEFAULT_COMPUTE_UNITS`. */
const DEFAULT_COMPUTE_UNITS = 2100;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

export type Authorize = { role: 'voter' } | { role: 'withdrawer' } | { role: 'voterWithBls'; blsPubkey: Uint8Array; proof: Uint8Array };
/** `CommissionKind`: which revenue a commission or collector applies to. */
export type CommissionKind = 'inflationRewards' | 'blockRevenue';
type Seeded = { role: Authorize; owner: string; seed: string };
/** A decoded `VoteInstruction`; `switchHash` and `blockId` are kept for RPC's jsonParsed only. */
export type VoteInstruction =
  | { kind: 'initialize'; node: string; voter: string; withdrawer: string; commission: number }
  | { kind: 'authorize'; to: string; role: Authorize }
  | { kind: 'vote'; slots: bigint[]; hash: string; timestamp: bigint | undefined; switchHash: string | undefined }
  | { kind: 'withdraw'; lamports: bigint }
  | { kind: 'updateValidatorIdentity' }
  | { kind: 'updateCommission'; commission: number }
  | { kind: 'authorizeChecked'; role: Authorize }
  | { kind: 'towerUpdate'; tower: ProposedTower; legacy: boolean; switchHash: string | undefined; blockId: string | undefined }
  | { kind: 'authorizeWithSeed'; seeded: Seeded; to: string }
  | { kind: 'authorizeCheckedWithSeed'; seeded: Seeded }
  | {
      kind: 'initializeV2';
      node: string;
      voter: string;
      withdrawer: string;
      inflationRewardsCommissionBps: number;
      inflationRewardsCollector: string;
      blockRevenueCommissionBps: number;
      blockRevenueCollector: string;
    }
  | { kind: 'updateCommissionCollector'; commission: CommissionKind }
  | { kind: 'updateCommissionBps'; bps: number; commission: CommissionKind }
  | { kind: 'depositDelegatorRewards'; lamports: bigint };

/** `VoteAuthorize`: Voter, Withdrawer, or VoterWithBLS (a 48-byte key and a 96-byte proof). */
function voteAuthorize(r: BincodeReader): Authorize {
  const tag = r.u32();
  if (tag === 0) return { role: 'voter' };
  if (tag === 1) return { role: 'withdrawer' };
  if (tag === 2) return { role: 'voterWithBls', blsPubkey: r.bytes(48), proof: r.bytes(96) };
  fail('InvalidInstructionData');
}

function commissionKind(r: BincodeReader): CommissionKind {
  const tag = r.u32();
  if (tag > 1) fail('InvalidInstructionData');
  return tag === 0 ? 'inflationRewards' : 'blockRevenue';
}

const hash = (r: BincodeReader) => r.pubkey();
const optionI64 = (r: BincodeReader) => (r.option() ? r.i64() : undefined);

/** A `solana_short_vec` length. */
const shortVecLength = (r: BincodeReader) =>
  readCompactU16(
    () => r.u8(),
    () => new InstructionFailure({ kind: 'InvalidInstructionData' }),
  );

/** `solana_serde_varint` u64: LEB128 without truncated or zero trailing bytes. */
function varintU64(r: BincodeReader): bigint {
  let out = 0n;
  for (let shift = 0n; shift < 64n; shift += 7n) {
    const b = r.u8();
    out |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      if (BigInt.asUintN(64, out) !== out || (b === 0 && (shift !== 0n || out !== 0n))) fail('InvalidInstructionData');
      return out;
    }
  }
  fail('InvalidInstructionData');
}

/** `VoteStateUpdate` as bincode: lockouts, optional root, hash, optional timestamp. */
function towerUpdate(r: BincodeReader): ProposedTower {
  const lockouts: ProposedTower['lockouts'] = [];
  for (let n = r.length(12); n > 0; n--) lockouts.push({ slot: r.u64(), confirmationCount: r.u32() });
  const root = optionU64(r);
  return { lockouts, root, hash: hash(r), timestamp: optionI64(r) };
}

/** The compact form (`serde_compact_vote_state_update`, `serde_tower_sync`): root (u64::MAX for none), slot offsets. */
function compactTower(r: BincodeReader, withBlockId: boolean): { tower: ProposedTower; blockId: string | undefined } {
  const rootField = r.u64();
  const root = rootField === U64_MAX ? undefined : rootField;
  const lockouts: ProposedTower['lockouts'] = [];
  let slot = root ?? 0n;
  for (let n = shortVecLength(r); n > 0; n--) {
    slot += varintU64(r);
    if (slot > U64_MAX) fail('InvalidInstructionData');
    lockouts.push({ slot, confirmationCount: r.u8() });
  }
  const tower = { lockouts, root, hash: hash(r), timestamp: optionI64(r) };
  return { tower, blockId: withBlockId ? hash(r) : undefined };
}

function seeded(r: BincodeReader): Seeded {
  return { role: voteAuthorize(r), owner: r.pubkey(), seed: r.string() };
}

/** `limited_deserialize::<VoteInstruction>`: any malformed data is InvalidInstructionData. */
export function decodeVoteInstruction(data: Uint8Array): VoteInstruction {
  const r = new BincodeReader(data);
  const tag = r.u32();
  switch (tag) {
    case 0:
      return { kind: 'initialize', node: r.pubkey(), voter: r.pubkey(), withdrawer: r.pubkey(), commission: r.u8() };
    case 1:
      return { kind: 'authorize', to: r.pubkey(), role: voteAuthorize(r) };
    case 2:
    case 6: {
      const slots: bigint[] = [];
      for (let n = r.length(8); n > 0; n--) slots.push(r.u64());
      const [voteHash, timestamp] = [hash(r), optionI64(r)];
      return { kind: 'vote', slots, hash: voteHash, timestamp, switchHash: tag === 6 ? hash(r) : undefined };
    }
    case 3:
      return { kind: 'withdraw', lamports: r.u64() };
    case 4:
      return { kind: 'updateValidatorIdentity' };
    case 5:
      return { kind: 'updateCommission', commission: r.u8() };
    case 7:
      return { kind: 'authorizeChecked', role: voteAuthorize(r) };
    case 8:
    case 9: {
      const tower = towerUpdate(r);
      return { kind: 'towerUpdate', tower, legacy: true, switchHash: tag === 9 ? hash(r) : undefined, blockId: undefined };
    }
    case 10:
      return { kind: 'authorizeWithSeed', seeded: seeded(r), to: r.pubkey() };
    case 11:
      return { kind: 'authorizeCheckedWithSeed', seeded: seeded(r) };
    case 12:
    case 13: {
      const { tower } = compactTower(r, false);
      return { kind: 'towerUpdate', tower, legacy: true, switchHash: tag === 13 ? hash(r) : undefined, blockId: undefined };
    }
    case 14:
    case 15: {
      const { tower, blockId } = compactTower(r, true);
      return { kind: 'towerUpdate', tower, legacy: false, switchHash: tag === 15 ? hash(r) : undefined, blockId };
    }
    case 16: {
      // VoteInitV2: node, voter, BLS key and proof, withdrawer, commissions and collectors.
      const [node, voter] = [r.pubkey(), r.pubkey()];
      r.bytes(48 + 96);
      return {
        kind: 'initializeV2',
        node,
        voter,
        withdrawer: r.pubkey(),
        inflationRewardsCommissionBps: r.u16(),
        inflationRewardsCollector: r.pubkey(),
        blockRevenueCommissionBps: r.u16(),
        blockRevenueCollector: r.pubkey(),
      };
    }
    case 17:
      return { kind: 'updateCommissionCollector', commission: commissionKind(r) };
    case 18:
      return { kind: 'updateCommissionBps', bps: r.u16(), commission: commissionKind(r) };
    case 19:
      return { kind: 'depositDelegatorRewards', lamports: r.u64() };
    default:
      fail('InvalidInstructionData');
  }
}

/** The vote account (instruction account 0) and what the program may do with it. */
class VoteAccount {
  constructor(
    private readonly ic: InvokeContext,
    readonly signers: ReadonlySet<string>,
  ) {}

  get key(): string {
    return this.ic.tx.instructionKey(0);
  }

  /**
   * `get_vote_state_handler_checked` for V4: V0_23_5 data (all-zero accounts included) is
   * InvalidAccountData, as LiteSVM's Agave reads it; other uninitialized states are UninitializedAccount.
   */
  state(): VoteState {
    const stored = decodeVoteState(this.ic.tx.account(0).data, this.key);
    if (stored.version === 0) fail('InvalidAccountData');
    if (!stored.state) fail('UninitializedAccount');
    return stored.state;
  }

  /** `set_vote_account_state` for V4: grow to the V4 size if rent allows, then serialize over the data. */
  write(s: VoteState): void {
    const tx = this.ic.tx;
    if (tx.account(0).data.length < VOTE_STATE_SIZE) {
      if (tx.account(0).lamports < this.ic.env.minimumBalance(VOTE_STATE_SIZE) || tx.canDataBeResized(0, VOTE_STATE_SIZE)) fail('AccountNotRentExempt');
      tx.setDataLength(0, VOTE_STATE_SIZE);
    }
    const data = tx.account(0).data.slice();
    encodeVoteState(s, data);
    tx.setData(0, data);
  }

  requireSigner(key: string): void {
    if (!this.signers.has(key)) fail('MissingRequiredSignature');
  }
}

/** `AuthorizedVoters::get_and_cache_authorized_voter_for_epoch`, then V4's purge of epochs before `epoch - 1`. */
function authorizedVoterFor(s: VoteState, epoch: bigint): string {
  const voters = s.authorizedVoters;
  let at = -1;
  for (let i = 0; i < voters.length && voters[i].epoch <= epoch; i++) at = i;
  if (at < 0) fail('InvalidAccountData');
  const voter = voters[at].voter;
  if (voters[at].epoch !== epoch) voters.splice(at + 1, 0, { epoch, voter });
  const keepFrom = epoch > 0n ? epoch - 1n : 0n;
  s.authorizedVoters = voters.filter((v) => v.epoch >= keepFrom);
  return voter;
}

/** BLS voter keys (SIMD-0387); LiteSVM's Agave no longer consults `vote_state_v4` for them (nor for anything else). */
const blsVoterKeys = (ic: InvokeContext) => ic.env.features.isActive(FEATURES.blsPubkeyManagementInVoteAccount);

/** What verifying a BLS proof of possession costs (`BLS_PROOF_OF_POSSESSION_VERIFICATION_COMPUTE_UNITS`). */
const BLS_PROOF_OF_POSSESSION_UNITS = 34_500;

/**
 * `vote_state::authorize`: a new voter (with a BLS key, if one comes with a valid proof) from the
 * epoch after the leader schedule's, or a new withdrawer.
 */
function authorize(ic: InvokeContext, account: VoteAccount, to: string, role: Authorize, signers: ReadonlySet<string>): void {
  const s = account.state();
  if (role.role === 'withdrawer') {
    if (!signers.has(s.withdrawer)) fail('MissingRequiredSignature');
    s.withdrawer = to;
    return account.write(s);
  }
  const bls = blsVoterKeys(ic);
  if (role.role === 'voter' && bls && s.blsPubkey) fail('InvalidInstructionData');
  if (role.role === 'voterWithBls' && !bls) fail('InvalidInstructionData');
  const withdrawerSigned = signers.has(s.withdrawer);
  if (role.role === 'voterWithBls') {
    ic.consumeChecked(BLS_PROOF_OF_POSSESSION_UNITS);
    if (!verifyBlsProofOfPossession(decodeAddress(account.key), role.blsPubkey, role.proof)) fail('InvalidArgument');
  }
  const clock = ic.env.clock;
  if (clock.leaderScheduleEpoch === U64_MAX) fail('InvalidAccountData');
  const target = clock.leaderScheduleEpoch + 1n;
  const current = authorizedVoterFor(s, clock.epoch);
  if (!withdrawerSigned && !signers.has(current)) fail('MissingRequiredSignature');
  if (s.authorizedVoters.some((v) => v.epoch === target)) voteFailure(VoteError.TooSoonToReauthorize);
  s.authorizedVoters = [...s.authorizedVoters, { epoch: target, voter: to }].sort((a, b) => (a.epoch < b.epoch ? -1 : 1));
  if (role.role === 'voterWithBls') s.blsPubkey = role.blsPubkey.slice();
  account.write(s);
}

/** The signer set of the `*WithSeed` variants: the address derived from the signing base key. */
function seededSigners(ic: InvokeContext, args: Seeded): Set<string> {
  ic.tx.checkSysvarAccount(1, SYSVAR.clock);
  if (!ic.tx.current().accounts[2].isSigner) return new Set();
  return new Set([createWithSeed(ic.tx.instructionKey(2), args.seed, args.owner)]);
}

/** `is_commission_update_allowed`: only in the first half of an epoch (always in warm-up epochs). */
function commissionUpdateAllowed(slot: bigint, schedule: EpochSchedule): boolean {
  if (schedule.slotsPerEpoch === 0n) return true;
  const relative = (slot > schedule.firstNormalSlot ? slot - schedule.firstNormalSlot : 0n) % schedule.slotsPerEpoch;
  return relative * 2n <= schedule.slotsPerEpoch;
}

/**
 * `update_commission_collector` (SIMD-0232): the vote account itself, or a writable, rent-exempt
 * System account, collects the given commission.
 */
function updateCommissionCollector(ic: InvokeContext, account: VoteAccount, kind: CommissionKind): void {
  const tx = ic.tx;
  // The vote account, the new collector and the signing withdrawer.
  tx.requireAccounts(3);
  const collector = tx.instructionKey(1);
  const s = account.state();
  account.requireSigner(s.withdrawer);
  if (collector !== account.key) {
    const c = tx.account(1);
    if (c.owner !== SYSTEM_PROGRAM) fail('InvalidAccountOwner');
    if (c.lamports < ic.env.minimumBalance(c.data.length)) fail('InsufficientFunds');
    if (!tx.current().accounts[1].isWritable) fail('InvalidArgument');
  }
  if (kind === 'inflationRewards') s.inflationRewardsCollector = collector;
  else s.blockRevenueCollector = collector;
  account.write(s);
}

function initialize(ic: InvokeContext, account: VoteAccount, init: Extract<VoteInstruction, { kind: 'initialize' }>): void {
  const tx = ic.tx;
  tx.checkSysvarAccount(1, SYSVAR.rent);
  const me = tx.account(0);
  if (me.lamports < ic.env.minimumBalance(me.data.length)) fail('InsufficientFunds');
  tx.checkSysvarAccount(2, SYSVAR.clock);
  if (me.data.length !== VOTE_STATE_SIZE) fail('InvalidAccountData');
  if (decodeVoteState(me.data, account.key).initialized) fail('AccountAlreadyInitialized');
  account.requireSigner(init.node);
  account.write(newVoteState(account.key, init, ic.env.clock.epoch));
}

function withdraw(ic: InvokeContext, account: VoteAccount, lamports: bigint): void {
  const tx = ic.tx;
  tx.requireAccounts(2);
  const s = account.state();
  account.requireSigner(s.withdrawer);
  const me = tx.account(0);
  if (lamports > me.lamports) fail('InsufficientFunds');
  const remaining = me.lamports - lamports;
  if (remaining === 0n) {
    const lastCredited = s.epochCredits[s.epochCredits.length - 1]?.epoch;
    const epoch = ic.env.clock.epoch;
    // Credits in this or the previous epoch mean the validator is still voting.
    if (lastCredited !== undefined && (epoch > lastCredited ? epoch - lastCredited : 0n) < 2n) voteFailure(VoteError.ActiveVoteAccountClose);
    tx.dataMut(0).fill(0);
  } else if (remaining < ic.env.minimumBalance(me.data.length)) {
    fail('InsufficientFunds');
  }
  tx.checkedSubLamports(0, lamports);
  tx.checkedAddLamports(1, lamports);
}

/** A vote from the authorized voter of the current epoch. */
function vote(ic: InvokeContext, account: VoteAccount, apply: (s: VoteState) => void): void {
  const s = account.state();
  account.requireSigner(authorizedVoterFor(s, ic.env.clock.epoch));
  apply(s);
  account.write(s);
}

function process(ic: InvokeContext, ix: VoteInstruction, account: VoteAccount): void {
  const tx = ic.tx;
  const { clock } = ic.env;
  const signers = account.signers;
  const legacyVotesDeprecated = ic.env.features.isActive(FEATURES.deprecateLegacyVoteIxs);
  switch (ix.kind) {
    case 'initialize':
      return initialize(ic, account, ix);
    case 'initializeV2':
      return fail('InvalidInstructionData');
    case 'authorize':
      tx.checkSysvarAccount(1, SYSVAR.clock);
      return authorize(ic, account, ix.to, ix.role, signers);
    case 'authorizeChecked': {
      tx.requireAccounts(4);
      const to = tx.instructionKey(3);
      if (!tx.current().accounts[3].isSigner) fail('MissingRequiredSignature');
      tx.checkSysvarAccount(1, SYSVAR.clock);
      return authorize(ic, account, to, ix.role, signers);
    }
    case 'authorizeWithSeed':
      tx.requireAccounts(3);
      return authorize(ic, account, ix.to, ix.seeded.role, seededSigners(ic, ix.seeded));
    case 'authorizeCheckedWithSeed': {
      tx.requireAccounts(4);
      const to = tx.instructionKey(3);
      if (!tx.current().accounts[3].isSigner) fail('MissingRequiredSignature');
      return authorize(ic, account, to, ix.seeded.role, seededSigners(ic, ix.seeded));
    }
    case 'updateValidatorIdentity': {
      tx.requireAccounts(2);
      const node = tx.instructionKey(1);
      const s = account.state();
      account.requireSigner(s.withdrawer);
      account.requireSigner(node);
      s.node = node;
      // Until SIMD-0232 the block revenue collector follows the node.
      if (!ic.env.features.isActive(FEATURES.customCommissionCollector)) s.blockRevenueCollector = node;
      return account.write(s);
    }
    case 'updateCommission': {
      let decoded: VoteState | undefined;
      let decodeError: unknown;
      try {
        decoded = account.state();
      } catch (e) {
        decodeError = e;
      }
      // With delayed commission updates (SIMD-0249) raises are no longer limited to the first half of an epoch.
      const ruled =
        !ic.env.features.isActive(FEATURES.delayCommissionUpdates) &&
        (decoded ? ix.commission > Math.floor(decoded.inflationRewardsCommissionBps / 100) % 256 : true);
      if (ruled && !commissionUpdateAllowed(clock.slot, ic.env.epochSchedule)) voteFailure(VoteError.CommissionUpdateTooLate);
      if (!decoded) throw decodeError;
      account.requireSigner(decoded.withdrawer);
      decoded.inflationRewardsCommissionBps = ix.commission * 100;
      return account.write(decoded);
    }
    case 'vote':
      if (legacyVotesDeprecated) fail('InvalidInstructionData');
      tx.checkSysvarAccount(1, SYSVAR.slotHashes);
      tx.checkSysvarAccount(2, SYSVAR.clock);
      return vote(ic, account, (s) => {
        processVote(s, ix, ic.env.slotHashes, clock.epoch, clock.slot);
        if (ix.timestamp !== undefined)
          processTimestamp(
            s,
            ix.slots.reduce((a, b) => (a > b ? a : b)),
            ix.timestamp,
          );
      });
    case 'towerUpdate':
      if (ix.legacy && legacyVotesDeprecated) fail('InvalidInstructionData');
      return vote(ic, account, (s) => processTowerUpdate(s, ix.tower, ic.env.slotHashes, clock.epoch, clock.slot));
    case 'withdraw':
      return withdraw(ic, account, ix.lamports);
    case 'updateCommissionBps': {
      const features = ic.env.features;
      if (!features.isActive(FEATURES.commissionRateInBasisPoints) || !features.isActive(FEATURES.delayCommissionUpdates)) fail('InvalidInstructionData');
      // Block revenue commissions wait for block revenue sharing (SIMD-0123), which this Agave lacks.
      if (ix.commission === 'blockRevenue') fail('InvalidInstructionData');
      const s = account.state();
      account.requireSigner(s.withdrawer);
      s.inflationRewardsCommissionBps = ix.bps;
      return account.write(s);
    }
    case 'updateCommissionCollector':
      if (!ic.env.features.isActive(FEATURES.customCommissionCollector)) fail('InvalidInstructionData');
      return updateCommissionCollector(ic, account, ix.commission);
    case 'depositDelegatorRewards':
      // Needs block revenue sharing (SIMD-0123), which the Agave LiteSVM runs does not have.
      return fail('InvalidInstructionData');
  }
}

/** The Vote program builtin. */
export const voteProgram: Builtin = {
  name: 'solana_vote_program',
  process(ic: InvokeContext): void {
    ic.consumeChecked(DEFAULT_COMPUTE_UNITS);
    const tx = ic.tx;
    tx.requireAccounts(1);
    if (tx.account(0).owner !== VOTE_PROGRAM) fail('InvalidAccountOwner');
    const frame = tx.current();
    const signers = new Set(frame.accounts.filter((a) => a.isSigner).map((a) => tx.keys[a.txIndex]));
    process(ic, decodeVoteInstruction(frame.data), new VoteAccount(ic, signers));
  },
};
