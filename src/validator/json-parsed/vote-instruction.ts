/**
 * Vote program instructions as Agave parses them (agave transaction-status/src/parse_vote.rs), over
 * the vote builtin's own decoder. Lockouts keep serde's field names (`confirmation_count`). Not
 * parsed here (partially decoded): authorizations to a BLS voter key, and the commission-collector,
 * commission-bps and delegator-reward instructions.
 */
import { decodeOrUndefined, u32 } from '../../runtime/codec.js';
import { decodeVoteInstruction, type Authorize } from '../../runtime/builtins/vote.js';
import type { ProposedTower } from '../../runtime/vote-tower.js';
import { instructionOver, NotParsable, type ParsedInstructionEnum } from './instruction-parser.js';

/** `VoteAuthorize` as serde writes its unit variants. */
function authorityType(role: Authorize): string {
  if (role.role === 'voterWithBls') throw new NotParsable('BLS voter authorizations are not parsed here');
  return role.role === 'voter' ? 'Voter' : 'Withdrawer';
}

/** A `VoteStateUpdate` / `TowerSync` as the parser writes it. */
const towerJson = (t: ProposedTower) => ({
  lockouts: t.lockouts.map((l) => ({ slot: l.slot, confirmation_count: l.confirmationCount })),
  root: t.root ?? null,
  hash: t.hash,
  timestamp: t.timestamp ?? null,
});

/** The tower-update instruction names by `VoteInstruction` tag. */
const TOWER_TYPES: Record<number, string> = {
  8: 'updatevotestate',
  9: 'updatevotestateswitch',
  12: 'compactupdatevotestate',
  13: 'compactupdatevotestateswitch',
  14: 'towersync',
  15: 'towersyncswitch',
};

/** `parse_vote`. */
export function parseVoteInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  const ix = decodeVoteInstruction(data);
  const parsed = instructionOver(a);
  const seededInfo = (s: { role: Authorize; owner: string; seed: string }) => ({
    voteAccount: a[0],
    clockSysvar: a[1],
    authorityBaseKey: a[2],
    authorityOwner: s.owner,
    authoritySeed: s.seed,
  });
  switch (ix.kind) {
    case 'initialize':
      return parsed('initialize', 4, () => ({
        voteAccount: a[0],
        rentSysvar: a[1],
        clockSysvar: a[2],
        node: a[3],
        authorizedVoter: ix.voter,
        authorizedWithdrawer: ix.withdrawer,
        commission: ix.commission,
      }));
    case 'authorize': {
      const type = authorityType(ix.role);
      return parsed('authorize', 3, () => ({ voteAccount: a[0], clockSysvar: a[1], authority: a[2], newAuthority: ix.to, authorityType: type }));
    }
    case 'authorizeWithSeed': {
      const type = authorityType(ix.seeded.role);
      return parsed('authorizeWithSeed', 3, () => ({ ...seededInfo(ix.seeded), newAuthority: ix.to, authorityType: type }));
    }
    case 'authorizeCheckedWithSeed': {
      const type = authorityType(ix.seeded.role);
      return parsed('authorizeCheckedWithSeed', 4, () => ({ ...seededInfo(ix.seeded), newAuthority: a[3], authorityType: type }));
    }
    case 'authorizeChecked': {
      const type = authorityType(ix.role);
      return parsed('authorizeChecked', 4, () => ({ voteAccount: a[0], clockSysvar: a[1], authority: a[2], newAuthority: a[3], authorityType: type }));
    }
    case 'vote': {
      const vote = { slots: ix.slots, hash: ix.hash, timestamp: ix.timestamp ?? null };
      const accounts = () => ({ voteAccount: a[0], slotHashesSysvar: a[1], clockSysvar: a[2], voteAuthority: a[3], vote });
      if (ix.switchHash === undefined) return parsed('vote', 4, accounts);
      const switchHash = ix.switchHash;
      return parsed('voteSwitch', 4, () => ({ ...accounts(), hash: switchHash }));
    }
    case 'towerUpdate': {
      const tag = decodeOrUndefined(u32, data) ?? 0; // the `VoteInstruction` variant: bincode's u32 tag (decoded above, so present)
      const field = tag >= 14 ? 'towerSync' : 'voteStateUpdate';
      const tower = { ...towerJson(ix.tower), ...(ix.blockId === undefined ? {} : { blockId: ix.blockId }) };
      return parsed(TOWER_TYPES[tag], 2, () => ({
        voteAccount: a[0],
        voteAuthority: a[1],
        [field]: tower,
        ...(ix.switchHash === undefined ? {} : { hash: ix.switchHash }),
      }));
    }
    case 'withdraw':
      return parsed('withdraw', 3, () => ({ voteAccount: a[0], destination: a[1], withdrawAuthority: a[2], lamports: ix.lamports }));
    case 'updateValidatorIdentity':
      return parsed('updateValidatorIdentity', 3, () => ({ voteAccount: a[0], newValidatorIdentity: a[1], withdrawAuthority: a[2] }));
    case 'updateCommission':
      return parsed('updateCommission', 2, () => ({ voteAccount: a[0], withdrawAuthority: a[1], commission: ix.commission }));
    case 'initializeV2':
      return parsed('initializeV2', 2, () => ({
        voteAccount: a[0],
        node: a[1],
        authorizedVoter: ix.voter,
        authorizedWithdrawer: ix.withdrawer,
        inflationRewardsCommissionBps: ix.inflationRewardsCommissionBps,
        inflationRewardsCollector: ix.inflationRewardsCollector,
        blockRevenueCommissionBps: ix.blockRevenueCommissionBps,
        blockRevenueCollector: ix.blockRevenueCollector,
      }));
    default:
      throw new NotParsable('vote instruction not parsed here');
  }
}
