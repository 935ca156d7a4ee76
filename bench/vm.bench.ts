/**
 * Instructions per second on our compute-bound C programs, same ELF, same run: websvm's JIT and
 * interpreter, and LiteSVM (Agave's native JIT). LiteSVM can only be driven by whole
 * transactions, so its execution time is estimated as the median time of `sendTransaction` with the
 * workload minus the median with a trivial input (one deployed program, pre-signed transactions,
 * no transaction history so the same transaction can run again); the JIT column is estimated the
 * same way from `execute()`, so neither side's fixed cost per run enters the ratio. The five are
 * timed in interleaved rounds and each figure is the median over rounds of that round's estimate:
 * timed one after another for 1.5 s each, a burst of other work on a shared machine fell on one
 * side alone (the same code gave checksum rows from 0.63 to 2.2). A second table gives compile
 * time per KB of bytecode for the same programs and LiteSVM's bundled SPL Token and Token-2022
 * (read from LiteSVM at bench time). A third table times the same workloads as whole
 * transactions through `SVM.sendTransaction` (default engine, signature checks on) beside
 * LiteSVM's. A fourth checks that developer tooling costs nothing while off: warm runs with no
 * profiler, coverage, tracer or debugger attached, against the same runs through the code path that
 * attaches them when on (`execute()` given the runtime's combined trace sink of no sinks and no
 * coverage; an instruction harness that had profiling and coverage on and turned them off), as
 * the ratio of median times (1.00: no cost). `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Bench } from 'tinybench';
import bs58 from 'bs58';
import { address, generateKeyPairSigner } from '@solana/kit';
import { Coverage, execute, InstructionHarness, loadElf, SyscallRegistry } from '../src/index.js';
import { compileToWasm } from '../src/jit/compile.js';
import { traceSinks } from '../src/vm/trace-sinks.js';
import { BUNDLED, bundledElf } from '../test/helpers/bundled-programs.js';
import { deployInLiteSvm, runInLiteSvm } from '../test/helpers/litesvm-run.js';
import { serializeNoAccounts } from '../test/helpers/serialize.js';
import { Dual } from '../test/helpers/dual.js';
import { median as medianOf } from './stats.js';

const u64 = (n: number) => new Uint8Array(new BigUint64Array([BigInt(n)]).buffer);
/** [program, workload input, trivial input] */
const WORKLOADS: [string, Uint8Array, Uint8Array][] = [
  ['bench_hash', u64(80_000), u64(0)],
  ['bench_sort', Uint8Array.from([20]), Uint8Array.from([0])],
  ['bench_checksum', Uint8Array.from({ length: 1000 }, (_, i) => (i ? i & 0xff : 40)), new Uint8Array(0)],
  ['bench_recursive', Uint8Array.from([24]), Uint8Array.from([0])],
];
/** What the program has left after SetComputeUnitLimit(1 400 000) pays its 150 units. */
const BUDGET = 1_399_850;
const syscalls = new SyscallRegistry();
/** Where the tooling-off rows deploy each program. */
const PROGRAM_ID = 'Prog111111111111111111111111111111111111111';

const mean = (b: Bench, name: string) => {
  const r = b.tasks.find((t) => t.name === name)!.result;
  return r && 'latency' in r ? r.latency.mean : NaN;
};

/** The median time of a task: steadier than the mean on a machine other work shares. */
const median = (b: Bench, name: string) => {
  const r = b.tasks.find((t) => t.name === name)!.result;
  return r && 'latency' in r ? r.latency.p50 : NaN;
};

/** Rounds of the first table, and runs of each task per round. */
const ROUNDS = 30;
const RUNS_PER_ROUND = 15;

/**
 * Times `tasks` in `ROUNDS` rounds, each running every task `RUNS_PER_ROUND` times in turn (in an
 * order that rotates), after a warm-up of each; returns per task its median time (ms) in each round.
 */
function interleaved(tasks: Record<string, () => void>): Record<string, number[]> {
  const names = Object.keys(tasks);
  for (const name of names) for (const start = performance.now(); performance.now() - start < 300;) tasks[name]();
  const perRound: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      times.length = 0;
      for (let i = 0; i < RUNS_PER_ROUND; i++) {
        const start = performance.now();
        tasks[name]();
        times.push(performance.now() - start);
      }
      perRound[name].push(medianOf(times));
    }
  }
  return perRound;
}

