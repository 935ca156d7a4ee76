/** The instructions of a program as coverage counts them: their slots, and which are conditional jumps to where. */
import type { Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';
import { decodeInsn } from '../isa/instruction.js';
import { JA } from '../isa/opcodes.js';
import { opcodeAt } from '../isa/slot.js';
import { opcodeRole } from '../isa/validity.js';

/** The slots that start an instruction (all but the second halves of lddw). */
export function instructionSlots(exe: Executable): number[] {
  const n = Math.floor(exe.text.length / INSN_SIZE);
  const slots: number[] = [];
  for (let pc = 0; pc < n; pc++) {
    slots.push(pc);
    if (opcodeRole(exe.sbpfVersion, opcodeAt(exe.text, pc)) === 'lddw') pc++;
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
  for (const pc of instructionSlots(exe)) {
    const { opc: opcode, off: offset } = decodeInsn(exe.text, pc);
    if (opcode !== JA && opcodeRole(exe.sbpfVersion, opcode) === 'jump' && offset !== 0) found.set(pc, pc + 1 + offset);
  }
  jumpTargets.set(exe, (targets = found));
  return targets;
}
