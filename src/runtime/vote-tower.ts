/**
 * The tower rules of Agave's vote program (`vote_state/mod.rs` and the handler's shared methods):
 * lockouts, legacy `Vote` processing, whole-tower updates (`TowerSync`, `UpdateVoteState`) checked
 * against SlotHashes, vote credits with latency, and vote timestamps. Failures throw the program's
 * `VoteError` as a custom instruction error.
 */
import { InstructionFailure } from './errors.js';
import type { SlotHash } from './sysvars.js';
import { MAX_EPOCH_CREDITS_HISTORY, MAX_LOCKOUT_HISTORY, type LandedVote, type VoteState } from './vote-state.js';

/** `VoteError` codes (`solana_vote_interface::error::VoteError`). */
export const VoteError = {
  VoteTooOld: 0,
  SlotsMismatch: 1,
  SlotHashMismatch: 2,
  EmptySlots: 3,
  TimestampTooOld: 4,
  TooSoonToReauthorize: 5,
  LockoutConflict: 6,
  NewVoteStateLockoutMismatch: 7,
  SlotsNotOrdered: 8,
  ConfirmationsNotOrdered: 9,
  ZeroConfirmations: 10,
  ConfirmationTooLarge: 11,
  RootRollBack: 12,
  ConfirmationRollBack: 13,
  SlotSmallerThanRoot: 14,
  TooManyVotes: 15,
  VotesTooOldAllFiltered: 16,
  RootOnDifferentFork: 17,
  ActiveVoteAccountClose: 18,
  CommissionUpdateTooLate: 19,
  AssertionFailed: 20,
} as const;