const rows: Record<string, string | number>[] = [];
for (const [program, data, trivial] of WORKLOADS) {
  const elf = readFileSync(new URL(`../programs/bin/${program}.so`, import.meta.url));
  const exe = loadElf(elf);
  const probe = await runInLiteSvm(elf, data, 1_400_000);
  const input = serializeNoAccounts(data, bs58.decode(probe.programId));
  const idleInput = serializeNoAccounts(trivial, bs58.decode(probe.programId));
  const jit = execute(exe, { input, computeUnits: BUDGET, syscalls, engine: 'jit' });
  const interp = execute(exe, { input, computeUnits: BUDGET, syscalls, engine: 'interpreter' });
  if (jit.instructions !== probe.consumed || interp.instructions !== probe.consumed) {
    throw new Error(`${program}: counts differ (jit ${jit.instructions}, interpreter ${interp.instructions}, LiteSVM ${probe.consumed})`);
  }
  const insns = Number(jit.instructions);
  // Without a transaction history LiteSVM executes the same signed transaction every time.
  const lite = await deployInLiteSvm(elf);
  lite.svm.withTransactionHistory(0n);
  const work = await lite.transaction(data, 1_400_000);
  const idle = await lite.transaction(trivial, 1_400_000);
  const t = interleaved({
    jit: () => void execute(exe, { input, computeUnits: BUDGET, syscalls, engine: 'jit' }),
    jitTrivial: () => void execute(exe, { input: idleInput, computeUnits: BUDGET, syscalls, engine: 'jit' }),
    interpreter: () => void execute(exe, { input, computeUnits: BUDGET, syscalls, engine: 'interpreter' }),
    lite: () => void lite.svm.sendTransaction(work),
    liteTrivial: () => void lite.svm.sendTransaction(idle),
  });
  // The same estimator on both sides, per round: the workload's median less the trivial input's.
  const jitMs = t.jit.map((ms, r) => ms - t.jitTrivial[r]);
  const liteMs = t.lite.map((ms, r) => ms - t.liteTrivial[r]);
  const rate = (ms: number[]) => +(insns / medianOf(ms) / 1000).toFixed(1);
  rows.push({
    program,
    instructions: insns,
    'websvm JIT (M/s)': rate(jitMs),
    'websvm interp (M/s)': rate(t.interpreter),
    'LiteSVM est. (M/s)': rate(liteMs),
    'JIT / LiteSVM': +medianOf(liteMs.map((ms, r) => ms / jitMs[r])).toFixed(2),
    'JIT / interp': +medianOf(t.interpreter.map((ms, r) => ms / t.jit[r])).toFixed(1),
  });
}
console.table(rows);

// Whole transactions: what a test or script sending the workload pays, on the default engine.
const COMPUTE_BUDGET = address('ComputeBudget111111111111111111111111111111');
const txRows: Record<string, string | number>[] = [];
for (const [program, data] of WORKLOADS) {
  // A pair of its own per workload: the benchmark loops below send different numbers of
  // transactions on each side, so a shared payer's balance would differ at the next comparison.
  const d = await Dual.create();
  d.ours.withTransactionHistory(0);
  d.theirs.withTransactionHistory(0n);
  const elf = readFileSync(new URL(`../programs/bin/${program}.so`, import.meta.url));
  const id = (await generateKeyPairSigner()).address;
  d.ours.addProgram(id, elf);
  d.theirs.addProgram(id, elf);
  const limit = { programAddress: COMPUTE_BUDGET, accounts: [], data: Uint8Array.from([2, ...new Uint8Array(new Uint32Array([1_400_000]).buffer)]) };
  const tx = await d.transaction([limit, { programAddress: id, accounts: [], data }]);
  const sent = d.send(tx);
  if (!isDeepStrictEqual(sent.ours, sent.theirs)) {
    throw new Error(`${program}: websvm and LiteSVM differ on the transaction`);
  }
  const bench = new Bench({ time: 1500, warmupTime: 300, iterations: 10 });
  bench.add('websvm', () => void d.ours.sendTransaction(tx)).add('litesvm', () => void d.theirs.sendTransaction(tx));
  await bench.run();
  txRows.push({
    program,
    'compute units': Number(sent.ours.computeUnits),
    'websvm (ms/tx)': +mean(bench, 'websvm').toFixed(3),
    'LiteSVM (ms/tx)': +mean(bench, 'litesvm').toFixed(3),
    'websvm / LiteSVM speed': +(mean(bench, 'litesvm') / mean(bench, 'websvm')).toFixed(2),
  });
}
console.table(txRows);

