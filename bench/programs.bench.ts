/**
 * `npm run bench:programs`: PDA- and CPI-heavy programs, websvm against LiteSVM in the same run —
 * the Anchor-like examples (C programs with Anchor's conventions) and Light Protocol's compiled
 * Anchor and pinocchio programs (fetched by `npm run prepare:programs`).
 *
 * Warm: for each program and instruction, `BENCH_TXS` (default 300) distinct transactions after a
 * warm-up of 2 500, sent to websvm and to LiteSVM in blocks of `BENCH_BLOCK` (default 20) per row:
 * one side runs a block, then the other (alternating which goes first), so that each side runs as
 * in a test of its own, with the test's work (building and signing the next transaction) between
 * its transactions; every transaction must succeed with identical logs, compute units and return
 * data on both sides.
 * The table shows the median time of one transaction and LiteSVM's time divided by websvm's (above
 * 1: websvm is faster), and that ratio over the `BENCH_TXS` after 30 and after 500, where both
 * sides are still warming up: over a process's first ~2 000 transactions V8 optimises websvm's
 * JavaScript (it optimises a function once the function has run its interrupt budget of bytecode:
 * with a budget a quarter of node 20's, transactions 500–800 of the counter ran their execution
 * stage in 67 µs instead of 152), tiering compiles a large program once it has been interpreted enough to pay for that, and the
 * heap grows (fresh pages cost 10–25 µs each on the machine we measure on); LiteSVM's own times
 * fall by half over them too. Both simulators keep their defaults (signature verification and
 * transaction history on); `WEBSVM_ENGINE` chooses websvm's engine as everywhere.
 *
 * Cold: `bench/programs-cold.ts`, bundled, in fresh processes (`COLD_RUNS`, default 7 per side):
 * `addProgram` of 0.8–1.5 MB programs and the first transactions that run them.
 *
 * `BENCH_ONLY=<text>` runs only the warm cases whose program name contains the text, and no cold
 * runs (for profiling one case). `BENCH_SIGVERIFY=0` turns signature verification off on both sides
 * (to see what a row costs besides its signatures).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundleAsShipped } from '../scripts/run-as-shipped.js';
import { address, generateKeyPairSigner, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { AnchorProgram, type AnchorIdl } from '../src/index.js';
import { Dual, observeBoth, setBoth } from '../test/helpers/dual.js';
import { splMintData, splTokenAccountData, u32 } from '../test/helpers/encoding.js';
import { REAL_PROGRAMS_DIR } from '../scripts/fetch-real-programs.js';
import { freshProcessPhases } from './fresh-processes.js';
import { median } from './stats.js';
import {
  createTokenPool,
  groupAuthority,
  initializeGroupAuthority,
  LIGHT_PROGRAMS,
  lightAccounts,
  lightElf,
  mintTo,
  OUTPUT_QUEUE_V2,
  STATE_TREE_V1,
  updateGroupAuthority,
  withSigners,
  type LightProgram,
} from '../test/helpers/light-protocol.js';

const TRANSACTIONS = Math.max(1, Number(process.env.BENCH_TXS ?? 300));
const WARMUP = 2500;
/**
 * Transactions (per row) each side runs in a row before the other takes over: one side's work
 * between two of the other's transactions (alternating per transaction, `BENCH_BLOCK=1`) leaves
 * the caches full of the other simulator's code and data, which no test meets.
 */
const BLOCK = Math.max(1, Number(process.env.BENCH_BLOCK ?? 20));
/** Where the windows of `TRANSACTIONS` inside the warm-up start whose ratios the table shows too. */
const WINDOWS = [30, 500];
const TOKEN = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const COMPUTE_BUDGET = address('ComputeBudget111111111111111111111111111111');
const enc = getAddressEncoder();

/** One transaction of a case: its row label and instructions, and what to set up first (untimed). */
interface Step {
  label: string;
  instructions: Instruction[];
  before?: () => void;
}

/** A program and the instructions sent to it: transaction `i` is `steps(i)`, in order. */
interface Case {
  program: string;
  /** What the instructions exercise, per row label. */
  exercises: Record<string, string>;
  steps(i: number): Promise<Step[]>;
}

const d = await Dual.create(100_000_000_000_000n);
const payer = d.payer;
if (process.env.BENCH_SIGVERIFY === '0') {
  d.ours.withSigverify(false);
  d.theirs.withSigverify(false);
}
const both = (f: (svm: Dual['ours'] | Dual['theirs']) => void) => {
  f(d.ours);
  f(d.theirs);
};
const fund = (a: Address, lamports = 10_000_000_000n) => setBoth(d, a, { lamports, owner: address('11111111111111111111111111111111') });
const tokenProgramAccount = (at: Address, data: Uint8Array) =>
  setBoth(d, at, { lamports: d.theirs.minimumBalanceForRentExemption(BigInt(data.length)), data, owner: TOKEN });
