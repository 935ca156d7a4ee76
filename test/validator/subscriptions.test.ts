/** logs, program, slot and root subscriptions through @solana/web3.js `Connection` and @solana/kit. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction, sendAndConfirmTransaction, type Logs, type SlotInfo } from '@solana/web3.js';
import { address, createSolanaRpcSubscriptions } from '@solana/kit';
import { startValidator, type Validator } from '../../src/validator/index.js';

describe('validator subscriptions', () => {
  let v: Validator;
  let connection: Connection;
  const payer = Keypair.generate();

  beforeAll(async () => {
    v = await startValidator({ slotTime: 'manual' });
    connection = new Connection(v.rpcUrl, 'confirmed');
    await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL);
  });
  afterAll(() => v.close());

  /** web3.js subscribes in the background, with no promise to wait on: give it a moment. */
  const subscribed = () => new Promise((resolve) => setTimeout(resolve, 300));

  const transfer = (to = Keypair.generate().publicKey, lamports = LAMPORTS_PER_SOL) =>
    sendAndConfirmTransaction(connection, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports })), [payer]);

  it('notifies logs (all and mentions) and program accounts through web3.js', async () => {
    const all: Logs[] = [];
    const mentioning: Logs[] = [];
    const programChanges: string[] = [];
    const receiver = Keypair.generate().publicKey;
    const ids = [
      connection.onLogs('all', (l) => all.push(l)),
      connection.onLogs(receiver, (l) => mentioning.push(l)),
      connection.onProgramAccountChange(SystemProgram.programId, (a) => programChanges.push(a.accountId.toBase58()), { filters: [{ dataSize: 0 }] }),
    ];
    await subscribed();
    const other = await transfer();
    const mine = await transfer(receiver);
    await vi.waitFor(() => expect(mentioning).toHaveLength(1));
    await vi.waitFor(() => expect(all.map((l) => l.signature)).toEqual([other, mine]));
    expect(mentioning[0]).toMatchObject({
      signature: mine,
      err: null,
      logs: ['Program 11111111111111111111111111111111 invoke [1]', 'Program 11111111111111111111111111111111 success'],
    });
    await vi.waitFor(() => expect(programChanges).toContain(receiver.toBase58()));
    expect(programChanges).toContain(payer.publicKey.toBase58());
    await Promise.all(ids.map((id, i) => (i < 2 ? connection.removeOnLogsListener(id) : connection.removeProgramAccountChangeListener(id))));
  });

  it('notifies slots and roots as blocks end (manual slots)', async () => {
    const slots: SlotInfo[] = [];
    const roots: number[] = [];
    const slotId = connection.onSlotChange((s) => slots.push(s));
    const rootId = connection.onRootChange((r) => roots.push(r));
    await subscribed();
    const before = await connection.getSlot();
    v.advanceSlots(2);
    await vi.waitFor(() => expect(slots).toHaveLength(2));
    expect(slots).toEqual([
      { slot: before + 1, parent: before, root: before },
      { slot: before + 2, parent: before + 1, root: before + 1 },
    ]);
    expect(roots).toEqual([before, before + 1]);
    expect(await connection.getSlot()).toBe(before + 2);
    await connection.removeSlotChangeListener(slotId);
    await connection.removeRootChangeListener(rootId);
  });

  it('keeps transactions in the open slot until it is advanced (manual slots)', async () => {
    const slot = await connection.getSlot();
    const signature = await transfer();
    expect(await connection.getSlot()).toBe(slot);
    expect((await connection.getSignatureStatuses([signature])).value[0]?.slot).toBe(slot);
    v.advanceSlots();
    expect((await connection.getBlock(slot, { maxSupportedTransactionVersion: 0 }))?.transactions.map((t) => t.transaction.signatures[0])).toEqual([signature]);
  });

  it('notifies logs, slots and blocks through kit, and refuses bad filters', async () => {
    const subscriptions = createSolanaRpcSubscriptions(v.wsUrl);
    const abort = new AbortController();
    try {
      const receiver = Keypair.generate().publicKey;
      const logs = (await subscriptions.logsNotifications({ mentions: [address(receiver.toBase58())] }).subscribe({ abortSignal: abort.signal }))[
        Symbol.asyncIterator
      ]();
      const slots = (await subscriptions.slotNotifications().subscribe({ abortSignal: abort.signal }))[Symbol.asyncIterator]();
      const nextLog = logs.next();
      const nextSlot = slots.next();
      const signature = await transfer(receiver);
      expect((await nextLog).value?.value).toMatchObject({ signature, err: null });
      v.advanceSlots();
      expect((await nextSlot).value).toMatchObject({ parent: expect.any(BigInt), slot: expect.any(BigInt) });
    } finally {
      abort.abort();
    }

    const socket = new WebSocket(v.wsUrl);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON messages the assertions read field by field
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve) => socket.on('open', resolve));
    try {
      const send = (id: number, method: string, params: unknown[]) => socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      send(1, 'logsSubscribe', [{ mentions: [payer.publicKey.toBase58(), payer.publicKey.toBase58()] }]);
      send(2, 'blockSubscribe', ['all', { transactionDetails: 'signatures', maxSupportedTransactionVersion: 0 }]);
      await vi.waitFor(() => expect(messages).toHaveLength(2));
      expect(messages[0].error).toEqual({ code: -32602, message: 'Invalid Request: Only 1 address supported' });
      const signature = await transfer();
      v.advanceSlots();
      await vi.waitFor(() => expect(messages.some((m) => m.method === 'blockNotification')).toBe(true));
      const block = messages.find((m) => m.method === 'blockNotification').params.result.value;
      expect(block).toMatchObject({ err: null, block: { signatures: [signature] } });
    } finally {
      socket.close();
    }
  });
});
