/**
 * Loads and stores in loops translate their address inline, from the region table's limits (the
 * stack's gaps too when the base is the frame pointer), and call `translate` for the rest. Every
 * edge of every region must end as on the interpreter: the same value, fault, count, registers
 * and memory, also when the same instance runs again (what the inline stores wrote is zeroed).
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, SyscallRegistry, type Executable } from '../../src/index.js';
import { basicBlocks, functionGraph, loopNodes } from '../../src/jit/cfg.js';
import { compiledModule } from '../../src/jit/program-cache.js';
import { testSyscalls } from '../../src/vm/test-syscalls.js';
import { big, finalState } from './fuzz.js';

const INPUT = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
const SIZES = [1, 2, 4, 8] as const;
const SUFFIX = { 1: 'b', 2: 'h', 4: 'w', 8: 'dw' } as const;

/** Both engines, twice each (the JIT's instance is reused): the same outcome and final state. */
function same(exe: Executable, what: string) {
  let expected = '';
  const interp = execute(exe, { engine: 'interpreter', input: INPUT, onExit: (m, r) => (expected = finalState(m, r)) });
  for (let run = 0; run < 2; run++) {
    let state = '';
    const jit = execute(exe, { engine: 'jit', input: INPUT, onExit: (m, r) => (state = finalState(m, r)) });
    if (JSON.stringify(jit, big) !== JSON.stringify(interp, big) || state !== expected) {
      expect(jit, what).toEqual(interp);
      expect(state, `registers and memory: ${what}`).toBe(expected);
    }
  }
  expect(compiledModule(exe, testSyscalls()), `${what} compiled`).toBeDefined();
  return interp;
}

/** A loop running one access twice: `ldx`/`stx` of `size` bytes at `[base + off]`, the base set by `setup`. */
function accessLoop(version: 0 | 2 | 3, setup: string, base: string, off: number, size: (typeof SIZES)[number], store: boolean): Executable {
  const sign = off < 0 ? '-' : '+';
  const at = `[${base}${sign}${Math.abs(off)}]`;
  const access = store ? `stx${SUFFIX[size]} ${at}, r6` : `ldx${SUFFIX[size]} r0, ${at}`;
  return assemble(
    `
      mov r6, 0x5a
      ${setup}
    top:
      ${access}
      add r6, 1
      jne r6, 0x5c, top
      exit`,
    { sbpfVersion: version },
  );
}

describe('inline address translation', () => {
  it('marks the nodes of loops, not the code around them', () => {
    const exe = accessLoop(0, 'mov r2, r10', 'r2', -8, 8, false);
    const { blocks, blockOf } = basicBlocks(exe, new SyscallRegistry());
    const entries = new Uint8Array(blocks.length);
    entries[blockOf[0]] = 1;
    const g = functionGraph(blocks, blockOf[0], entries, new Int32Array(blocks.length).fill(-1))!;
    // Slots: 0 the setup, 2 top: (the access and the loop test), 5 the exit.
    const marked = (limit?: number) => {
      const inLoop = loopNodes(g, blocks, limit);
      return [0, 2, 5].map((slot) => inLoop[g.nodes.indexOf(blockOf[slot])]);
    };
    expect(marked()).toEqual([0, 1, 0]);
    // The loop is 3 instructions long: a limit below that leaves it to `translate`.
    expect(marked(3)).toEqual([0, 1, 0]);
    expect(marked(2)).toEqual([0, 0, 0]);
  });

  it.each([0, 2, 3] as const)('V%i: through the frame pointer, at each edge of its frame, the gap and beyond the stack', (version) => {
    // V0: r10 is 0x2_0000_1000, the end of frame 0, where its gap starts; frame 1 starts 4096 further.
    // V2: r10 is the top of the whole (flat) stack. V3: frame 0 ends at r10, frame 1 follows at once.
    const offsets = [-4097, -4096, -4095, -9, -8, -7, -4, -1, 0, 1, 4095, 4096, 4097, 8191, 8192, 32767, -32768];
    for (const off of offsets)
      for (const size of SIZES)
        for (const store of [false, true]) {
          same(accessLoop(version, '', 'r10', off, size, store), `V${version} ${store ? 'store' : 'load'} of ${size} at r10${off >= 0 ? '+' : ''}${off}`);
        }
  });

  // V2 has no lddw to set the base with.
  it.each([0, 3] as const)('V%i: through another register, at both ends of every slot', (version) => {
    const ends = (length: number) => [0, 1, length - 8, length - 7, length - 4, length - 2, length - 1, length, 0xfffffff8, 0xffffffff];
    const regions: [slot: number, offsets: number[]][] = [
      [0, ends(64)],
      [1, ends(64)],
      // The stack: its frames and gaps (V0) or its end (flat).
      [2, [...ends(0x40000), 4088, 4095, 4096, 8191, 8192, 0x7f000, 0x7fff8]],
      [3, ends(0x8000)],
      [4, ends(INPUT.length)],
      [5, [0, 8]],
      [7, [0]],
      [8, [0, 8]],
      [0x1_0000, [0]],
    ];
    for (const [slot, offsets] of regions)
      for (const offset of offsets)
        for (const size of SIZES)
          for (const store of [false, true]) {
            const address = slot * 2 ** 32 + offset;
            const exe = accessLoop(version, `lddw r2, 0x${address.toString(16)}`, 'r2', 0, size, store);
            same(exe, `V${version} ${store ? 'store' : 'load'} of ${size} at 0x${address.toString(16)}`);
          }
  });

  it('a store in a loop through the frame pointer, then a load of what another run left there, on a reused instance', () => {
    // Reads the slot before writing it: a stale byte from an earlier run would show in r0.
    const exe = assemble(
      `
        mov r6, 0
      top:
        ldxdw r0, [r10-8]
        add r7, r0
        stxdw [r10-8], r6
        stxb [r10-4096], r6
        add r6, 1
        jne r6, 3, top
        mov r0, r7
        exit`,
      { sbpfVersion: 0 },
    );
    expect(same(exe, 'stack reuse')).toMatchObject({ ok: true, value: 1n });
  });
});