// Compile time: our code generation plus V8's validation and baseline compile of the module.
const compileRows: Record<string, string | number>[] = [];
const sources: [string, Uint8Array][] = [
  ...WORKLOADS.map(([program]): [string, Uint8Array] => [program, readFileSync(new URL(`../programs/bin/${program}.so`, import.meta.url))]),
  ['spl_token (LiteSVM)', bundledElf(BUNDLED.splToken)],
  ['spl_token_2022 (LiteSVM)', bundledElf(BUNDLED.token2022)],
];
for (const [program, elf] of sources) {
  const exe = loadElf(elf);
  const kb = exe.text.length / 1024;
  const bench = new Bench({ time: 1000, warmupTime: 200, iterations: 5 });
  bench.add('compile', () => void new WebAssembly.Module(compileToWasm(exe, syscalls)));
  await bench.run();
  const ms = mean(bench, 'compile');
  compileRows.push({ program, 'bytecode (KB)': +kb.toFixed(1), 'compile (ms)': +ms.toFixed(2), 'ms per KB': +(ms / kb).toFixed(3) });
}
console.table(compileRows);

// Tooling off: each pair runs the same warm program, first with nothing of the tooling in its path, then
// through the path that carries the tooling, switched off.
const toolingRows: Record<string, string | number>[] = [];
for (const [program, data, trivial] of WORKLOADS) {
  const elf = readFileSync(new URL(`../programs/bin/${program}.so`, import.meta.url));
  const exe = loadElf(elf);
  const harnessOf = (hadTooling: boolean) => {
    const harness = new InstructionHarness().addProgram(PROGRAM_ID, elf);
    if (hadTooling) {
      harness.runtime.config.profiling = true;
      harness.runtime.config.coverage = new Coverage();
      harness.process({ programId: PROGRAM_ID, keys: [], data }, []);
      harness.runtime.config.profiling = false;
      harness.runtime.config.coverage = undefined;
    }
    return harness;
  };
  const [plainHarness, offHarness] = [harnessOf(false), harnessOf(true)];
  for (const [label, bytes] of [['workload', data] as const, ['trivial input', trivial] as const]) {
    const input = serializeNoAccounts(bytes, bs58.decode(PROGRAM_ID));
    const bare = () => execute(exe, { input, computeUnits: BUDGET, syscalls });
    const off = () =>
      execute(exe, { input, computeUnits: BUDGET, syscalls, trace: traceSinks(undefined, undefined, undefined, undefined), coverage: undefined });
    const ix = { programId: PROGRAM_ID, keys: [], data: bytes };
    if (!isDeepStrictEqual(bare(), off())) throw new Error(`${program}: execute() differs with tooling off`);
    const [plainRun, offRun] = [plainHarness.process(ix, []), offHarness.process(ix, [])];
    if (plainRun.computeUnitsConsumed !== offRun.computeUnitsConsumed || !isDeepStrictEqual(plainRun.logs, offRun.logs)) {
      throw new Error(`${program}: the harness differs with tooling turned off`);
    }
    const bench = new Bench({ time: 1000, warmupTime: 300, iterations: 10 });
    bench
      .add('execute bare', () => void bare())
      .add('execute tooling off', () => void off())
      .add('harness never on', () => void plainHarness.process(ix, []))
      .add('harness turned off', () => void offHarness.process(ix, []));
    await bench.run();
    toolingRows.push({
      program: `${program} (${label})`,
      'execute bare (µs)': +(median(bench, 'execute bare') * 1000).toFixed(1),
      'execute off / bare': +(median(bench, 'execute tooling off') / median(bench, 'execute bare')).toFixed(2),
      'harness never on (µs)': +(median(bench, 'harness never on') * 1000).toFixed(1),
      'harness off / never on': +(median(bench, 'harness turned off') / median(bench, 'harness never on')).toFixed(2),
    });
  }
}
console.table(toolingRows);
