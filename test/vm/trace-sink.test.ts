/**
 * `execute`'s `trace` option: an array receives one entry per executed instruction; a sink that
 * returns `false` receives no more, and the run goes on to the same end (`websvm trace --limit`
 * relies on this to stay bounded in time and memory on endless programs).
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, type TraceEntry } from '../../src/index.js';

describe('execute({ trace })', () => {
  const loop = assemble('entrypoint:\n  mov64 r0, 0\nlbb_1:\n  add64 r0, 1\n  jlt r0, 1000, lbb_1\n  exit\n', { sbpfVersion: 0 });

  it('an array gets one entry (r0..r10, pc) per executed instruction', () => {
    const trace: TraceEntry[] = [];
    const result = execute(loop, { engine: 'interpreter', trace });
    expect(result).toEqual({ ok: true, value: 1000n, instructions: 2002n });
    expect(trace).toHaveLength(2002);
    expect(trace[1]).toHaveLength(12);
    expect(trace[1][11]).toBe(1n); // the pc
    expect(trace[3][0]).toBe(1n); // r0 before the second add
  });

  it('a sink that returns false gets no further entry, and the run ends as it would untraced', () => {
    const received: TraceEntry[] = [];
    const result = execute(loop, { engine: 'interpreter', trace: { push: (entry) => received.push(entry) < 7 } });
    expect(received).toHaveLength(7);
    expect(result).toEqual(execute(loop, { engine: 'interpreter' }));
  });
});
