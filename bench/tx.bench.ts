/**
 * Transactions per second on SPL Token transfers (LiteSVM's bundled program, read at run time),
 * websvm and LiteSVM in the same run, with transaction history on (the default, 32 transactions
 * on both) and off, and signature verification on and off; then the cost of a new simulator with
 * the default programs (what every test pays first). `npm run bench:tx`.
 *
 * Both sides send the same 1 000 distinct pre-signed transfers in a cycle. With history on, a
 * transfer comes round again only after 999 others, long after both histories have dropped it, so
 * none is refused as AlreadyProcessed; a warm-up cycle checks that every transfer succeeds on both
 * sides in every configuration. The 1 000 also exceed the verifier's memo of recent signatures,
 * so the verification rows measure real verifications.
 *
 * The machine may be shared: the two sides run in alternating batches timed in CPU time of this
 * process (so other processes competing for the cores distort less), in reverse order every other
 * round, and each row reports the median batch rate and the median of the per-round ratios.
 */
import { Bench } from 'tinybench';
import { address, generateKeyPairSigner, getAddressEncoder, type Instruction, type Transaction } from '@solana/kit';
import { BUNDLED, bundledElf } from '../test/helpers/bundled-programs.js';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { SVM, FailedTransactionMetadata as OurFailed } from '../src/index.js';
import { Dual, meta, systemCreateAccount } from '../test/helpers/dual.js';
import { bytes, u64 } from '../test/helpers/encoding.js';
import { median } from './stats.js';

const TRANSFERS = 1000;
const ROUNDS = 12;
const BATCH = 400;

const TOKEN = address(BUNDLED.splToken);
const enc = getAddressEncoder();

