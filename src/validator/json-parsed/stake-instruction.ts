/**
 * Stake program instructions as Agave parses them (agave transaction-status/src/parse_stake.rs):
 * bincode `StakeInstruction`. The core-BPF stake program takes both the legacy account lists (with
 * sysvars and the stake config) and minimal ones; like the program, the parser tells them apart by
 * whether the account at the sysvar's position is that sysvar.
 */
import { BincodeReader } from '../../runtime/builtins/bincode.js';
import { STAKE_CONFIG, SYSVAR } from '../../runtime/ids.js';
import { instructionOver, NotParsable, type ParsedInstructionEnum, requireAccounts } from './instruction-parser.js';

/** `StakeAuthorize` as serde writes the unit variants. */
function stakeAuthorize(r: BincodeReader): string {
  const tag = r.u32();
  if (tag > 1) throw new NotParsable('unknown StakeAuthorize');
  return tag === 0 ? 'Staker' : 'Withdrawer';
}

const optional = <T>(r: BincodeReader, read: () => T): T | undefined => (r.option() ? read() : undefined);

/** Fields present only when the instruction names that many accounts. */
const ifPresent = (a: readonly string[], index: number, field: string) => (a.length > index ? { [field]: a[index] } : {});

/** `parse_stake`. */
export function parseStakeInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  const r = new BincodeReader(data, { limit: Infinity });
  const parsed = instructionOver(a);
  /** The legacy layout has `sysvar` at `index`; it then needs `count` accounts. */
  const legacy = (index: number, sysvar: string, count: number) => {
    if (a[index] !== sysvar) return false;
    requireAccounts(a, count);
    return true;
  };
  const tag = r.u32();
  switch (tag) {
    case 0: {
      const authorized = { staker: r.pubkey(), withdrawer: r.pubkey() };
      const lockup = { unixTimestamp: r.i64(), epoch: r.u64(), custodian: r.pubkey() };
      return parsed('initialize', 1, () => ({ stakeAccount: a[0], authorized, lockup, ...(a[1] === SYSVAR.rent ? { rentSysvar: a[1] } : {}) }));
    }
    case 1: {
      const [newAuthority, authorityType] = [r.pubkey(), stakeAuthorize(r)];
      return parsed('authorize', 2, () => {
        const base = { stakeAccount: a[0], newAuthority, authorityType };
        if (legacy(1, SYSVAR.clock, 3)) return { ...base, clockSysvar: a[1], authority: a[2], ...ifPresent(a, 3, 'custodian') };
        return { ...base, authority: a[1], ...ifPresent(a, 2, 'custodian') };
      });
    }
    case 2:
      return parsed('delegate', 3, () => {
        const base = { stakeAccount: a[0], voteAccount: a[1] };
        if (!legacy(2, SYSVAR.clock, 5)) return { ...base, stakeAuthority: a[2] };
        const sysvars = { ...base, clockSysvar: a[2], stakeHistorySysvar: a[3] };
        // The program never reads the stake config, so a client may pass the authority in its place.
        if (a[4] === STAKE_CONFIG) return { ...sysvars, stakeConfigAccount: a[4], ...ifPresent(a, 5, 'stakeAuthority') };
        return { ...sysvars, stakeAuthority: a[4] };
      });
    case 3: {
      const lamports = r.u64();
      return parsed('split', 2, () => ({ stakeAccount: a[0], newSplitAccount: a[1], lamports, ...ifPresent(a, 2, 'stakeAuthority') }));
    }
    case 4: {
      const lamports = r.u64();
      return parsed('withdraw', 3, () => {
        const base = { stakeAccount: a[0], destination: a[1], lamports };
        if (legacy(2, SYSVAR.clock, 5))
          return { ...base, clockSysvar: a[2], stakeHistorySysvar: a[3], withdrawAuthority: a[4], ...ifPresent(a, 5, 'custodian') };
        return { ...base, withdrawAuthority: a[2], ...ifPresent(a, 3, 'custodian') };
      });
    }
    case 5:
      return parsed('deactivate', 2, () =>
        a[1] === SYSVAR.clock ? { stakeAccount: a[0], clockSysvar: a[1], ...ifPresent(a, 2, 'stakeAuthority') } : { stakeAccount: a[0], stakeAuthority: a[1] },
      );
    case 6: {
      const lockup = {
        ...lockupTimes(r),
        ...optionalField(
          'custodian',
          optional(r, () => r.pubkey()),
        ),
      };
      return parsed('setLockup', 2, () => ({ stakeAccount: a[0], custodian: a[1], lockup }));
    }
    case 7:
      return parsed('merge', 3, () => {
        const base = { destination: a[0], source: a[1] };
        if (legacy(2, SYSVAR.clock, 4)) return { ...base, clockSysvar: a[2], stakeHistorySysvar: a[3], ...ifPresent(a, 4, 'stakeAuthority') };
        return { ...base, stakeAuthority: a[2] };
      });
    case 8: {
      const [newAuthorized, authorityType, authoritySeed, authorityOwner] = [r.pubkey(), stakeAuthorize(r), r.string(), r.pubkey()];
      return parsed('authorizeWithSeed', 2, () => {
        const base = { stakeAccount: a[0], authorityBase: a[1], newAuthorized, authorityType, authoritySeed, authorityOwner };
        if (a.length < 3) return base;
        return a[2] === SYSVAR.clock ? { ...base, clockSysvar: a[2], ...ifPresent(a, 3, 'custodian') } : { ...base, custodian: a[2] };
      });
    }
    case 9:
      return parsed('initializeChecked', 3, () =>
        legacy(1, SYSVAR.rent, 4)
          ? { stakeAccount: a[0], rentSysvar: a[1], staker: a[2], withdrawer: a[3] }
          : { stakeAccount: a[0], staker: a[1], withdrawer: a[2] },
      );
    case 10: {
      const authorityType = stakeAuthorize(r);
      return parsed('authorizeChecked', 3, () => {
        const base = { stakeAccount: a[0], authorityType };
        if (legacy(1, SYSVAR.clock, 4)) return { ...base, clockSysvar: a[1], authority: a[2], newAuthority: a[3], ...ifPresent(a, 4, 'custodian') };
        return { ...base, authority: a[1], newAuthority: a[2], ...ifPresent(a, 3, 'custodian') };
      });
    }
    case 11: {
      const [authorityType, authoritySeed, authorityOwner] = [stakeAuthorize(r), r.string(), r.pubkey()];
      return parsed('authorizeCheckedWithSeed', 3, () => {
        const base = { stakeAccount: a[0], authorityBase: a[1], authorityType, authoritySeed, authorityOwner };
        if (legacy(2, SYSVAR.clock, 4)) return { ...base, clockSysvar: a[2], newAuthorized: a[3], ...ifPresent(a, 4, 'custodian') };
        return { ...base, newAuthorized: a[2], ...ifPresent(a, 3, 'custodian') };
      });
    }
    case 12: {
      const times = lockupTimes(r);
      return parsed('setLockupChecked', 2, () => ({ stakeAccount: a[0], custodian: a[1], lockup: { ...times, ...ifPresent(a, 2, 'custodian') } }));
    }
    case 13:
      return { type: 'getMinimumDelegation' };
    case 14:
      return parsed('deactivateDelinquent', 3, () => ({ stakeAccount: a[0], voteAccount: a[1], referenceVoteAccount: a[2] }));
    case 15:
      return parsed('redelegate', 5, () => ({ stakeAccount: a[0], newStakeAccount: a[1], voteAccount: a[2], stakeConfigAccount: a[3], stakeAuthority: a[4] }));
    case 16:
    case 17: {
      const type = tag === 16 ? 'moveStake' : 'moveLamports';
      const lamports = r.u64();
      return parsed(type, 3, () => ({ source: a[0], destination: a[1], stakeAuthority: a[2], lamports }));
    }
    default:
      throw new NotParsable('unknown Stake instruction');
  }
}

/** A lockup field, present only when set. */
const optionalField = (name: string, value: unknown) => (value === undefined ? {} : { [name]: value });

/** `LockupArgs` / `LockupCheckedArgs`' optional timestamp and epoch. */
const lockupTimes = (r: BincodeReader) => ({
  ...optionalField(
    'unixTimestamp',
    optional(r, () => r.i64()),
  ),
  ...optionalField(
    'epoch',
    optional(r, () => r.u64()),
  ),
});
