/**
 * What clients get wrong never stops the validator: bad JSON, wrong types, oversized bodies and
 * messages, connections dropped mid-request or mid-subscription, over HTTP and WebSocket.
 */
import { connect } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from '@solana/web3.js';
import { startValidator, type Validator } from '../../src/validator/index.js';
import { rpc } from './rpc-call.js';

/** The raw answer to a POST of `body`. */
async function post(v: Validator, body: string) {
  const res = await fetch(v.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

/** Writes `text` on a new TCP connection to the RPC port and drops the connection at once. */
async function dropAfter(v: Validator, text: string): Promise<void> {
  const url = new URL(v.rpcUrl);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  socket.write(text);
  socket.destroy();
  await once(socket, 'close');
}

/** A WebSocket to the PubSub port, open. */
async function pubsub(v: Validator): Promise<WebSocket> {
  const socket = new WebSocket(v.wsUrl);
  await once(socket, 'open');
  return socket;
}

async function next(socket: WebSocket): Promise<{ id?: number; result?: unknown; error?: { code: number; message: string } }> {
  const [data] = (await once(socket, 'message')) as [Buffer];
  return JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { code: number; message: string } };
}

describe('validator robustness', () => {
  let v: Validator;
  const healthy = async () => expect((await rpc(v.rpcUrl, 'getHealth')).result).toBe('ok');

  beforeAll(async () => {
    v = await startValidator({ slotTime: 'transaction' });
  });
  afterAll(() => v.close());

  it('answers malformed bodies with JSON-RPC errors', async () => {
    const parseError = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null };
    for (const body of ['', '{', 'null garbage', '\u0000\u00ff', '[1,', '{"jsonrpc":"2.0","id":1,"method":"getSlot"']) {
      expect(JSON.parse((await post(v, body)).text)).toEqual(parseError);
    }
    const invalid = (id: unknown) => ({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id });
    expect(JSON.parse((await post(v, '[1, "x", null]')).text)).toEqual([invalid(null), invalid(null), invalid(null)]);
    expect(JSON.parse((await post(v, '42')).text)).toEqual(invalid(null));
    expect(JSON.parse((await post(v, '{"jsonrpc":"2.0","id":7,"method":"getSlot","params":"x"}')).text)).toEqual(invalid(7));
    expect(JSON.parse((await post(v, '{"jsonrpc":"1.0","id":8,"method":"getSlot"}')).text)).toEqual(invalid(8));
    expect(JSON.parse((await post(v, '{"jsonrpc":"2.0","id":{},"method":"getSlot"}')).text)).toEqual(invalid(null));
    expect(JSON.parse((await post(v, '{"jsonrpc":"2.0","id":9,"method":5}')).text)).toEqual(invalid(9));
    await healthy();
  });

  it('answers wrong parameter types with -32602 on every kind of method', async () => {
    const calls: [string, unknown[]][] = [
      ['getAccountInfo', [{}]],
      ['getBalance', [null]],
      ['getMultipleAccounts', ['not a list']],
      ['getProgramAccounts', [SystemProgram.programId.toBase58(), { filters: 'none' }]],
      ['getSignatureStatuses', [[1, 2]]],
      ['getTransaction', [123]],
      ['getBlock', ['slot']],
      ['getBlocks', [-1]],
      ['sendTransaction', [[1, 2, 3]]],
      ['simulateTransaction', ['AAAA', { encoding: 'base64', sigVerify: 'yes' }]],
      ['requestAirdrop', [Keypair.generate().publicKey.toBase58(), 'a lot']],
      ['getFeeForMessage', [{}]],
      ['surfnet_setAccount', [Keypair.generate().publicKey.toBase58(), 'data']],
      ['surfnet_profileTransaction', [42]],
      ['websvm_restore', [{}]],
    ];
    for (const [method, params] of calls) {
      const { error } = await rpc(v.rpcUrl, method, params);
      expect(error?.code, `${method}(${JSON.stringify(params)})`).toBe(-32602);
    }
    await healthy();
  });

  it('refuses a body over the limit and goes on serving', async () => {
    const huge = await post(v, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: ['A'.repeat(200_000)] }));
    expect(huge.status).toBe(413);
    const batch = JSON.stringify(Array.from({ length: 100 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'getSlot' })));
    expect((JSON.parse((await post(v, batch)).text) as unknown[]).length).toBe(100); // under the limit: served
    await healthy();
  });

  it('survives connections dropped mid-body and before the answer', async () => {
    const head = (length: number) => `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    await dropAfter(v, head(1000) + '{"jsonrpc":"2.0",');
    await dropAfter(v, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"jso');
    await dropAfter(v, 'GARBAGE\r\n\r\n');
    const payer = Keypair.generate();
    await rpc(v.rpcUrl, 'requestAirdrop', [payer.publicKey.toBase58(), LAMPORTS_PER_SOL]);
    const { result } = await rpc<{ value: { blockhash: string } }>(v.rpcUrl, 'getLatestBlockhash');
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: result!.value.blockhash }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: LAMPORTS_PER_SOL / 2 }),
    );
    tx.sign(payer);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: [tx.serialize().toString('base64'), { encoding: 'base64' }] });
    await dropAfter(v, head(Buffer.byteLength(body)) + body);
    await healthy();
    // The transaction whose answer nobody read was still processed, once.
    expect((await rpc<{ value: number }>(v.rpcUrl, 'getBalance', [payer.publicKey.toBase58()])).result?.value).toBe(LAMPORTS_PER_SOL / 2 - 5000);
  });

  it('answers bad PubSub messages with errors, closes an oversized one, and outlives dropped subscribers', async () => {
    const socket = await pubsub(v);
    socket.send('{not json');
    expect((await next(socket)).error).toEqual({ code: -32700, message: 'Parse error' });
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'accountSubscribe', params: [42] }));
    expect((await next(socket)).error?.code).toBe(-32602);
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'noSuchSubscribe' }));
    expect((await next(socket)).error).toEqual({ code: -32601, message: 'Method not found' });

    const big = await pubsub(v);
    big.send('x'.repeat(100_000));
    const [code] = (await once(big, 'close')) as [number];
    expect(code).toBe(1009);

    // Subscribers that vanish without unsubscribing, then events they would have heard.
    for (let i = 0; i < 3; i++) {
      const dropped = await pubsub(v);
      dropped.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'logsSubscribe', params: ['all'] }));
      dropped.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'slotSubscribe' }));
      await next(dropped);
      dropped.terminate();
    }
    await rpc(v.rpcUrl, 'requestAirdrop', [Keypair.generate().publicKey.toBase58(), LAMPORTS_PER_SOL]);
    v.advanceSlots(2);
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'slotSubscribe' }));
    expect((await next(socket)).result).toEqual(expect.any(Number));
    socket.close();
    await healthy();
  });
});
