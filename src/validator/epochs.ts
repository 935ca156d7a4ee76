/** Epochs from slots, as Agave's `EpochSchedule` computes them (warm-up epochs double from 32 slots). */
import type { EpochSchedule } from '../runtime/sysvars.js';

/** `MINIMUM_SLOTS_PER_EPOCH`: the first (warm-up) epoch's length. */
const MINIMUM_SLOTS_PER_EPOCH = 32n;

/** `EpochSchedule::get_epoch_and_slot_index` and `get_slots_in_epoch`. */
export function epochOf(s: EpochSchedule, slot: bigint): { epoch: bigint; slotIndex: bigint; slotsInEpoch: bigint } {
  if (slot < s.firstNormalSlot) {
    const epoch = BigInt((slot + MINIMUM_SLOTS_PER_EPOCH).toString(2).length) - 6n; // ceil(log2(slot + 33)) - 6
    const slotsInEpoch = MINIMUM_SLOTS_PER_EPOCH << epoch;
    return { epoch, slotIndex: slot - (slotsInEpoch - MINIMUM_SLOTS_PER_EPOCH), slotsInEpoch };
  }
  const normal = slot - s.firstNormalSlot;
  return { epoch: s.firstNormalEpoch + normal / s.slotsPerEpoch, slotIndex: normal % s.slotsPerEpoch, slotsInEpoch: s.slotsPerEpoch };
}

/** `EpochSchedule::get_first_slot_in_epoch`. */
export function firstSlotOfEpoch(s: EpochSchedule, epoch: bigint): bigint {
  if (epoch <= s.firstNormalEpoch) return ((1n << epoch) - 1n) * MINIMUM_SLOTS_PER_EPOCH;
  return (epoch - s.firstNormalEpoch) * s.slotsPerEpoch + s.firstNormalSlot;
}
