/**
 * A bounded load on the validator over loopback, beside the same transfers on LiteSVM and websvm
 * in-process: `npm run bench:validator` (8 clients × 2 000 transfers; `LOAD_CLIENTS` and
 * `LOAD_TRANSFERS` change them).
 *
 * Validator: `clients` web3.js `Connection`s at once, each sending its transfers one after the
 * other and waiting for each to be confirmed (see test/helpers/validator-load.ts); the validator
 * runs in this process (`startValidator`, 400 ms slots), so clients and server share its thread.
 * The run fails when any confirmed transfer is missing afterwards or a balance is off.
 *
 * In-process: the same number of transfers, pre-signed, sent one by one with `sendTransaction`;
 * a transfer's latency is that call. The machine may be shared: run it more than once and read
 * the figures as ranges.
 */
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction, type PublicKey } from '@solana/web3.js';
import { address, getTransactionDecoder, lamports, type Transaction as KitTransaction } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { FailedTransactionMetadata as OurFailed, SVM } from '../src/index.js';
import { startValidator } from '../src/validator/index.js';
import { loadValidator } from '../test/helpers/validator-load.js';
import { percentile } from './stats.js';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 8);
const TRANSFERS = Number(process.env.LOAD_TRANSFERS ?? 2000);

/** What `sendTransaction` of LiteSVM and of websvm's `SVM` share here. */
interface InProcess {
  airdrop(to: ReturnType<typeof address>, amount: ReturnType<typeof lamports>): unknown;
  latestBlockhash(): string;
  sendTransaction(tx: KitTransaction): unknown;
}

/** Throughput and latency of `CLIENTS × TRANSFERS` pre-signed transfers sent one by one to `svm`. */
function inProcess(svm: InProcess, failed: (result: unknown) => boolean) {
  const decoder = getTransactionDecoder();
  const payers = Array.from({ length: CLIENTS }, () => Keypair.generate());
  const receivers = Array.from({ length: CLIENTS }, () => Keypair.generate().publicKey);
  for (const key of [...payers.map((p) => p.publicKey), ...receivers]) svm.airdrop(address(key.toBase58()), lamports(BigInt(100 * LAMPORTS_PER_SOL)));
  const blockhash = svm.latestBlockhash();
  const sign = (payer: Keypair, to: PublicKey, amount: number) => {
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: amount }),
    );
    tx.sign(payer);
    return decoder.decode(tx.serialize());
  };
  // Interleaved as the clients' transfers arrive at a validator.
  const txs: KitTransaction[] = [];
  for (let i = 0; i < TRANSFERS; i++) for (let c = 0; c < CLIENTS; c++) txs.push(sign(payers[c], receivers[c], i + 1));
  const latencies: number[] = [];
  const start = performance.now();
  for (const tx of txs) {
    const t0 = performance.now();
    const result = svm.sendTransaction(tx);
    latencies.push(performance.now() - t0);
    if (failed(result)) throw new Error('an in-process transfer failed');
  }
  return { elapsedMs: performance.now() - start, latencies };
}

const row = (name: string, count: number, elapsedMs: number, latencies: number[]) =>
  `${name.padEnd(34)} ${(count / (elapsedMs / 1000)).toFixed(0).padStart(8)} tx/s   p50 ${percentile(latencies, 50).toFixed(3).padStart(8)} ms   p99 ${percentile(latencies, 99).toFixed(3).padStart(8)} ms`;

const validator = await startValidator({ port: 0 });
let load;
try {
  load = await loadValidator(validator.rpcUrl, CLIENTS, TRANSFERS);
} finally {
  await validator.close();
}
if (load.lost.length > 0 || load.wrongBalances.length > 0) {
  console.error(`LOST: ${load.lost.length} transactions, ${load.wrongBalances.length} wrong balances`);
  process.exit(1);
}
const lite = inProcess(new LiteSVM() as unknown as InProcess, (r) => r instanceof FailedTransactionMetadata);
const ours = inProcess(new SVM() as unknown as InProcess, (r) => r instanceof OurFailed);

console.log(`${CLIENTS} clients × ${TRANSFERS} System transfers (${CLIENTS * TRANSFERS} in all), Node ${process.version}`);
console.log(row('websvm validator, loopback', load.confirmed, load.elapsedMs, load.latenciesMs) + `   lost ${load.lost.length}`);
console.log(row('LiteSVM in-process', CLIENTS * TRANSFERS, lite.elapsedMs, lite.latencies));
console.log(row('websvm SVM in-process', CLIENTS * TRANSFERS, ours.elapsedMs, ours.latencies));
process.exit(0);
