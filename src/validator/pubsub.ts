/**
 * PubSub over WebSocket (`ws`): account, program, signature, logs, slot, root and block
 * subscriptions with their unsubscribes, notified as Agave's `RpcSubscriptions` notifies: after each
 * transaction (accounts, programs, signatures, logs), after each block (blocks, roots) and as each
 * slot opens (slots).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import type { Account } from '../runtime/accounts.js';
import { SYSTEM_PROGRAM } from '../runtime/ids.js';
import { accountFilters, type AccountFilter } from './account-filters.js';
import { blockEncodingOptions, encodeBlock, type BlockEncodingOptions } from './block-encoding.js';
import { accountEncoding, transactionErrorJson, type AccountEncoding, type DataSlice } from './encodings.js';
import { MAX_REQUEST_BODY_SIZE } from './http-server.js';
import { handleBody, invalidParams, stringify, type Handler, type Json } from './json-rpc.js';
import type { Block, Processed, TransactionRecord } from './ledger.js';
import type { RpcContext } from './methods/context.js';
import { encodedAccount } from './methods/tokens.js';
import { bool, commitment, config, positional, pubkey, signature, wrongType } from './params.js';

type WebSocketServer = WebSocket.Server;

/**
 * A `ws` server taking the upgrades handed to it, with `maxPayload` as its message limit. ws 8's
 * ES module exports the class as `WebSocketServer`; the installed declarations are @types/ws 7's
 * (a dependency of jayson), which call it `WebSocket.Server`.
 */
async function loadWebSocketServer(maxPayload: number): Promise<WebSocketServer> {
  const ws = (await import('ws')) as unknown as { WebSocketServer: typeof WebSocket.Server };
  return new ws.WebSocketServer({ noServer: true, maxPayload });
}

const VOTE_PROGRAM = 'Vote111111111111111111111111111111111111111';

type Subscription = { socket: WebSocket } & (
  | { kind: 'signature'; signature: string }
  | { kind: 'account'; address: string; encoding: AccountEncoding; dataSlice?: DataSlice }
  | { kind: 'program'; program: string; encoding: AccountEncoding; dataSlice?: DataSlice; filters: AccountFilter[] }
  /** `mentions` undefined: every transaction; `votes` says whether vote transactions count. */
  | { kind: 'logs'; mentions?: string; votes: boolean }
  | { kind: 'slot' }
  | { kind: 'root' }
  | { kind: 'block'; mentions?: string; options: BlockEncodingOptions }
);
type Kind = Subscription['kind'];

const EMPTY_ACCOUNT = { lamports: 0n, data: new Uint8Array(0), owner: SYSTEM_PROGRAM, executable: false, rentEpoch: 0n };

/** Every key a recorded transaction names. */
const keysOf = (r: TransactionRecord) => [...r.tx.message.staticKeys, ...r.loadedAddresses.writable, ...r.loadedAddresses.readonly];

/** A transaction that only votes (Agave leaves those out of `logsSubscribe("all")`). */
const isVote = (r: TransactionRecord) => r.tx.message.instructions.every((ix) => r.tx.message.staticKeys[ix.programIdIndex] === VOTE_PROGRAM);

/** `RpcTransactionLogsFilter`: "all", "allWithVotes" or `{ mentions: [one address] }`. */
function logsFilter(v: Json): { mentions?: string; votes: boolean } {
  if (v === 'all' || v === 'allWithVotes') return { votes: v === 'allWithVotes' };
  if (typeof v === 'string') throw invalidParams(`Invalid params: unknown variant \`${v}\`, expected one of \`all\`, \`allWithVotes\`, \`mentions\`.`);
  const mentions = config(v).mentions;
  if (!Array.isArray(mentions)) throw wrongType(mentions ?? null, 'a sequence');
  if (mentions.length !== 1) throw invalidParams('Invalid Request: Only 1 address supported');
  return { mentions: pubkey(mentions[0]), votes: true };
}

/** `RpcBlockSubscribeFilter`: "all" or `{ mentionsAccountOrProgram: address }`. */
function blockFilter(v: Json): string | undefined {
  if (v === 'all') return undefined;
  if (typeof v === 'string') throw invalidParams(`Invalid params: unknown variant \`${v}\`, expected \`all\` or \`mentionsAccountOrProgram\`.`);
  return pubkey(config(v).mentionsAccountOrProgram ?? null);
}

