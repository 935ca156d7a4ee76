/**
 * `startValidator()`: a JSON-RPC server and a WebSocket PubSub server over one `SVM`, so that
 * @solana/web3.js, @solana/kit and other RPC clients talk to websvm as to a cluster.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SVM } from '../api/svm.js';
import { encodeAddress } from '../runtime/accounts.js';
import { createRpcServer } from './http-server.js';
import type { Handler } from './json-rpc.js';
import { Ledger } from './ledger.js';
import { accountMethods } from './methods/accounts.js';
import { chainMethods } from './methods/chain.js';
import type { MethodGroup, RpcContext } from './methods/context.js';
import { nodeMethods } from './methods/node.js';
import { transactionMethods } from './methods/transactions.js';
import { tokenMethods } from './methods/tokens.js';
import { PubSub } from './pubsub.js';

/** Options of {@link startValidator}. */
export interface ValidatorOptions {
  /** The JSON-RPC port; PubSub listens on the next one. 0 (the default) picks a free pair. */
  port?: number;
  /** The address to bind (default 127.0.0.1). */
  host?: string;
  /** The simulator to serve (default `new SVM()`). */
  svm?: SVM;
}

/** A running validator. */
export interface Validator {
  /** `http://host:port` of the JSON-RPC server. */
  rpcUrl: string;
  /** `ws://host:port` of the PubSub server. */
  wsUrl: string;
  /** The simulator behind it: changes made here are what clients read. */
  svm: SVM;
  /** Stops both servers and drops their connections. */
  close(): Promise<void>;
}

const METHOD_GROUPS: readonly MethodGroup[] = [nodeMethods, chainMethods, accountMethods, tokenMethods, transactionMethods];

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

/** Starts a validator over `svm` (a new `SVM` by default); resolves once both servers listen. */
export async function startValidator(options: ValidatorOptions = {}): Promise<Validator> {
  const svm = options.svm ?? new SVM();
  const host = options.host ?? '127.0.0.1';
  const ctx: RpcContext = { svm, ledger: new Ledger(svm), identity: encodeAddress(crypto.getRandomValues(new Uint8Array(32))) };
  const methods = new Map<string, Handler>(METHOD_GROUPS.flatMap((group) => Object.entries(group(ctx))));
  const rpc = createRpcServer(methods);
  const ws = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only'));
  const pubsub = new PubSub(ctx.ledger, ws);
  const [rpcPort, wsPort] = await listenPair(rpc, ws, options.port ?? 0, host);
  return {
    rpcUrl: `http://${urlHost(host)}:${rpcPort}`,
    wsUrl: `ws://${urlHost(host)}:${wsPort}`,
    svm,
    close: async () => {
      pubsub.close();
      await Promise.all([stop(rpc), stop(ws)]);
    },
  };
}
