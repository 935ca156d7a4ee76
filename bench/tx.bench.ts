/**
 * Transactions per second on SPL Token transfers (LiteSVM's bundled program, read at run time),
 * websvm and LiteSVM in the same run, on the same 1 000 distinct pre-signed transfers sent in a
 * cycle (transaction history off, so a transfer can come round again), with signature
 * verification on and off; then the cost of a new simulator with the default programs (what every
 * test pays first). `npm run bench:tx`.
 */
import { Bench } from 'tinybench';
import { address, generateKeyPairSigner, getAddressEncoder, type Instruction } from '@solana/kit';
import { BUNDLED, bundledElf } from '../test/helpers/bundled-programs.js';
import { LiteSVM } from 'litesvm';
import { SVM } from '../src/index.js';
import { Dual, meta, systemCreateAccount } from '../test/helpers/dual.js';
import { bytes, u64 } from '../test/helpers/encoding.js';

const TOKEN = address(BUNDLED.splToken);
const enc = getAddressEncoder();

const d = await Dual.create();
d.ours.addProgram(TOKEN, bundledElf(BUNDLED.splToken));
const [mint, a, b] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner(), generateKeyPairSigner()]);
const create = (acc: typeof mint, space: bigint) => systemCreateAccount(d.payer, acc, d.theirs.minimumBalanceForRentExemption(space), space, TOKEN);
const setup: Instruction[][] = [
  [create(mint, 82n), { programAddress: TOKEN, accounts: [meta(mint.address, true)], data: bytes(20, 0, enc.encode(d.payer.address), 0) }],
  [create(a, 165n), { programAddress: TOKEN, accounts: [meta(a.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(d.payer.address)) }],
  [create(b, 165n), { programAddress: TOKEN, accounts: [meta(b.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(d.payer.address)) }],
  [{ programAddress: TOKEN, accounts: [meta(mint.address, true), meta(a.address, true), meta(d.payer.address, false, d.payer)], data: bytes(7, u64(1n << 60n)) }],
];
for (const ixs of setup) {
  const r = d.send(await d.transaction(ixs));
  if (r.ours.error || r.theirs.error) throw new Error(`setup failed: ${r.ours.error} / ${r.theirs.error}`);
}
const transfers = await Promise.all(
  Array.from({ length: 1000 }, (_, i) =>
    d.transaction([
      { programAddress: TOKEN, accounts: [meta(a.address, true), meta(b.address, true), meta(d.payer.address, false, d.payer)], data: bytes(3, u64(BigInt(i + 1))) },
    ]),
  ),
);
d.ours.withTransactionHistory(0);
d.theirs.withTransactionHistory(0n);

const rows = [];
for (const sigverify of [true, false]) {
  d.ours.withSigverify(sigverify);
  d.theirs.withSigverify(sigverify);
  let i = 0;
  let j = 0;
  const bench = new Bench({ time: 3000, warmupTime: 500 });
  bench.add('websvm', () => {
    d.ours.sendTransaction(transfers[i++ % transfers.length]);
  });
  bench.add('LiteSVM', () => {
    d.theirs.sendTransaction(transfers[j++ % transfers.length]);
  });
  await bench.run();
  const tps = (name: string) => {
    const r = bench.tasks.find((t) => t.name === name)!.result;
    return r && 'throughput' in r ? r.throughput.mean : NaN;
  };
  rows.push({ sigverify, 'websvm tx/s': Math.round(tps('websvm')), 'LiteSVM tx/s': Math.round(tps('LiteSVM')), ratio: (tps('websvm') / tps('LiteSVM')).toFixed(2) });
}
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
