/**
 * A provider `@coral-xyz/anchor`'s `Program` accepts in place of `AnchorProvider`, running every
 * transaction in-process on an {@link SVM}: `.rpc()` goes through {@link WebsvmProvider.sendAndConfirm},
 * `.simulate()` and `.view()` through {@link WebsvmProvider.simulate}, account fetches and event
 * listeners through {@link WebsvmConnection}. Failures throw web3.js's `SendTransactionError` with
 * the logs, so Anchor turns them into `AnchorError`s as it does with a cluster. Anchor itself is
 * not imported: it stays the user's dependency.
 */
import { Keypair, type Connection, type Signer, Transaction, VersionedTransaction, type PublicKey, SendTransactionError } from '@solana/web3.js';
import { refused, toArray, toEach, toFields } from '../arguments.js';
import { FailedTransactionMetadata, SVM, WebsvmError } from '../index.js';
import { returnData, rpcErrorMessage, transactionSignature, WebsvmConnection } from './connection.js';

type AnyTransaction = Transaction | VersionedTransaction;

/** The wallet shape Anchor's providers carry (`publicKey`, `signTransaction`, `signAllTransactions`). */
export interface Wallet {
  publicKey: PublicKey;
  signTransaction<T extends AnyTransaction>(tx: T): Promise<T>;
  signAllTransactions<T extends AnyTransaction>(txs: T[]): Promise<T[]>;
  /** The keypair behind the wallet, when there is one (Anchor's `NodeWallet` has it). */
  payer?: Keypair;
}

/** A wallet over a keypair, like Anchor's `NodeWallet`. */
export class KeypairWallet implements Wallet {
  constructor(readonly payer: Keypair) {}

  get publicKey(): PublicKey {
    return this.payer.publicKey;
  }

  async signTransaction<T extends AnyTransaction>(tx: T): Promise<T> {
    if (isVersioned(tx)) tx.sign([this.payer]);
    else tx.partialSign(this.payer);
    return tx;
  }

  async signAllTransactions<T extends AnyTransaction>(txs: T[]): Promise<T[]> {
    return Promise.all(toArray(txs, 'transactions', 'an array of transactions').map((tx) => this.signTransaction(tx as T)));
  }
}

/** What `.simulate()` and `.view()` read (Anchor's `SuccessfulTxSimulationResponse`). */
export interface SimulationResponse {
  logs: string[];
  unitsConsumed: number;
  returnData: { programId: string; data: [string, 'base64'] } | null;
  accounts: null;
  err: null;
}

/** Lamports given to the wallet a provider creates for itself (100 SOL). */
const FUNDED_WALLET_LAMPORTS = 100_000_000_000n;

export class WebsvmProvider {
  /**
   * The connection Anchor's `Program` reads through, typed as web3.js's `Connection` as Anchor
   * expects; the methods {@link WebsvmConnection} does not offer throw a `WebsvmError` naming them.
   */
  readonly connection: Connection;
  readonly #connection: WebsvmConnection;
  readonly wallet: Wallet;