export class PubSub {
  private readonly subscriptions = new Map<number, Subscription>();
  private nextId = 1;
  /** The `ws` server once loaded (see {@link load}). */
  private server: WebSocketServer | undefined;
  private loading: Promise<WebSocketServer> | undefined;
  private closed = false;
  private readonly stopListening: () => void;
  /** Notifications owed to subscriptions made after their event (a signature already processed). */
  private pending: (() => void)[] = [];

  constructor(
    private readonly ctx: RpcContext,
    httpServer: Server,
  ) {
    // An upgrade that comes before `ws` has loaded waits for it.
    httpServer.on('upgrade', (req, socket, head) => {
      void this.load().then((server) => {
        // An HTTP server's upgrade socket is a net.Socket (typed as a Duplex).
        if (!this.closed) server.handleUpgrade(req, socket as Socket, head, (client) => this.accept(client));
        else socket.destroy();
      });
    });
    this.stopListening = ctx.ledger.listen({
      processed: (p) => this.onProcessed(p),
      block: (b) => this.onBlock(b),
      slot: (s) => this.each('slot', (id, sub) => this.send(sub.socket, 'slotNotification', id, s)),
    });
  }

  /**
   * Loads `ws` (once). It takes some 20 ms of start-up that no request needs before a client connects,
   * so the validator listens first and loads it after (or on the first upgrade, whichever comes first).
   */
  load(): Promise<WebSocketServer> {
    // A message over the JSON-RPC body limit closes its connection (1009), as a body over it is refused.
    this.loading ??= loadWebSocketServer(MAX_REQUEST_BODY_SIZE).then((server) => (this.server = server));
    return this.loading;
  }

