/**
 * `startValidator()`: a JSON-RPC server and a WebSocket PubSub server over one `SVM`, so that
 * @solana/web3.js, @solana/kit and other RPC clients talk to websvm as to a cluster.
 */
import { refused, toFields } from '../arguments.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SVM } from '../api/svm.js';
import { encodeAddress } from '../runtime/accounts.js';
import { deployUpgradeablePrograms, loadAccountFiles, type AccountFile, type UpgradeableProgram } from './genesis-files.js';
import { createRpcServer } from './http-server.js';
import type { Handler } from './json-rpc.js';
import { Ledger, MAX_PROCESSING_AGE } from './ledger.js';
import { LedgerJournal, openLedgerDir } from './ledger-store.js';
import { accountMethods } from './methods/accounts.js';
import { blockMethods } from './methods/blocks.js';
import { chainMethods } from './methods/chain.js';
import { clusterMethods } from './methods/cluster.js';
import type { MethodGroup, RpcContext } from './methods/context.js';
import { economicsMethods } from './methods/economics.js';
import { historyMethods } from './methods/history.js';
import { nodeMethods } from './methods/node.js';
import { transactionMethods } from './methods/transactions.js';
import { tokenMethods } from './methods/tokens.js';
import { PerformanceSamples, SAMPLE_INTERVAL_MS } from './performance-samples.js';
import { PubSub } from './pubsub.js';
import { DEFAULT_SLOT_TIME_MS, SlotClock, type SlotTime } from './slot-clock.js';
import { cheatcodeMethods } from './methods/cheatcodes.js';
import { profileMethods } from './methods/profile.js';
import { snapshotMethods } from './methods/snapshots.js';
import { Fork } from './fork.js';

/** Options of {@link startValidator}. */
export interface ValidatorOptions {
  /** The JSON-RPC port; PubSub listens on the next one. 0 (the default) picks a free pair. */
  port?: number;
  /** The address to bind (default 127.0.0.1). */
  host?: string;
  /** The simulator to serve (default `new SVM()`). */
  svm?: SVM;
  /**
   * How slots advance: every N milliseconds and at once after each batch of transactions (default
   * 400); `'transaction'`: only after each batch of transactions; `'manual'`: only by {@link Validator.advanceSlots}.
   */
  slotTime?: SlotTime;
  /** Account files (`solana account --output json`) to load, each at `address` or the file's own (`--account`). */
  accounts?: AccountFile[];
  /** Directories whose `*.json` account files to load (`--account-dir`). */
  accountDirs?: string[];
  /** Programs to deploy with the upgradeable loader and an upgrade authority, or none (`--upgradeable-program`). */
  upgradeablePrograms?: UpgradeableProgram[];
  /**
   * A directory keeping the chain across restarts and crashes (`--ledger`): accounts, transactions
   * and blocks, and the node's state (supply override, paused clock, the fork's settled addresses,
   * snapshots), each change written as it happens (see `ledger-store.ts`). The files and programs
   * above are loaded over what it holds. Changes made directly on `svm` in-process, not through the
   * validator, are written only on close.
   */
  ledger?: string;
  /** With `ledger`: start afresh, removing what the directory holds (`--reset`). */
  reset?: boolean;
  /**
   * The JSON-RPC URL of a cluster to fork (`--fork-url`): an account this validator does not hold is
   * fetched from it the first time it is read, then kept here; writes stay here.
   */
  forkUrl?: string;
}

/** A running validator. */
export interface Validator {
  /** `http://host:port` of the JSON-RPC server. */
  rpcUrl: string;
  /** `ws://host:port` of the PubSub server. */
  wsUrl: string;
  /** The simulator behind it: changes made here are what clients read. */
  svm: SVM;
  /** Ends the open block `count` times (default 1): the way slots advance with `slotTime: 'manual'`. */
  advanceSlots(count?: number): void;
  /** Stops both servers and drops their connections; with `ledger`, writes a last checkpoint of the ledger directory. */
  close(): Promise<void>;
}

const METHOD_GROUPS: readonly MethodGroup[] = [
  nodeMethods,
  chainMethods,
  accountMethods,
  tokenMethods,
  transactionMethods,
  blockMethods,
  historyMethods,
  economicsMethods,
  clusterMethods,
  cheatcodeMethods,
  snapshotMethods,
  profileMethods,
];

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** How many port pairs to try when the port after a free one is taken. */
const PORT_PAIR_ATTEMPTS = 20;

