/** `jsonParsed` for vote accounts (agave account-decoder/src/parse_vote.rs): `{ type: "vote", info: UiVoteState }`. */
import { decodeVoteState } from '../../runtime/vote-state.js';

/** `parse_vote`: any stored version, initialized or not; undefined where the data does not deserialize. */
export function parseVote(address: string, data: Uint8Array): object | undefined {
  let stored;
  try {
    stored = decodeVoteState(data, address);
  } catch {
    return undefined;
  }
  const s = stored.contents;
  return {
    type: 'vote',
    info: {
      nodePubkey: s.node,
      authorizedWithdrawer: s.withdrawer,
      // Older versions hold a percentage, converted to basis points on reading; V4 shows bps / 100.
      commission: Math.floor(s.inflationRewardsCommissionBps / 100) & 0xff,
      votes: s.votes.map((v) => ({ slot: v.slot, confirmationCount: v.confirmationCount })),
      rootSlot: s.rootSlot ?? null,
      authorizedVoters: s.authorizedVoters.map((v) => ({ epoch: v.epoch, authorizedVoter: v.voter })),
      priorVoters: stored.priorVoters.map((p) => ({
        authorizedPubkey: p.pubkey,
        epochOfLastAuthorizedSwitch: p.epochOfLastAuthorizedSwitch,
        targetEpoch: p.targetEpoch,
      })),
      epochCredits: s.epochCredits.map((c) => ({ epoch: c.epoch, credits: c.credits.toString(), previousCredits: c.prevCredits.toString() })),
      lastTimestamp: { slot: s.lastTimestamp.slot, timestamp: s.lastTimestamp.timestamp },
    },
  };
}