const signers = (n: number) => Promise.all(Array.from({ length: n }, () => generateKeyPairSigner()));
/**
 * Makes an instruction list that would repeat byte for byte distinct (history would refuse the
 * second copy): a compute-unit limit that differs per transaction, on both sides alike.
 */
let uniqueness = 0;
const distinct = (instructions: Instruction[]): Instruction[] => [
  { programAddress: COMPUTE_BUDGET, accounts: [], data: Uint8Array.from([2, ...u32(1_400_000 - uniqueness++)]) },
  ...instructions,
];

/** Sends a setup transaction to both sides; it must succeed. */
async function setUp(what: string, instructions: Instruction[]): Promise<void> {
  const tx = await d.transaction(instructions);
  const r = observeBoth(d.ours.sendTransaction(tx), d.theirs.sendTransaction(tx));
  if (r.ours.error || r.theirs.error) throw new Error(`${what} setup: websvm ${r.ours.error ?? 'ok'}, LiteSVM ${r.theirs.error ?? 'ok'}`);
}

function anchorExample(name: string): AnchorProgram {
  const root = new URL(`../Anchor-like-examples/${name}/`, import.meta.url);
  const program = new AnchorProgram(JSON.parse(readFileSync(new URL(`idl/${name}.json`, root), 'utf8')) as AnchorIdl);
  const elf = new Uint8Array(readFileSync(new URL(`program/${name}.so`, root)));
  both((svm) => svm.addProgram(address(program.programId), elf));
  return program;
}

async function counterCase(): Promise<Case> {
  const program = anchorExample('counter');
  const counter = await generateKeyPairSigner();
  const init = (c: KeyPairSigner) =>
    withSigners(program.instruction('initialize', { start: 0n }, { counter: c.address, authority: payer.address }), [c, payer]);
  await setUp('counter', [init(counter)]);
  const fresh = await signers(TRANSACTIONS + WARMUP);
  return {
    program: 'counter (Anchor-like, 3 KB)',
    exercises: { increment: 'small: has_one check, an event', initialize: 'creates an account by CPI' },
    steps: async (i) => [
      {
        label: 'increment',
        instructions: distinct([withSigners(program.instruction('increment', {}, { counter: counter.address, authority: payer.address }), [payer])]),
      },
      { label: 'initialize', instructions: [init(fresh[i])] },
    ],
  };
}

async function vaultCase(): Promise<Case> {
  const program = anchorExample('vault');
  const id = address(program.programId);
  const owners = await signers(TRANSACTIONS + WARMUP + 1);
  for (const o of owners) fund(o.address);
  const accountsOf = async (owner: KeyPairSigner) => {
    const [state] = await getProgramDerivedAddress({ programAddress: id, seeds: ['state', enc.encode(owner.address)] });
    const [vault] = await getProgramDerivedAddress({ programAddress: id, seeds: ['vault', enc.encode(state)] });
    return { owner: owner.address, vault_state: state, vault };
  };
  const mine = owners.pop()!;
  const accounts = await accountsOf(mine);
  await setUp('vault', [withSigners(program.instruction('initialize', {}, accounts), [mine])]);
  return {
    program: 'vault (Anchor-like, 3 KB)',
    exercises: {
      deposit: 'PDA checks, a System transfer by CPI',
      withdraw: 'a PDA-signed System transfer by CPI',
      initialize: 'derives two PDAs, creates a PDA account by CPI',
    },
    steps: async (i) => [
      { label: 'deposit', instructions: [withSigners(program.instruction('deposit', { amount: 2_000_000n + BigInt(i) }, accounts), [mine])] },
      { label: 'withdraw', instructions: [withSigners(program.instruction('withdraw', { amount: 1_000_000n + BigInt(i) }, accounts), [mine])] },
      { label: 'initialize', instructions: [withSigners(program.instruction('initialize', {}, await accountsOf(owners[i])), [owners[i]])] },
    ],
  };
}

