/** The instructions of a program as coverage counts them: their slots, and which are conditional jumps to where. */
import type { Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';
import { JA } from '../isa/opcodes.js';
import { opcodeRole } from '../isa/validity.js';

/** The slots that start an instruction (all but the second halves of lddw). */
export function instructionSlots(exe: Executable): number[] {
  const n = Math.floor(exe.text.length / INSN_SIZE);
  const slots: number[] = [];
  for (let pc = 0; pc < n; pc++) {
    slots.push(pc);
    if (opcodeRole(exe.sbpfVersion, exe.text[pc * INSN_SIZE]!) === 'lddw') pc++;
  }
  return slots;
}

const jumpTargets = new WeakMap<Executable, ReadonlyMap<number, number>>();

/**
 * Each conditional jump's slot and the slot it jumps to. A jump by 0 reaches the next slot
 * either way, so it is no branch.
 */
export function conditionalJumpTargets(exe: Executable): ReadonlyMap<number, number> {
  let targets = jumpTargets.get(exe);
  if (targets) return targets;
  const found = new Map<number, number>();
  const view = new DataView(exe.text.buffer, exe.text.byteOffset, exe.text.byteLength);
  for (const pc of instructionSlots(exe)) {
    const opcode = exe.text[pc * INSN_SIZE]!;
    const offset = view.getInt16(pc * INSN_SIZE + 2, true);
    if (opcode !== JA && opcodeRole(exe.sbpfVersion, opcode) === 'jump' && offset !== 0) found.set(pc, pc + 1 + offset);
  }
  jumpTargets.set(exe, (targets = found));
  return targets;
}
