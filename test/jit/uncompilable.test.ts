/**
 * Valid programs beyond V8's limits for one WebAssembly function run on the interpreter under
 * every engine, with the interpreter's results: a function dispatched through a `br_table` of more
 * than 65 520 targets, and a function over V8's size limit (7 654 321 bytes). The failed compile is
 * cached (one attempt per program and syscall set) and its reason logged at debug level.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assembleToElf, execute, loadElf } from '../../src/index.js';
import { tieringPolicy } from '../../src/jit/program-cache.js';
import { Dual, deployBoth } from '../helpers/dual.js';
import { bytes, u32 } from '../helpers/encoding.js';

const debug = vi.hoisted(() => vi.fn());
vi.mock('../../src/log.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/log.js')>()),
  log: { debug, info: () => undefined, warn: () => undefined, isLevelEnabled: () => false },
}));

const UNCOMPILABLE = 'program cannot be compiled to WebAssembly; it runs on the interpreter';
/** The reasons of every failed compile so far. */
const failedCompiles = () => debug.mock.calls.filter((call) => call[1] === UNCOMPILABLE).map((call) => (call[0] as { reason: string }).reason);

interface Trigger {
  source: () => string;
  /** What V8 says (if the compiler learns to stay within this limit, the test needs a new trigger). */
  reason: RegExp;
  /** Instructions a run executes. */
  instructions: number;
}

const TRIGGERS: Record<string, Trigger> = {
  // A chain of blocks dominates itself 65 530 deep, past what structuring recurses into, so the
  // function is dispatched and its br_table gets one target per block. r0 ends as 65 530.
  'a dispatcher with more than 65 520 targets': {
    source: () => 'mov r0, 0\n' + 'add r0, 1\nja +0\n'.repeat(65_530) + 'exit',
    reason: /br_table size/,
    instructions: 2 + 2 * 65_530,
  },
  // A memory access compiles to about 34 bytes of WebAssembly: 250 000 make 8.5 MB. r0 ends as 0.
  "a function over V8's size limit": {
    source: () => 'mov r0, 0\n' + 'ldxdw r1, [r10-8]\n'.repeat(250_000) + 'exit',
    reason: /maximum function size/,
    instructions: 2 + 250_000,
  },
};

/** Each trigger's ELF, assembled once. */
const elves = new Map<string, Uint8Array>();
const elfOf = (name: string) => elves.get(name) ?? elves.set(name, assembleToElf(TRIGGERS[name].source(), { sbpfVersion: 0 })).get(name)!;

/** Runs `body` with tiering that compiles a program on its first run under 'auto'. */
function compilingAtOnce(body: () => void | Promise<void>) {
  const saved = { ...tieringPolicy };
  Object.assign(tieringPolicy, { perCompiledInstruction: 0, perProgramInstruction: 0, fixed: 0, perRun: 0 });
  return (async () => body())().finally(() => Object.assign(tieringPolicy, saved));
}

afterEach(() => debug.mockClear());

describe('programs the JIT cannot compile', () => {
  for (const [name, trigger] of Object.entries(TRIGGERS)) {
    it(
      `execute(): ${name} gives the interpreter's results under 'auto' and 'jit', compiled once`,
      () =>
        compilingAtOnce(() => {
          const exe = loadElf(elfOf(name));
          for (const computeUnits of [1_400_000, trigger.instructions - 1, 1000]) {
            const interpreted = execute(exe, { engine: 'interpreter', computeUnits });
            expect(interpreted.instructions).toBe(BigInt(Math.min(computeUnits, trigger.instructions)));
            expect(interpreted.ok).toBe(computeUnits >= trigger.instructions);
            for (const engine of ['auto', 'jit'] as const)
              expect(execute(exe, { engine, computeUnits }), `${engine}, ${computeUnits} units`).toEqual(interpreted);
          }
          expect(failedCompiles()).toEqual([expect.stringMatching(trigger.reason)]);
        }),
      30_000,
    );
  }

  it(
    "sendTransaction() under every engine gives LiteSVM's results (logs, compute units, errors), each program compiled once",
    () =>
      compilingAtOnce(async () => {
        const d = await Dual.create();
        const setLimit = { programAddress: 'ComputeBudget111111111111111111111111111111' as never, accounts: [], data: bytes(2, u32(1_400_000)) };
        const programs = await Promise.all(Object.keys(TRIGGERS).map((name) => deployBoth(d, elfOf(name))));
        let nonce = 0;
        for (const engine of ['auto', 'jit', 'interpreter'] as const) {
          d.ours.withEngine(engine);
          for (const program of programs) {
            // The dispatcher trigger ends with r0 = 65 530: a custom program error.
            const ours = await d.expectSame([setLimit, { programAddress: program, accounts: [], data: bytes(nonce++) }]);
            expect(ours.computeUnits, engine).toBeGreaterThan(65_530n);
          }
        }
        expect(failedCompiles().map((reason) => Object.values(TRIGGERS).findIndex((t) => t.reason.test(reason)))).toEqual([0, 1]);
      }),
    60_000,
  );
});