async function escrowCase(): Promise<Case> {
  const program = anchorExample('escrow');
  const [maker, taker] = await signers(2);
  fund(maker.address);
  fund(taker.address);
  const [escrow] = await getProgramDerivedAddress({ programAddress: address(program.programId), seeds: ['escrow', enc.encode(maker.address)] });
  const [mintA, mintB, makerA, makerB, takerA, takerB, vault] = (await signers(7)).map((s) => s.address);
  const plenty = 1n << 60n;
  for (const [at, data] of [
    [mintA, splMintData(maker.address, plenty)],
    [mintB, splMintData(taker.address, plenty)],
    [makerA, splTokenAccountData(mintA, maker.address, plenty)],
    [makerB, splTokenAccountData(mintB, maker.address, 0n)],
    [takerA, splTokenAccountData(mintA, taker.address, 0n)],
    [takerB, splTokenAccountData(mintB, taker.address, plenty)],
    [vault, splTokenAccountData(mintA, escrow, 0n)],
  ] as const) {
    tokenProgramAccount(at, data);
  }
  return {
    program: 'escrow (Anchor-like, 5 KB)',
    exercises: {
      make: 'creates the escrow PDA by CPI, an SPL Token transfer by CPI',
      take: 'two SPL Token transfers by CPI (one PDA-signed), closes the escrow',
    },
    steps: async (i) => [
      {
        label: 'make',
        instructions: [
          withSigners(
            program.instruction(
              'make',
              { receive: 10n + BigInt(i), amount: 20n + BigInt(i) },
              { maker: maker.address, escrow, mint_a: mintA, mint_b: mintB, maker_ata_a: makerA, vault },
            ),
            [maker],
          ),
        ],
      },
      {
        label: 'take',
        instructions: distinct([
          withSigners(
            program.instruction(
              'take',
              {},
              { taker: taker.address, maker: maker.address, escrow, taker_ata_a: takerA, taker_ata_b: takerB, maker_ata_b: makerB, vault },
            ),
            [taker],
          ),
        ]),
      },
    ],
  };
}

function deployLight(name: LightProgram): void {
  const elf = lightElf(name);
  both((svm) => svm.addProgram(LIGHT_PROGRAMS[name], elf));
}

async function accountCompressionCase(): Promise<Case> {
  const seeds = await signers(TRANSACTIONS + WARMUP + 1);
  const mine = seeds.pop()!;
  await setUp('account-compression', [await initializeGroupAuthority(payer, mine)]);
  const group = await groupAuthority(mine.address);
  return {
    program: 'Light account-compression (Anchor, 0.9 MB)',
    exercises: { update_group_authority: 'small: an Anchor constraint, one field written', initialize_group_authority: 'derives a PDA, creates it by CPI' },
    steps: async (i) => [
      { label: 'update_group_authority', instructions: distinct([updateGroupAuthority(payer, group, payer.address)]) },
      { label: 'initialize_group_authority', instructions: [await initializeGroupAuthority(payer, seeds[i])] },
    ],
  };
}

async function compressedTokenCase(): Promise<Case> {
  const mints = (await signers(TRANSACTIONS + WARMUP + 1)).map((s) => s.address);
  for (const m of mints) tokenProgramAccount(m, splMintData(payer.address));
  const mint = mints.pop()!;
  await setUp('compressed-token', [await createTokenPool(payer, mint)]);
  const recipient = (await generateKeyPairSigner()).address;
  // The queue holds 100 leaves until a forester empties it: each mint starts from the empty queue.
  const emptyQueue = lightAccounts().find((a) => a.address === OUTPUT_QUEUE_V2)!;
  return {
    program: 'Light compressed-token (Anchor, 1.5 MB)',
    exercises: {
      create_token_pool: 'derives a PDA, creates it by CPI, SPL Token InitializeAccount by CPI',
      'mint_to (v1 tree)': 'SPL Token MintTo, then CPIs through the Light system program into account compression: poseidon over a 26-level Merkle path',
      'mint_to (v2 queue)': 'the same CPI chain into a batched output queue (leaf hashes only)',
    },
    steps: async (i) => [
      { label: 'create_token_pool', instructions: [await createTokenPool(payer, mints[i])] },
      { label: 'mint_to (v1 tree)', instructions: [await mintTo(payer, mint, [recipient], [1n + BigInt(i)], STATE_TREE_V1)] },
      {
        label: 'mint_to (v2 queue)',
        instructions: [await mintTo(payer, mint, [recipient], [1n + BigInt(i)], OUTPUT_QUEUE_V2)],
        before: () => setBoth(d, emptyQueue.address, emptyQueue),
      },
    ],
  };
}

/** A side's result of one transaction. */
type Sent = { ours: ReturnType<Dual['ours']['sendTransaction']>; theirs: ReturnType<Dual['theirs']['sendTransaction']> };

/**
 * Sends every step of `c` to both sides, in blocks of {@link BLOCK} transactions' worth of steps:
 * one side runs the block, then the other (alternating which goes first), each building and
 * signing every transaction just before sending it, as a test does. Returns per row: websvm and
 * LiteSVM milliseconds, compute units.
 */