export function voteFailure(code: (typeof VoteError)[keyof typeof VoteError]): never {
  throw new InstructionFailure({ kind: 'Custom', code });
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** Credits for a vote that lands within the grace period (`VOTE_CREDITS_MAXIMUM_PER_SLOT`). */
const VOTE_CREDITS_MAXIMUM_PER_SLOT = 16;
const VOTE_CREDITS_GRACE_SLOTS = 2;

/** `Lockout::last_locked_out_slot`: slot + 2^confirmations (capped at 31), saturating. */
export function lastLockedOutSlot(v: { slot: bigint; confirmationCount: number }): bigint {
  const end = v.slot + (1n << BigInt(Math.min(v.confirmationCount, MAX_LOCKOUT_HISTORY)));
  return end > U64_MAX ? U64_MAX : end;
}

/** Slots between the voted slot and the slot the vote landed in, at most 255. */
const voteLatency = (votedFor: bigint, current: bigint): number => (current <= votedFor ? 0 : current - votedFor > 255n ? 255 : Number(current - votedFor));

/** `credits_for_vote_at_index`: 16 credits within the grace period, one less per late slot, at least 1. */
function creditsForVote(vote: LandedVote | undefined): bigint {
  const latency = vote?.latency ?? 0;
  if (latency === 0) return 1n;
  const late = latency - VOTE_CREDITS_GRACE_SLOTS;
  if (late <= 0) return BigInt(VOTE_CREDITS_MAXIMUM_PER_SLOT);
  return BigInt(Math.max(1, VOTE_CREDITS_MAXIMUM_PER_SLOT - late));
}

/** `increment_credits`: one history entry per epoch in which credits were earned, 64 kept. */
function incrementCredits(s: VoteState, epoch: bigint, credits: bigint): void {
  const history = s.epochCredits;
  if (history.length === 0) {
    history.push({ epoch, credits: 0n, prevCredits: 0n });
  } else if (epoch !== history[history.length - 1].epoch) {
    const last = history[history.length - 1];
    if (last.credits !== last.prevCredits) history.push({ epoch, credits: last.credits, prevCredits: last.credits });
    else last.epoch = epoch;
    if (history.length > MAX_EPOCH_CREDITS_HISTORY) history.shift();
  }
  const last = history[history.length - 1];
  const sum = last.credits + credits;
  last.credits = sum > U64_MAX ? U64_MAX : sum;
}

/** `process_timestamp`: timestamps move forward with slots; the same slot may only repeat the same timestamp. */
export function processTimestamp(s: VoteState, slot: bigint, timestamp: bigint): void {
  const last = s.lastTimestamp;
  if (slot < last.slot || timestamp < last.timestamp || (slot === last.slot && timestamp !== last.timestamp && last.slot !== 0n)) {
    voteFailure(VoteError.TimestampTooOld);
  }
  s.lastTimestamp = { slot, timestamp };
}

const lastVotedSlot = (s: VoteState): bigint | undefined => s.votes[s.votes.length - 1]?.slot;

function containsSlot(s: VoteState, slot: bigint): boolean {
  let lo = 0;
  let hi = s.votes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = s.votes[mid].slot;
    if (v === slot) return true;
    if (v < slot) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** `process_next_vote_slot`: pop expired lockouts, push the vote, root the oldest when full, double lockouts. */
function processNextVoteSlot(s: VoteState, slot: bigint, epoch: bigint, currentSlot: bigint): void {
  const last = lastVotedSlot(s);
  if (last !== undefined && slot <= last) return;
  while (s.votes.length > 0 && lastLockedOutSlot(s.votes[s.votes.length - 1]) < slot) s.votes.pop();
  const landed: LandedVote = { latency: voteLatency(slot, currentSlot), slot, confirmationCount: 1 };
  if (s.votes.length === MAX_LOCKOUT_HISTORY) {
    const credits = creditsForVote(s.votes[0]);
    s.rootSlot = s.votes.shift()!.slot;
    incrementCredits(s, epoch, credits);
  }
  s.votes.push(landed);
  const depth = s.votes.length;
  s.votes.forEach((v, i) => {
    if (depth > i + v.confirmationCount) v.confirmationCount += 1;
  });
}

/** `check_slots_are_valid`: the new slots must be in SlotHashes, the newest with the vote's hash. */
function checkSlotsAreValid(s: VoteState, slots: bigint[], hash: string, slotHashes: readonly SlotHash[]): void {
  let i = 0;
  let j = slotHashes.length;
  const last = lastVotedSlot(s);
  while (i < slots.length && j > 0) {
    if (last !== undefined && slots[i] <= last) {
      i++;
      continue;
    }
    if (slots[i] !== slotHashes[j - 1].slot) {
      j--;
      continue;
    }
    i++;
    j--;
  }
  if (j === slotHashes.length) voteFailure(VoteError.VoteTooOld);
  if (i !== slots.length) voteFailure(VoteError.SlotsMismatch);
  if (slotHashes[j].hash !== hash) voteFailure(VoteError.SlotHashMismatch);
}

/** A legacy `Vote`: slots older than SlotHashes are dropped, the rest must match it. */
export function processVote(s: VoteState, vote: { slots: bigint[]; hash: string }, slotHashes: readonly SlotHash[], epoch: bigint, currentSlot: bigint): void {
  if (vote.slots.length === 0) voteFailure(VoteError.EmptySlots);
  const earliest = slotHashes.length > 0 ? slotHashes[slotHashes.length - 1].slot : 0n;
  const slots = vote.slots.filter((slot) => slot >= earliest);
  if (slots.length === 0) voteFailure(VoteError.VotesTooOldAllFiltered);
  checkSlotsAreValid(s, slots, vote.hash, slotHashes);
  for (const slot of slots) processNextVoteSlot(s, slot, epoch, currentSlot);
}

/** A proposed tower: lockouts oldest first, an optional root, the hash of the newest slot, a timestamp. */
export interface ProposedTower {
  lockouts: { slot: bigint; confirmationCount: number }[];
  root: bigint | undefined;
  hash: string;
  timestamp: bigint | undefined;
}

/**
 * `check_and_filter_proposed_vote_state`: every proposed slot (and the root) must be on this fork
 * as SlotHashes records it; slots older than its history are dropped unless already in the tower,
 * and a root older than the history falls back to the newest tower vote at or below it.
 */
function checkAndFilterProposedTower(s: VoteState, p: ProposedTower, slotHashes: readonly SlotHash[]): void {
  const lockouts = p.lockouts;
  if (lockouts.length === 0) voteFailure(VoteError.EmptySlots);
  const lastProposed = lockouts[lockouts.length - 1].slot;
  const lastVoted = lastVotedSlot(s);
  if (lastVoted !== undefined && lastProposed <= lastVoted) voteFailure(VoteError.VoteTooOld);
  if (slotHashes.length === 0) voteFailure(VoteError.SlotsMismatch);
  const earliest = slotHashes[slotHashes.length - 1].slot;
  if (lastProposed < earliest) voteFailure(VoteError.VoteTooOld);
  if (p.root !== undefined && p.root < earliest) {
    const root = p.root;
    p.root = s.rootSlot;
    for (let k = s.votes.length - 1; k >= 0; k--) {
      if (s.votes[k].slot <= root) {
        p.root = s.votes[k].slot;
        break;
      }
    }
  }
  let rootToCheck = p.root;
  let index = 0;
  let j = slotHashes.length;
  const dropped = new Set<number>();
  while (index < lockouts.length && j > 0) {
    const slot = rootToCheck ?? lockouts[index].slot;
    if (rootToCheck === undefined && index > 0 && slot <= lockouts[index - 1].slot) voteFailure(VoteError.SlotsNotOrdered);
    const ancestor = slotHashes[j - 1].slot;
    if (slot < ancestor) {
      if (j !== slotHashes.length) voteFailure(rootToCheck !== undefined ? VoteError.RootOnDifferentFork : VoteError.SlotsMismatch);
      // Older than the whole history: kept only if the tower already has it.
      if (slot >= earliest) voteFailure(VoteError.AssertionFailed);
      if (rootToCheck === undefined && !containsSlot(s, slot)) dropped.add(index);
      if (rootToCheck !== undefined) rootToCheck = undefined;
      else index++;
    } else if (slot > ancestor) {
      j--;
    } else if (rootToCheck !== undefined) {
      rootToCheck = undefined;
    } else {
      index++;
      j--;
    }
  }
  if (index !== lockouts.length) voteFailure(VoteError.SlotsMismatch);
  if (slotHashes[j].hash !== p.hash) voteFailure(VoteError.SlotHashMismatch);
  if (dropped.size > 0) p.lockouts = lockouts.filter((_, k) => !dropped.has(k));
}

/**
 * `process_new_vote_state`: the proposed tower replaces the current one if it is well ordered,
 * never rolls back a root or a confirmation, and only drops votes whose lockouts expired. Newly
 * rooted votes earn credits by their latency; new votes get the latency of this slot.
 */
function processNewTower(s: VoteState, p: ProposedTower, epoch: bigint, currentSlot: bigint): void {
  const next: LandedVote[] = p.lockouts.map((l) => ({ latency: 0, slot: l.slot, confirmationCount: l.confirmationCount }));
  const root = p.root;
  if (next.length > MAX_LOCKOUT_HISTORY) voteFailure(VoteError.TooManyVotes);
  if (s.rootSlot !== undefined && (root === undefined || root < s.rootSlot)) voteFailure(VoteError.RootRollBack);
  let previous: LandedVote | undefined;
  for (const vote of next) {
    if (vote.confirmationCount === 0) voteFailure(VoteError.ZeroConfirmations);
    if (vote.confirmationCount > MAX_LOCKOUT_HISTORY) voteFailure(VoteError.ConfirmationTooLarge);
    // A zero root is what empty validator towers send; it is not checked.
    if (root !== undefined && vote.slot <= root && root !== 0n) voteFailure(VoteError.SlotSmallerThanRoot);
    if (previous) {
      if (previous.slot >= vote.slot) voteFailure(VoteError.SlotsNotOrdered);
      if (previous.confirmationCount <= vote.confirmationCount) voteFailure(VoteError.ConfirmationsNotOrdered);
      if (vote.slot > lastLockedOutSlot(previous)) voteFailure(VoteError.NewVoteStateLockoutMismatch);
    }
    previous = vote;
  }
  let current = 0;
  let earned = 0n;
  if (root !== undefined) {
    while (current < s.votes.length && s.votes[current].slot <= root) {
      earned += creditsForVote(s.votes[current]);
      current++;
    }
  }
  let proposed = 0;
  while (current < s.votes.length && proposed < next.length) {
    const old = s.votes[current];
    const vote = next[proposed];
    if (old.slot < vote.slot) {
      if (lastLockedOutSlot(old) >= vote.slot) voteFailure(VoteError.LockoutConflict);
      current++;
    } else if (old.slot === vote.slot) {
      if (vote.confirmationCount < old.confirmationCount) voteFailure(VoteError.ConfirmationRollBack);
      vote.latency = old.latency;
      current++;
      proposed++;
    } else {
      proposed++;
    }
  }
  for (const vote of next) if (vote.latency === 0) vote.latency = voteLatency(vote.slot, currentSlot);
  if (s.rootSlot !== root) incrementCredits(s, epoch, earned);
  if (p.timestamp !== undefined) processTimestamp(s, next[next.length - 1].slot, p.timestamp);
  s.rootSlot = root;
  s.votes = next;
}

/** A whole-tower update (`TowerSync`, `UpdateVoteState` and their compact forms). */
export function processTowerUpdate(s: VoteState, p: ProposedTower, slotHashes: readonly SlotHash[], epoch: bigint, currentSlot: bigint): void {
  checkAndFilterProposedTower(s, p, slotHashes);
  processNewTower(s, p, epoch, currentSlot);
}