/**
 * Listens with `rpc` on `port` and `ws` on the next port, as clients expect (web3.js derives the
 * WebSocket URL that way). With port 0 a free port is picked for `rpc`, again when the next one is taken.
 */
async function listenPair(rpc: Server, ws: Server, port: number, host: string): Promise<[number, number]> {
  for (let attempt = 1; ; attempt++) {
    const rpcPort = await listen(rpc, port, host);
    try {
      return [rpcPort, await listen(ws, rpcPort + 1, host)];
    } catch (e) {
      await stop(rpc);
      if (port !== 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === PORT_PAIR_ATTEMPTS) throw e;
    }
  }
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** A random address (the node's identity and vote account: no keys are ever used for them). */
const randomAddress = () => encodeAddress(crypto.getRandomValues(new Uint8Array(32)));

/** Starts a validator over `svm` (a new `SVM` by default); resolves once both servers listen. */
export async function startValidator(options: ValidatorOptions = {}): Promise<Validator> {
  toFields(options, 'options', 'ValidatorOptions');
  if (options.svm !== undefined && !(options.svm instanceof SVM)) throw refused('options.svm', 'an SVM', options.svm);
  const svm = options.svm ?? new SVM();
  const host = options.host ?? '127.0.0.1';
  const stored = options.ledger === undefined ? undefined : openLedgerDir(options.ledger, svm, options.reset ?? false);
  for (const dir of options.accountDirs ?? []) svm.loadAccountsFromDirectory(dir);
  loadAccountFiles(svm, options.accounts ?? []);
  deployUpgradeablePrograms(svm, options.upgradeablePrograms ?? []);
  const ledger = new Ledger(svm, stored?.chain);
  const slotClock = new SlotClock(ledger, options.slotTime ?? DEFAULT_SLOT_TIME_MS);
  if (stored?.node.clockPaused) slotClock.pause();
  // A blockhash lasts at least as long as on a cluster whose slots last the clock's slot time.
  ledger.blockhashLifetimeMs = Number(MAX_PROCESSING_AGE) * slotClock.slotTimeMs;
  const supply = stored?.node.supply ?? {};
  const snapshots = new Map(stored?.node.snapshots);
  const fork =
    options.forkUrl === undefined
      ? undefined
      : new Fork(options.forkUrl, svm.runtime, ledger, stored?.node.forkLocal ?? [], (change) => journal?.record({ kind: 'fork', ...change }));
  // Journals each change before any listener below reports it (the fork's changes come later, when it fetches).
  const journal =
    options.ledger === undefined
      ? undefined
      : new LedgerJournal(options.ledger, ledger, () => ({
          supply,
          clockPaused: slotClock.isPaused,
          forkLocal: fork?.localAddresses ?? [],
          snapshots: [...snapshots],
        }));
  const samples = new PerformanceSamples(ledger);
  const sampler = setInterval(() => samples.take(), SAMPLE_INTERVAL_MS);
  sampler.unref();
  const ctx: RpcContext = {
    svm,
    ledger,
    samples,
    identity: randomAddress(),
    voteAccount: randomAddress(),
    addresses: { rpc: null, pubsub: null },
    slotClock,
    supply,
    fork,
    journal,
    snapshots,
    genesis: { svm: svm.snapshot(), ledger: ledger.state },
  };
  const methods = new Map<string, Handler>(METHOD_GROUPS.flatMap((group) => Object.entries(group(ctx))));
  const durable = journal && (() => journal.durable());
  const rpc = createRpcServer(methods, durable);
  const ws = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only'));
  const pubsub = new PubSub(ctx, ws);
  const [rpcPort, wsPort] = await listenPair(rpc, ws, options.port ?? 0, host);
  ctx.addresses.rpc = `${urlHost(host)}:${rpcPort}`;
  ctx.addresses.pubsub = `${urlHost(host)}:${wsPort}`;
  void pubsub.load();
  return {
    rpcUrl: `http://${ctx.addresses.rpc}`,
    wsUrl: `ws://${ctx.addresses.pubsub}`,
    svm,
    advanceSlots: (count = 1) => {
      for (let i = 0; i < count; i++) ledger.endBlock();
    },
    close: async () => {
      slotClock.stop();
      clearInterval(sampler);
      pubsub.close();
      await Promise.all([stop(rpc), stop(ws)]);
      await journal?.close();
    },
  };
}