  /**
   * A provider over `svm` (a new `SVM` by default). Without `wallet`, a new keypair funded with
   * 100 SOL pays and signs.
   */
  constructor(
    readonly svm: SVM = new SVM(),
    wallet?: Wallet,
  ) {
    if (!(svm instanceof SVM)) throw refused('svm', 'an SVM', svm);
    this.#connection = new WebsvmConnection(svm);
    this.connection = asWeb3Connection(this.#connection);
    if (wallet) this.wallet = wallet;
    else {
      this.wallet = new KeypairWallet(Keypair.generate());
      svm.airdrop(this.wallet.publicKey.toBase58(), FUNDED_WALLET_LAMPORTS);
    }
  }

  get publicKey(): PublicKey {
    return this.wallet.publicKey;
  }

  /** Signs `tx` (fee payer and blockhash filled in for a legacy transaction) with `signers` and the wallet, and sends it. */
  async sendAndConfirm(tx: AnyTransaction, signers: Signer[] = []): Promise<string> {
    const signed = await this.wallet.signTransaction(this.prepare(tx, signers));
    return this.#connection.send(signed);
  }

  /** The same as {@link sendAndConfirm}: transactions are final when sent. */
  async send(tx: AnyTransaction, signers: Signer[] = []): Promise<string> {
    return this.sendAndConfirm(tx, signers);
  }

  /** Signs every transaction (the wallet once, for all) and sends them in order; stops at the first failure. */
  async sendAll<T extends AnyTransaction>(txs: { tx: T; signers?: Signer[] }[]): Promise<string[]> {
    const entries = toEach(txs, 'txs', 'an array of { tx, signers }', (entry, at) => toFields(entry, at, 'a { tx, signers }') as { tx: T; signers?: Signer[] });
    const signed = await this.wallet.signAllTransactions(entries.map(({ tx, signers }) => this.prepare(tx, signers ?? [])));
    return signed.map((tx) => this.#connection.send(tx));
  }

  /**
   * Simulates `tx` signed like {@link sendAndConfirm}. A failure throws `SendTransactionError`
   * (action `simulate`) with the logs, which Anchor turns into its errors.
   */
  async simulate(tx: AnyTransaction, signers: Signer[] = [], _commitment?: unknown, includeAccounts?: boolean | PublicKey[]): Promise<SimulationResponse> {
    if (includeAccounts !== undefined) {
      throw new WebsvmError('Unsupported', 'WebsvmProvider.simulate: includeAccounts is not supported; read the accounts after sending instead', {
        method: 'simulate',
        option: 'includeAccounts',
      });
    }
    const signed = await this.wallet.signTransaction(this.prepare(tx, signers));
    const result = this.svm.simulateTransaction(signed);
    if (result instanceof FailedTransactionMetadata) {
      throw new SendTransactionError({
        action: 'simulate',
        signature: transactionSignature(signed),
        transactionMessage: rpcErrorMessage(result),
        logs: result.meta().logs(),
      });
    }
    const meta = result.meta();
    return { logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()), returnData: returnData(meta), accounts: null, err: null };
  }

  /** Fills in a legacy transaction's fee payer and blockhash, and has `signers` sign. */
  private prepare<T extends AnyTransaction>(tx: T, given: Signer[]): T {
    const signers = toEach(given, 'signers', 'an array of Signer', (s, at) => {
      if (!(s instanceof Keypair) && !(typeof s === 'object' && s !== null && 'secretKey' in s && 'publicKey' in s))
        throw refused(at, 'a Signer (a Keypair)', s);
      return s as Signer;
    });
    if (isVersioned(tx)) {
      if (signers.length > 0) tx.sign(signers);
      return tx;
    }
    tx.feePayer ??= this.wallet.publicKey;
    tx.recentBlockhash = this.svm.latestBlockhash();
    for (const signer of signers) tx.partialSign(signer);
    return tx;
  }
}

/** Whether `tx` is a `VersionedTransaction`; anything but a web3.js transaction is refused with kind `InvalidArgument`. */
function isVersioned(tx: AnyTransaction): tx is VersionedTransaction {
  if (tx instanceof VersionedTransaction) return true;
  if (tx instanceof Transaction) return false;
  throw refused('transaction', 'a web3.js Transaction or VersionedTransaction', tx);
}

/**
 * `connection` seen as a web3.js `Connection`: what it has is used as is, and any other method a
 * caller reaches for throws a `WebsvmError` (kind `Unsupported`) that names it, instead of
 * "is not a function".
 */
function asWeb3Connection(connection: WebsvmConnection): Connection {
  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property in target || typeof property === 'symbol' || property === 'then') return Reflect.get(target, property, receiver);
      return () => {
        throw new WebsvmError('Unsupported', `websvm/anchor's connection has no ${String(property)}(); use the SVM (provider.svm) for what it offers`, {
          method: String(property),
        });
      };
    },
  }) as unknown as Connection;
}
