/**
 * The debugger's execution control without the protocol: a debugged run — stopped and resumed or
 * not — ends exactly as a plain run (result, error, logs, compute units), faults included, and the
 * meter it shows agrees with the instructions executed.
 */
import { describe, expect, it } from 'vitest';
import { InstructionHarness } from '../../src/api/harness.js';
import { DebugController, type Finished } from '../../src/debugger/controller.js';
import { instructionDebuggee } from '../../src/debugger/debuggee.js';
import type { Stop } from '../../src/debugger/snapshot.js';
import { programElf } from '../helpers/encoding.js';

const PROGRAM = 'Prog111111111111111111111111111111111111111';
const CALLEE = 'Ca11ee1111111111111111111111111111111111111';

const cases: { program: string; data: number[]; callee?: string }[] = [
  { program: 'debuginfo', data: [0, 1, 2, 3, 4, 5] },
  { program: 'debuginfo', data: [2, 0] },
  { program: 'debuginfo', data: [3, 5, 1] },
  { program: 'faults', data: [0] },
  { program: 'faults', data: [3] },
  { program: 'faults', data: [4] },
  { program: 'faults', data: [5] },
  { program: 'recursion', data: [12] },
  { program: 'bench_sort', data: [40] },
  { program: 'values', data: [5, 3, 2] },
  { program: 'values.v3', data: [5, 3, 2] },
  { program: 'cpi', data: [1, 7, 8], callee: 'cpi_callee' },
  { program: 'cpi', data: [7], callee: 'cpi_callee' },
];

function setUp({ program, data, callee }: (typeof cases)[number]) {
  const harness = () => {
    const h = new InstructionHarness().addProgram(PROGRAM, programElf(program));
    if (callee) h.addProgram(CALLEE, programElf(callee));
    return h;
  };
  const ix = { programId: PROGRAM, keys: callee ? [{ pubkey: CALLEE, isSigner: false, isWritable: false }] : [], data };
  return { controller: new DebugController(instructionDebuggee(harness(), ix, [])), plain: harness().process(ix, []) };
}

const finished = (r: Stop | Finished): Finished => {
  if ('reason' in r) throw new Error(`stopped (${r.reason}) where the run should have ended`);
  return r;
};

describe('debug controller', () => {
  it.each(cases)('ends $program $data as a plain run, with and without stops', (c) => {
    const { controller, plain } = setUp(c);
    const expected = { success: plain.success, computeUnits: plain.computeUnitsConsumed, logs: plain.logs, returnData: plain.returnData };
    controller.stopOnFault = false;
    const straight = finished(controller.start(false)).outcome;
    expect({ success: straight.success, computeUnits: straight.computeUnits, logs: straight.logs, returnData: straight.returnData }).toEqual(expected);

    // Stopped at the entry, twice stepped, then continued (stopping at the fault, if any, first).
    controller.stopOnFault = true;
    let next = controller.start(true);
    expect((next as Stop).reason).toBe('entry');
    next = controller.resume('stepIn', 'instruction');
    next = 'reason' in next ? controller.resume('stepOver') : next;
    next = 'reason' in next ? controller.resume('continue') : next;
    if (plain.backtrace()) {
      expect((next as Stop).reason).toBe('exception');
      next = controller.resume('continue');
    }
    const resumed = finished(next).outcome;
    expect({ success: resumed.success, computeUnits: resumed.computeUnits, logs: resumed.logs, returnData: resumed.returnData }).toEqual(expected);
  });

  it('shows the meter as the budget less the instructions executed, in a program without syscalls', () => {
    const { controller } = setUp({ program: 'recursion', data: [5] });
    let next = controller.start(true);
    for (let i = 0; i < 50 && 'reason' in next; i++) {
      expect(next.unitsLeft).toBe(1_400_000 - next.executed);
      next = controller.resume('stepIn', 'instruction');
    }
  });
});