async function runWarm(c: Case) {
  const rows = new Map<string, { ours: number[]; theirs: number[]; windows: { ours: number[]; theirs: number[] }[]; units: bigint }>();
  const total = TRANSACTIONS + WARMUP;
  for (let first = 0; first < total; first += BLOCK) {
    const block: { i: number; step: Step }[] = [];
    for (let i = first; i < Math.min(first + BLOCK, total); i++) for (const step of await c.steps(i)) block.push({ i, step });
    const order = (first / BLOCK) % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const);
    const times = { ours: [] as number[], theirs: [] as number[] };
    const results = { ours: [] as Sent['ours'][], theirs: [] as Sent['theirs'][] };
    for (const side of order) {
      for (const { step } of block) {
        const tx = await d.transaction(step.instructions);
        step.before?.();
        const start = performance.now();
        if (side === 'ours') results.ours.push(d.ours.sendTransaction(tx));
        else results.theirs.push(d.theirs.sendTransaction(tx));
        times[side].push(performance.now() - start);
      }
    }
    block.forEach(({ i, step }, k) => {
      const seen = observeBoth(results.ours[k], results.theirs[k]);
      const text = (o: object) => JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? String(v) : v));
      if (seen.ours.error || text(seen.ours) !== text(seen.theirs)) {
        throw new Error(
          `${c.program} ${step.label} #${i}: websvm ${seen.ours.error ?? 'ok'}, LiteSVM ${seen.theirs.error ?? 'ok'}\n${seen.ours.logs.join('\n')}\n---\n${seen.theirs.logs.join('\n')}`,
        );
      }
      let row = rows.get(step.label);
      if (!row) {
        const windows = WINDOWS.map(() => ({ ours: [], theirs: [] }));
        rows.set(step.label, (row = { ours: [], theirs: [], windows, units: seen.ours.computeUnits }));
      }
      WINDOWS.forEach((start, w) => {
        if (i < start || i >= start + TRANSACTIONS) return;
        row.windows[w].ours.push(times.ours[k]);
        row.windows[w].theirs.push(times.theirs[k]);
      });
      if (i < WARMUP) return;
      row.units = seen.ours.computeUnits;
      row.ours.push(times.ours[k]);
      row.theirs.push(times.theirs[k]);
    });
  }
  return [...rows].map(([label, r]) => {
    const ours = median(r.ours);
    const theirs = median(r.theirs);
    return {
      program: c.program,
      instruction: label,
      exercises: c.exercises[label],
      CU: Number(r.units),
      'websvm µs': Math.round(ours * 1000),
      'LiteSVM µs': Math.round(theirs * 1000),
      'LiteSVM/websvm': +(theirs / ours).toFixed(2),
      ...Object.fromEntries(
        WINDOWS.map((start, w) => [`${TRANSACTIONS} after ${start}`, +(median(r.windows[w].theirs) / median(r.windows[w].ours)).toFixed(2)]),
      ),
    };
  });
}

for (const name of ['spl_noop', 'light_system_program_pinocchio', 'account_compression', 'light_compressed_token'] as const) deployLight(name);
for (const a of lightAccounts()) setBoth(d, a.address, a);

const only = process.env.BENCH_ONLY;
const cases = [
  ['counter', counterCase],
  ['vault', vaultCase],
  ['escrow', escrowCase],
  ['Light account-compression', accountCompressionCase],
  ['Light compressed-token', compressedTokenCase],
] as const;
const warm = [];
for (const [name, make] of cases) if (!only || name.includes(only)) warm.push(...(await runWarm(await make())));
console.log(
  `warm: median time of one transaction over ${TRANSACTIONS} per row after ${WARMUP}, and LiteSVM/websvm over the ${TRANSACTIONS} after ${WINDOWS.join(' and after ')}, still warming up (results identical on both sides; above 1 = websvm faster)`,
);
console.table(warm.map(({ exercises: _, ...row }) => row));
for (const row of warm) console.log(`  ${row.program} ${row.instruction}: ${row.exercises}`);

if (only) process.exit(0);

// The child runs as users run the package: bundled by esbuild as `npm run build` bundles it, its
// dependencies loaded by Node itself (under tsx, modules it loads through require are transformed).
const child = await bundleAsShipped(
  fileURLToPath(new URL('./programs-cold.ts', import.meta.url)),
  fileURLToPath(new URL('../node_modules/.cache/websvm/programs-cold.mjs', import.meta.url)),
);
process.env.WEBSVM_REAL_PROGRAMS_DIR = REAL_PROGRAMS_DIR;
const runs = Math.max(3, Number(process.env.COLD_RUNS ?? 7));
const cold = freshProcessPhases([child], runs, {
  addCompression: 'addProgram account-compression (0.9 MB)',
  firstGroup: 'its first transaction (initialize_group_authority)',
  addToken: 'addProgram compressed-token (1.5 MB)',
  firstPool: 'its first transaction (create_token_pool)',
  secondPool: 'its second transaction (create_token_pool)',
  addSystem: 'addProgram Light system (0.76 MB) and noop',
  firstMint: 'first mint_to (v1 tree; the system program runs first)',
});
console.log(`cold: medians of ${runs} fresh processes per side, alternating (ratio = websvm / LiteSVM time, lower is better)`);
console.table(cold);
