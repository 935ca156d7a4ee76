/**
 * `jsonParsed` for sysvar accounts (agave account-decoder/src/parse_sysvar.rs): `{ type, info }`
 * by the sysvar's address; u64 fields as numbers except where Agave writes strings (rent's
 * `lamportsPerByteYear`, fee calculators, epoch rewards' totals).
 */
import { SYSVAR } from '../../runtime/ids.js';
import {
  decodeClock,
  decodeEpochRewards,
  decodeEpochSchedule,
  decodeRecentBlockhashes,
  decodeRent,
  decodeSlotHashes,
  decodeSlotHistory,
  decodeStakeHistory,
  decodeU64,
  SLOT_HISTORY_BLOCKS,
} from '../../runtime/sysvars.js';

/** `SlotHistoryBits`' Debug form: one character a slot, lowest first, over the whole history. */
function slotHistoryBits(bits: BigUint64Array): string {
  const out: string[] = [];
  for (let block = 0; block < SLOT_HISTORY_BLOCKS; block++) {
    const word = block < bits.length ? bits[block] : 0n;
    out.push(word === 0n ? '0'.repeat(64) : [...word.toString(2).padStart(64, '0')].reverse().join(''));
  }
  return out.join('');
}

const feeCalculator = (lamportsPerSignature: bigint) => ({ lamportsPerSignature: lamportsPerSignature.toString() });

const PARSERS: Record<string, (data: Uint8Array) => object> = {
  [SYSVAR.clock]: (d) => {
    const c = decodeClock(d);
    return {
      type: 'clock',
      info: {
        slot: c.slot,
        epoch: c.epoch,
        epochStartTimestamp: c.epochStartTimestamp,
        leaderScheduleEpoch: c.leaderScheduleEpoch,
        unixTimestamp: c.unixTimestamp,
      },
    };
  },
  [SYSVAR.epochSchedule]: (d) => ({ type: 'epochSchedule', info: decodeEpochSchedule(d) }),
  [SYSVAR.fees]: (d) => ({ type: 'fees', info: { feeCalculator: feeCalculator(decodeU64(d)) } }),
  [SYSVAR.recentBlockhashes]: (d) => ({
    type: 'recentBlockhashes',
    info: decodeRecentBlockhashes(d).map((e) => ({ blockhash: e.blockhash, feeCalculator: feeCalculator(e.lamportsPerSignature) })),
  }),
  [SYSVAR.rent]: (d) => {
    const r = decodeRent(d);
    return {
      type: 'rent',
      info: { lamportsPerByteYear: r.lamportsPerByteYear.toString(), exemptionThreshold: r.exemptionThreshold, burnPercent: r.burnPercent },
    };
  },
  [SYSVAR.slotHashes]: (d) => ({ type: 'slotHashes', info: decodeSlotHashes(d).map((e) => ({ slot: e.slot, hash: e.hash })) }),
  [SYSVAR.slotHistory]: (d) => {
    const h = decodeSlotHistory(d);
    return { type: 'slotHistory', info: { nextSlot: h.nextSlot, bits: slotHistoryBits(h.bits) } };
  },
  [SYSVAR.stakeHistory]: (d) => ({
    type: 'stakeHistory',
    info: decodeStakeHistory(d).map((e) => ({
      epoch: e.epoch,
      stakeHistory: { effective: e.effective, activating: e.activating, deactivating: e.deactivating },
    })),
  }),
  [SYSVAR.lastRestartSlot]: (d) => ({ type: 'lastRestartSlot', info: { lastRestartSlot: decodeU64(d) } }),
  [SYSVAR.epochRewards]: (d) => {
    const e = decodeEpochRewards(d);
    return {
      type: 'epochRewards',
      info: {
        distributionStartingBlockHeight: e.distributionStartingBlockHeight,
        numPartitions: e.numPartitions,
        parentBlockhash: e.parentBlockhash,
        totalPoints: e.totalPoints.toString(),
        totalRewards: e.totalRewards.toString(),
        distributedRewards: e.distributedRewards.toString(),
        active: e.active,
      },
    };
  },
};

/** `parse_sysvar`: the sysvar at `address`, or undefined for an unknown address or data that does not deserialize. */
export function parseSysvar(address: string, data: Uint8Array): object | undefined {
  const parse = PARSERS[address];
  if (!parse) return undefined;
  try {
    return parse(data);
  } catch {
    return undefined;
  }
}
