/**
 * The PubSub endpoint over WebSocket (`ws`): signatureSubscribe and accountSubscribe with their
 * unsubscribes, notified after each block as Agave's `RpcSubscriptions` notifies.
 */
import type { Server } from 'node:http';
import type WebSocket from 'ws';
import * as ws from 'ws';
import { SYSTEM_PROGRAM } from '../runtime/ids.js';
import { accountEncoding, transactionErrorJson, uiAccount, type AccountEncoding, type DataSlice } from './encodings.js';
import { handleBody, invalidParams, stringify, type Handler } from './json-rpc.js';
import type { Ledger, Processed } from './ledger.js';
import { bool, commitment, config, positional, pubkey, signature } from './params.js';

/**
 * ws 8's server class. The installed type declarations are @types/ws 7's (a dependency of
 * jayson), which name the same class `WebSocket.Server`; ws 8's ES module exports it as `WebSocketServer`.
 */
const WebSocketServer = (ws as unknown as { WebSocketServer: typeof WebSocket.Server }).WebSocketServer;
type WebSocketServer = WebSocket.Server;

type Subscription =
  | { kind: 'signature'; socket: WebSocket; signature: string }
  | { kind: 'account'; socket: WebSocket; address: string; encoding: AccountEncoding; dataSlice?: DataSlice };

const EMPTY_ACCOUNT = { lamports: 0n, data: new Uint8Array(0), owner: SYSTEM_PROGRAM, executable: false, rentEpoch: 0n };

export class PubSub {
  private readonly subscriptions = new Map<number, Subscription>();
  private nextId = 1;
  readonly server: WebSocketServer;
  private readonly stopListening: () => void;

  constructor(
    private readonly ledger: Ledger,
    httpServer: Server,
  ) {
    this.server = new WebSocketServer({ server: httpServer });
    this.server.on('connection', (socket) => this.accept(socket));
    this.stopListening = ledger.onProcessed((p) => this.notify(p));
  }

  close(): void {
    this.stopListening();
    for (const socket of this.server.clients) socket.terminate();
    this.server.close();
  }

  private accept(socket: WebSocket): void {
    const methods = new Map<string, Handler>(Object.entries(this.methods(socket)));
    // Requests are answered in the order they came (a failing one would otherwise overtake).
    let previous = Promise.resolve();
    socket.on('message', (data) => {
      previous = previous
        .then(() => handleBody(methods, data.toString()))
        .then((answer) => {
          if (answer !== undefined && socket.readyState === socket.OPEN) socket.send(answer);
          // After the answer, in a later turn, as a cluster notifies on its next block.
          setImmediate(() => this.flushPending());
        });
    });
    socket.on('close', () => {
      for (const [id, s] of this.subscriptions) if (s.socket === socket) this.subscriptions.delete(id);
    });
    socket.on('error', () => socket.terminate());
  }

  /** Notifications owed to subscriptions made after their event (a signature already processed). */
  private pending: (() => void)[] = [];

  private flushPending(): void {
    const owed = this.pending;
    this.pending = [];
    for (const send of owed) send();
  }

  private methods(socket: WebSocket): Record<string, Handler> {
    const unsubscribe =
      (kind: Subscription['kind']): Handler =>
      (p) => {
        const [id] = positional(p, 1, 1);
        const s = typeof id === 'number' ? this.subscriptions.get(id) : undefined;
        if (!s || s.kind !== kind || s.socket !== socket) throw invalidParams('Invalid subscription id.');
        this.subscriptions.delete(id as number);
        return true;
      };
    return {
      signatureSubscribe: (p) => {
        const [sig, raw] = positional(p, 1, 2);
        const s = signature(sig);
        const cfg = config(raw);
        commitment(cfg);
        if (cfg.enableReceivedNotification !== undefined && cfg.enableReceivedNotification !== null) bool(cfg.enableReceivedNotification);
        const id = this.nextId++;
        const record = this.ledger.record(s);
        if (record)
          this.pending.push(() =>
            this.send(socket, 'signatureNotification', id, record.slot, { err: record.outcome.error ? transactionErrorJson(record.outcome.error) : null }),
          );
        else this.subscriptions.set(id, { kind: 'signature', socket, signature: s });
        return id;
      },
      signatureUnsubscribe: unsubscribe('signature'),
      accountSubscribe: (p) => {
        const [key, raw] = positional(p, 1, 2);
        const address = pubkey(key);
        const cfg = config(raw);
        commitment(cfg);
        const { encoding, dataSlice } = accountEncoding(cfg, 'binary');
        const id = this.nextId++;
        this.subscriptions.set(id, { kind: 'account', socket, address, encoding, dataSlice });
        return id;
      },
      accountUnsubscribe: unsubscribe('account'),
    };
  }

  private send(socket: WebSocket, method: string, subscription: number, slot: bigint, value: unknown): void {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(stringify({ jsonrpc: '2.0', method, params: { result: { context: { slot }, value }, subscription } }));
  }

  private notify({ signature: sig, record, written }: Processed): void {
    const writtenSet = new Set(written);
    for (const [id, s] of this.subscriptions) {
      if (s.kind === 'signature' && s.signature === sig) {
        this.subscriptions.delete(id); // a signature subscription ends with its notification
        this.send(s.socket, 'signatureNotification', id, record.slot, { err: record.outcome.error ? transactionErrorJson(record.outcome.error) : null });
      } else if (s.kind === 'account' && writtenSet.has(s.address)) {
        const account = this.ledger.svm.runtime.accounts.get(s.address);
        const shown = account && account.lamports > 0n ? account : EMPTY_ACCOUNT;
        try {
          this.send(s.socket, 'accountNotification', id, record.slot, uiAccount(shown, s.encoding, s.dataSlice));
        } catch {
          // too large for base58: Agave drops such a notification too
        }
      }
    }
  }
}