  close(): void {
    this.closed = true;
    this.stopListening();
    for (const socket of this.server?.clients ?? []) socket.terminate();
    this.server?.close();
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

  private flushPending(): void {
    const owed = this.pending;
    this.pending = [];
    for (const send of owed) send();
  }

  private subscribe(subscription: Subscription): number {
    const id = this.nextId++;
    this.subscriptions.set(id, subscription);
    return id;
  }

  private methods(socket: WebSocket): Record<string, Handler> {
    const unsubscribe =
      (kind: Kind): Handler =>
      (p) => {
        const [id] = positional(p, 1, 1);
        const s = typeof id === 'number' ? this.subscriptions.get(id) : undefined;
        if (!s || s.kind !== kind || s.socket !== socket) throw invalidParams('Invalid subscription id.');
        this.subscriptions.delete(id as number);
        return true;
      };
    /** The config of an account-like subscription: commitment, encoding and data slice. */
    const accountConfig = (raw: Json | undefined) => {
      const cfg = config(raw);
      commitment(cfg);
      return { cfg, ...accountEncoding(cfg, 'binary') };
    };
    return {
      signatureSubscribe: (p) => {
        const [sig, raw] = positional(p, 1, 2);
        const s = signature(sig);
        const cfg = config(raw);
        commitment(cfg);
        if (cfg.enableReceivedNotification !== undefined && cfg.enableReceivedNotification !== null) bool(cfg.enableReceivedNotification);
        const record = this.ctx.ledger.record(s);
        if (!record) return this.subscribe({ kind: 'signature', socket, signature: s });
        const id = this.nextId++;
        this.pending.push(() => this.send(socket, 'signatureNotification', id, this.signatureResult(record)));
        return id;
      },
      signatureUnsubscribe: unsubscribe('signature'),
      accountSubscribe: (p) => {
        const [key, raw] = positional(p, 1, 2);
        const address = pubkey(key);
        const { encoding, dataSlice } = accountConfig(raw);
        return this.subscribe({ kind: 'account', socket, address, encoding, dataSlice });
      },
      accountUnsubscribe: unsubscribe('account'),
      programSubscribe: (p) => {
        const [key, raw] = positional(p, 1, 2);
        const program = pubkey(key);
        const { cfg, encoding, dataSlice } = accountConfig(raw);
        return this.subscribe({ kind: 'program', socket, program, encoding, dataSlice, filters: accountFilters(cfg.filters) });
      },
      programUnsubscribe: unsubscribe('program'),
      logsSubscribe: (p) => {
        const [filter, raw] = positional(p, 1, 2);
        const f = logsFilter(filter);
        commitment(config(raw));
        return this.subscribe({ kind: 'logs', socket, ...f });
      },
      logsUnsubscribe: unsubscribe('logs'),
      slotSubscribe: (p) => (positional(p, 0, 0), this.subscribe({ kind: 'slot', socket })),
      slotUnsubscribe: unsubscribe('slot'),
      rootSubscribe: (p) => (positional(p, 0, 0), this.subscribe({ kind: 'root', socket })),
      rootUnsubscribe: unsubscribe('root'),
      blockSubscribe: (p) => {
        const [filter, raw] = positional(p, 1, 2);
        const mentions = blockFilter(filter);
        const cfg = config(raw);
        commitment(cfg);
        return this.subscribe({ kind: 'block', socket, mentions, options: blockEncodingOptions(cfg, 'showRewards') });
      },
      blockUnsubscribe: unsubscribe('block'),
    };
  }

  /**
   * Sends a notification; `slot` wraps the result as `{ context: { slot }, value }`. With a ledger
   * directory it goes once what it reports is on disk.
   */
  private send(socket: WebSocket, method: string, subscription: number, result: unknown, slot?: bigint): void {
    const wrapped = slot === undefined ? result : { context: { slot }, value: result };
    const text = stringify({ jsonrpc: '2.0', method, params: { result: wrapped, subscription } });
    const deliver = () => {
      if (socket.readyState === socket.OPEN) socket.send(text);
    };
    const journal = this.ctx.journal;
    if (journal) void journal.durable().then(deliver);
    else deliver();
  }

  private signatureResult(record: TransactionRecord) {
    return { context: { slot: record.slot }, value: { err: record.outcome.error ? transactionErrorJson(record.outcome.error) : null } };
  }

  /** Calls `notify` for each subscription of `kind`. */
  private each<K extends Kind>(kind: K, notify: (id: number, s: Extract<Subscription, { kind: K }>) => void): void {
    for (const [id, s] of this.subscriptions) if (s.kind === kind) notify(id, s as Extract<Subscription, { kind: K }>);
  }

  /** An account notification's value; undefined when it cannot be encoded (too large for base58: Agave drops it too). */
  private encoded(address: string, account: Account, encoding: AccountEncoding, dataSlice: DataSlice | undefined): object | undefined {
    try {
      return encodedAccount(this.ctx, address, account, encoding, dataSlice);
    } catch {
      return undefined;
    }
  }

  private onProcessed({ signature: sig, record, written }: Processed): void {
    const slot = record.slot;
    const accounts = this.ctx.svm.runtime.accounts;
    const writtenSet = new Set(written);
    this.each('signature', (id, s) => {
      if (s.signature !== sig) return;
      this.subscriptions.delete(id); // a signature subscription ends with its notification
      this.send(s.socket, 'signatureNotification', id, this.signatureResult(record));
    });
    this.each('account', (id, s) => {
      if (!writtenSet.has(s.address)) return;
      const account = accounts.get(s.address);
      const value = this.encoded(s.address, account && account.lamports > 0n ? account : EMPTY_ACCOUNT, s.encoding, s.dataSlice);
      if (value) this.send(s.socket, 'accountNotification', id, value, slot);
    });
    this.each('program', (id, s) => {
      for (const address of written) {
        const account = accounts.get(address);
        if (!account || account.owner !== s.program || account.lamports === 0n || !s.filters.every((f) => f(account.data))) continue;
        const value = this.encoded(address, account, s.encoding, s.dataSlice);
        if (value) this.send(s.socket, 'programNotification', id, { pubkey: address, account: value }, slot);
      }
    });
    const keys = keysOf(record);
    const vote = isVote(record);
    this.each('logs', (id, s) => {
      if (s.mentions === undefined ? vote && !s.votes : !keys.includes(s.mentions)) return;
      const err = record.outcome.error ? transactionErrorJson(record.outcome.error) : null;
      this.send(s.socket, 'logsNotification', id, { signature: sig, err, logs: record.outcome.logs }, slot);
    });
  }

  private onBlock(block: Block): void {
    this.each('root', (id, s) => this.send(s.socket, 'rootNotification', id, block.slot));
    this.each('block', (id, s) => {
      const mentions = s.mentions;
      if (mentions !== undefined && !block.signatures.some((sig) => keysOf(this.ctx.ledger.record(sig)!).includes(mentions))) return;
      let value: { slot: bigint; err: unknown; block: unknown };
      try {
        value = { slot: block.slot, err: null, block: encodeBlock(this.ctx.ledger, block, s.options) };
      } catch {
        // Only a transaction newer than the client takes fails to encode (`RpcBlockUpdateError`).
        value = { slot: block.slot, err: { UnsupportedTransactionVersion: 0 }, block: null };
      }
      this.send(s.socket, 'blockNotification', id, value, block.slot);
    });
  }
}
