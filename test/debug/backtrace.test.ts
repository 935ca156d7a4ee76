/**
 * Source locations of failures, end to end: the VM's call frames at an error (interpreter and JIT
 * alike), `FailedTransactionMetadata.sourceLocation()`/`backtrace()` across a CPI, and a separate
 * `.debug` file found beside a stripped program. Everything LiteSVM also reports (error, logs,
 * compute units, String() forms) stays identical to it.
 */
import { readFileSync } from 'node:fs';
import { generateKeyPairSigner } from '@solana/kit';
import { describe, expect, it } from 'vitest';
import { backtraceOf, execute, FailedTransactionMetadata, loadElf, solanaSyscalls } from '../../src/index.js';
import { Dual, deployBoth, meta, observeBoth } from '../helpers/dual.js';
import { bytes } from '../helpers/encoding.js';
import { serializeNoAccounts } from '../helpers/serialize.js';

const path = (name: string) => new URL(`../../programs/bin/${name}`, import.meta.url).pathname;
const elf = (name: string) => new Uint8Array(readFileSync(path(name)));
const MATH = 'programs/debuginfo/math.c';
const MAIN = 'programs/debuginfo/main.c';
/** data[0] = 1: a store through a bad pointer in store_at, called by scatter, called by entrypoint. */
const SCATTER = [1, 5, 6];

describe('execute(): backtraces of VM errors', () => {
  it.each(['interpreter', 'jit', 'auto'] as const)('%s: the faulting line and the call frames above it', (engine) => {
    for (const build of ['debuginfo.so', 'debuginfo.v3.so']) {
      const exe = loadElf(elf(build));
      const result = execute(exe, {
        input: serializeNoAccounts(Uint8Array.from(SCATTER), new Uint8Array(32)),
        syscalls: solanaSyscalls(() => {}),
        engine,
      });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(Object.keys(result.error)).toEqual(['kind', 'message', 'pc']); // the contract's shape is unchanged
      const frames = backtraceOf(exe, result.error)!.frames;
      expect(frames.map((f) => [f.function, f.file, f.line])).toEqual([
        ['store_at', MATH, 7],
        ['scatter', MATH, 13],
        ['entrypoint', MAIN, 24],
      ]);
    }
  });
});

describe('SVM results', () => {
  it('name file, line and function of an access violation, a divide by zero and a panic; logs and texts stay LiteSVM’s', async () => {
    const d = await Dual.create();
    const program = await deployBoth(d, elf('debuginfo.so'));
    const cases: [number[], string, [string, number][]][] = [
      [
        SCATTER,
        'Access violation',
        [
          ['store_at', 7],
          ['scatter', 13],
          ['entrypoint', 24],
        ],
      ],
      [
        [2, 0],
        'divide by zero',
        [
          ['average', 21],
          ['entrypoint', 26],
        ],
      ],
      [
        [3, 5, 1],
        'Panicked',
        [
          ['require_sorted', 14],
          ['entrypoint', 28],
        ],
      ],
    ];
    for (const [data, logged, expected] of cases) {
      const tx = await d.transaction([{ programAddress: program, accounts: [], data: bytes(...data) }]);
      const ours = d.ours.sendTransaction(tx);
      const observed = observeBoth(ours, d.theirs.sendTransaction(tx), {}, {});
      expect(observed.ours).toEqual(observed.theirs);
      expect(ours.toString()).toBe(observed.theirs.text.result);
      expect(ours).toBeInstanceOf(FailedTransactionMetadata);
      const failed = ours as FailedTransactionMetadata;
      expect(failed.meta().logs().join('\n')).toContain(logged);
      expect(failed.backtrace()!.frames.map((f) => [f.function, f.line])).toEqual(expected);
      expect(failed.sourceLocation()).toMatchObject({ function: expected[0][0], line: expected[0][1], programId: program });
    }
    // A program's own error code is no VM error: no location.
    const custom = d.ours.sendTransaction(await d.transaction([{ programAddress: program, accounts: [], data: bytes(4) }])) as FailedTransactionMetadata;
    expect(custom.err().toString()).toContain('Custom');
    expect(custom.sourceLocation()).toBeUndefined();
  });

  it('follow a failure through a CPI: the callee’s frames, then the caller at its invoke', async () => {
    const d = await Dual.create();
    const callee = await deployBoth(d, elf('debuginfo.so'));
    const caller = await deployBoth(d, elf('cpi.so'));
    const tx = await d.transaction([{ programAddress: caller, accounts: [meta(callee, false)], data: bytes(1, ...SCATTER) }]);
    const ours = d.ours.sendTransaction(tx) as FailedTransactionMetadata;
    const observed = observeBoth(ours, d.theirs.sendTransaction(tx), {}, {});
    expect(observed.ours).toEqual(observed.theirs);
    const frames = ours.backtrace()!.frames;
    expect(frames.map((f) => [f.programId, f.function])).toEqual([
      [callee, 'store_at'],
      [callee, 'scatter'],
      [callee, 'entrypoint'],
      [caller, 'entrypoint'], // cpi.so has no DWARF: named from its symbols, at the pc of its invoke
    ]);
    expect(frames[3].line).toBeUndefined();
    const text = ours.backtrace()!.toString();
    expect(text).toContain(`  program ${callee}\n    at store_at (${MATH}:7:33)`);
    expect(text).toMatch(new RegExp(`  program ${caller}\\n    at entrypoint \\(pc \\d+\\)$`));
  });

  it('read a separate .debug file beside a stripped program (addProgramFromFile)', async () => {
    const d = await Dual.create();
    const program = (await generateKeyPairSigner()).address;
    d.ours.addProgramFromFile(program, path('debuginfo.split.so'));
    const failed = d.ours.sendTransaction(
      await d.transaction([{ programAddress: program, accounts: [], data: bytes(...SCATTER) }]),
    ) as FailedTransactionMetadata;
    expect(failed.sourceLocation()).toMatchObject({ function: 'store_at', file: MATH, line: 7 });
  });
});