/** Both simulators with a mint, two token accounts and `TRANSFERS` signed transfers between them. */
async function prepare() {
  const d = await Dual.create();
  d.ours.addProgram(TOKEN, bundledElf(BUNDLED.splToken));
  const [mint, a, b] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
  const create = (acc: typeof mint, space: bigint) => systemCreateAccount(d.payer, acc, d.theirs.minimumBalanceForRentExemption(space), space, TOKEN);
  const setup: Instruction[][] = [
    [create(mint, 82n), { programAddress: TOKEN, accounts: [meta(mint.address, true)], data: bytes(20, 0, enc.encode(d.payer.address), 0) }],
    [create(a, 165n), { programAddress: TOKEN, accounts: [meta(a.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(d.payer.address)) }],
    [create(b, 165n), { programAddress: TOKEN, accounts: [meta(b.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(d.payer.address)) }],
    [
      {
        programAddress: TOKEN,
        accounts: [meta(mint.address, true), meta(a.address, true), meta(d.payer.address, false, d.payer)],
        data: bytes(7, u64(1n << 60n)),
      },
    ],
  ];
  for (const ixs of setup) {
    const r = d.send(await d.transaction(ixs));
    if (r.ours.error || r.theirs.error) throw new Error(`setup failed: ${r.ours.error} / ${r.theirs.error}`);
  }
  const transfers = await Promise.all(
    Array.from({ length: TRANSFERS }, (_, i) =>
      d.transaction([
        {
          programAddress: TOKEN,
          accounts: [meta(a.address, true), meta(b.address, true), meta(d.payer.address, false, d.payer)],
          data: bytes(3, u64(BigInt(i + 1))),
        },
      ]),
    ),
  );
  return { d, transfers };
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

interface Side {
  name: string;
  svm: { withSigverify(on: boolean): unknown; sendTransaction(tx: Transaction): unknown };
  failed(result: unknown): boolean;
  /** Where its cycle through the transfers is. */
  next: number;
}

/** One row: a history setting and a sigverify setting, on both sides. */
interface Config {
  history: boolean;
  sigverify: boolean;
  sides: [Side, Side];
  transfers: Transaction[];
  rates: { websvm: number[]; LiteSVM: number[]; ratio: number[] };
}

/** CPU seconds for `BATCH` sends on `side` (with `config`'s signature setting), continuing its cycle. */
function batch(config: Config, side: Side): number {
  side.svm.withSigverify(config.sigverify);
  let failed = 0;
  const start = cpuSeconds();
  for (let i = 0; i < BATCH; i++) if (side.failed(side.svm.sendTransaction(config.transfers[side.next++ % TRANSFERS]))) failed++;
  const seconds = cpuSeconds() - start;
  // A failing transfer costs less than a succeeding one: a batch with failures measures nothing.
  if (failed) throw new Error(`${side.name}: ${failed} of ${BATCH} transfers failed (history ${config.history}, sigverify ${config.sigverify})`);
  return seconds;
}

// History on: the defaults of a new simulator pair. History off: another pair, with it turned off.
const configs: Config[] = [];
for (const history of [true, false]) {
  const { d, transfers } = await prepare();
  if (!history) {
    d.ours.withTransactionHistory(0);
    d.theirs.withTransactionHistory(0n);
  }
  const sides: [Side, Side] = [
    { name: 'websvm', svm: d.ours, failed: (r) => r instanceof OurFailed, next: 0 },
    { name: 'LiteSVM', svm: d.theirs, failed: (r) => r instanceof FailedTransactionMetadata, next: 0 },
  ];
  for (const sigverify of [true, false]) configs.push({ history, sigverify, sides, transfers, rates: { websvm: [], LiteSVM: [], ratio: [] } });
}
for (const config of configs) {
  for (const side of config.sides) {
    side.svm.withSigverify(config.sigverify);
    for (let i = 0; i < TRANSFERS; i++) {
      const result = side.svm.sendTransaction(config.transfers[side.next++ % TRANSFERS]);
      if (side.failed(result))
        throw new Error(`${side.name}: transfer failed in warm-up (history ${config.history}, sigverify ${config.sigverify}): ${result}`);
    }
  }
}
// Every round measures every row, so rows compare with each other as well as the two sides; every
// other round runs the rows and the sides in reverse order, so that neither a row nor a side always
// follows the same work (a batch's CPU time includes V8's background threads: the collection or
// compile the batch before it set off).
for (let round = 0; round < ROUNDS; round++) {
  const reversed = round % 2 === 1;
  for (const config of reversed ? [...configs].reverse() : configs) {
    const [first, second] = reversed ? [config.sides[1], config.sides[0]] : config.sides;
    const firstTime = batch(config, first);
    const secondTime = batch(config, second);
    const [ours, theirs] = reversed ? [secondTime, firstTime] : [firstTime, secondTime];
    config.rates.websvm.push(BATCH / ours);
    config.rates.LiteSVM.push(BATCH / theirs);
    config.rates.ratio.push(theirs / ours);
  }
}
const rows = configs.map(({ history, sigverify, rates }) => ({
  history: history ? 'on' : 'off',
  sigverify: sigverify ? 'on' : 'off',
  'websvm tx/s': Math.round(median(rates.websvm)),
  'LiteSVM tx/s': Math.round(median(rates.LiteSVM)),
  ratio: median(rates.ratio).toFixed(2),
}));
console.table(rows);

// What every test pays first: a new simulator with LiteSVM's default programs deployed.
const setupBench = new Bench({ time: 3000, warmupTime: 500 });
setupBench.add('websvm', () => void new SVM()).add('LiteSVM', () => void new LiteSVM());
await setupBench.run();
const ms = (name: string) => {
  const r = setupBench.tasks.find((t) => t.name === name)!.result;
  return r && 'latency' in r ? r.latency.mean : NaN;
};
console.table([{ 'new SVM() ms': +ms('websvm').toFixed(2), 'new LiteSVM() ms': +ms('LiteSVM').toFixed(2), ratio: (ms('LiteSVM') / ms('websvm')).toFixed(2) }]);
