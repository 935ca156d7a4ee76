/**
 * Instructions per second on our compute-bound C programs: websvm's interpreter vs LiteSVM (Agave's
 * JIT, whole transaction) on the same ELF in the same run. `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { Bench } from 'tinybench';
import bs58 from 'bs58';
import { execute, loadElf, SyscallRegistry } from '../src/index.js';
import { runInLiteSvm } from '../test/helpers/litesvm-run.js';
import { serializeNoAccounts } from '../test/helpers/serialize.js';

const u64 = (n: number) => new Uint8Array(new BigUint64Array([BigInt(n)]).buffer);
const WORKLOADS: [program: string, data: Uint8Array][] = [
  ['bench_hash', u64(80_000)],
  ['bench_sort', Uint8Array.from([20])],
  ['bench_checksum', Uint8Array.from({ length: 1000 }, (_, i) => [40, ...Array(999).fill(i & 0xff)][i])],
  ['bench_recursive', Uint8Array.from([20])],
];

/** What the program has left after SetComputeUnitLimit(1 400 000) pays its 150 units. */
const BUDGET = 1_399_850;
const rows: Record<string, string | number>[] = [];
for (const [program, data] of WORKLOADS) {
  const elf = readFileSync(new URL(`../programs/bin/${program}.so`, import.meta.url));
  const exe = loadElf(elf);
  const probe = await runInLiteSvm(elf, data, 1_400_000);
  const input = serializeNoAccounts(data, bs58.decode(probe.programId));
  const ours = execute(exe, { input, computeUnits: BUDGET, syscalls: new SyscallRegistry() });
  if (ours.instructions !== probe.consumed) throw new Error(`${program}: counts differ (${ours.instructions} vs ${probe.consumed})`);
  const insns = Number(ours.instructions);
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  bench
    .add('websvm interpreter', () => {
      execute(exe, { input, computeUnits: BUDGET, syscalls: new SyscallRegistry() });
    })
    .add('LiteSVM (deploy + transaction)', async () => {
      await runInLiteSvm(elf, data, 1_400_000);
    });
  await bench.run();
  const [interp, lite] = bench.tasks.map((t) => (t.result && 'latency' in t.result ? t.result.latency.mean : NaN));
  rows.push({
    program,
    instructions: insns,
    'websvm interp (M insn/s)': +(insns / interp / 1000).toFixed(1),
    'LiteSVM tx (M insn/s)': +(insns / lite / 1000).toFixed(1),
    'interp / LiteSVM': +(lite / interp).toFixed(2),
  });
}
console.table(rows);
