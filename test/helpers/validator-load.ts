/**
 * A load on a validator over loopback, as real clients make it: `clients` web3.js `Connection`s at
 * once, each with its own funded payer, sending `transfers` System transfers one after the other
 * and waiting for each to be confirmed (`sendAndConfirmRawTransaction`, preflight on) before the
 * next. Then every signature's status and every receiver's balance are read back, so that a lost
 * transaction shows. Used by the load test and by `npm run bench:validator`.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import bs58 from 'bs58';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  Transaction,
  sendAndConfirmRawTransaction,
  type BlockhashWithExpiryBlockHeight,
  type PublicKey,
} from '@solana/web3.js';

/**
 * How many transfers a client signs with one blockhash before asking for a newer one. Blocks end
 * after each batch of transactions, so with many clients the block height runs ahead fast, and
 * web3.js gives a transaction up as expired once the height passes the blockhash's
 * `lastValidBlockHeight` (150 blocks on), even when it was confirmed.
 */
const BLOCKHASH_REUSE = 10;
/** `getSignatureStatuses` takes at most this many signatures. */
const STATUS_CHUNK = 256;

/** What one load run measured and found. */
export interface LoadResult {
  /** Confirmed transfers, all clients together. */
  confirmed: number;
  /** Wall time from the first send to the last confirmation. */
  elapsedMs: number;
  /** Each transfer's time from send to confirmation. */
  latenciesMs: number[];
  /** Signatures a client saw confirmed that the validator does not hold as succeeded. */
  lost: string[];
  /** Receivers whose balance is not the sum of what was sent to them. */
  wrongBalances: string[];
}

/** The PKCS #8 DER header of an Ed25519 private key; its 32-byte seed follows. */
const PKCS8_ED25519_HEADER = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * A client's fee payer, signing with Node's native Ed25519. web3.js's `Transaction.sign` and
 * `serialize` sign and then verify in JavaScript (some milliseconds a transfer), and the clients
 * share one thread with an in-process validator: that cost would be what the load measures.
 */
class Payer {
  readonly publicKey: PublicKey;
  private readonly key: KeyObject;

  constructor(keypair: Keypair) {
    this.publicKey = keypair.publicKey;
    this.key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_HEADER, keypair.secretKey.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  }

  /** A signed transfer of `lamports` to `to`: its wire bytes and base58 signature. */
  transfer(to: PublicKey, lamports: number, blockhash: string): { wire: Buffer; signature: string } {
    const tx = new Transaction({ feePayer: this.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({ fromPubkey: this.publicKey, toPubkey: to, lamports }),
    );
    const signature = sign(null, tx.serializeMessage(), this.key);
    tx.addSignature(this.publicKey, signature);
    return { wire: tx.serialize({ verifySignatures: false }), signature: bs58.encode(signature) };
  }
}

/** One client's run: its transfers to `to`, one at a time, each confirmed before the next. */
async function runClient(connection: Connection, payer: Payer, to: PublicKey, transfers: number, latencies: number[]): Promise<string[]> {
  const signatures: string[] = [];
  let blockhash: BlockhashWithExpiryBlockHeight | undefined;
  for (let i = 0; i < transfers; i++) {
    if (i % BLOCKHASH_REUSE === 0) blockhash = await connection.getLatestBlockhash('confirmed');
    // Amounts differ, so no two transfers of one blockhash share a signature.
    const { wire, signature } = payer.transfer(to, i + 1, blockhash!.blockhash);
    const start = performance.now();
    await sendAndConfirmRawTransaction(connection, wire, { signature, ...blockhash! }, { commitment: 'confirmed' });
    latencies.push(performance.now() - start);
    signatures.push(signature);
  }
  return signatures;
}

/** Runs the load against the validator at `rpcUrl` (PubSub on the next port). */
export async function loadValidator(rpcUrl: string, clients: number, transfers: number): Promise<LoadResult> {
  const connections = Array.from({ length: clients }, () => new Connection(rpcUrl, 'confirmed'));
  const payers = Array.from({ length: clients }, () => new Payer(Keypair.generate()));
  const receivers = Array.from({ length: clients }, () => Keypair.generate().publicKey);
  const setup = connections[0];
  for (const [i, payer] of payers.entries()) {
    const latest = await setup.getLatestBlockhash('confirmed');
    await setup.confirmTransaction({ signature: await setup.requestAirdrop(payer.publicKey, 100 * LAMPORTS_PER_SOL), ...latest });
    // Rent-exempt receivers, so that a transfer of a few lamports to them is allowed.
    const funding = payer.transfer(receivers[i], LAMPORTS_PER_SOL, latest.blockhash);
    await sendAndConfirmRawTransaction(setup, funding.wire, { signature: funding.signature, ...latest }, { commitment: 'confirmed' });
  }
  const before = await Promise.all(receivers.map((r) => setup.getBalance(r)));

  const latenciesMs: number[] = [];
  const start = performance.now();
  const sent = await Promise.all(connections.map((c, i) => runClient(c, payers[i], receivers[i], transfers, latenciesMs)));
  const elapsedMs = performance.now() - start;

  const all = sent.flat();
  const lost: string[] = [];
  for (let i = 0; i < all.length; i += STATUS_CHUNK) {
    const chunk = all.slice(i, i + STATUS_CHUNK);
    const { value } = await setup.getSignatureStatuses(chunk, { searchTransactionHistory: true });
    value.forEach((status, j) => {
      if (!status || status.err !== null) lost.push(chunk[j]);
    });
  }
  const expected = (transfers * (transfers + 1)) / 2;
  const after = await Promise.all(receivers.map((r) => setup.getBalance(r)));
  const wrongBalances = receivers.filter((_, i) => after[i] - before[i] !== expected).map((r) => r.toBase58());
  return { confirmed: all.length, elapsedMs, latenciesMs, lost, wrongBalances };
}
