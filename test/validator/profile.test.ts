/** `surfnet_profileTransaction`: a transaction's compute units, logs and account changes, whole and per instruction, with nothing committed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from '@solana/web3.js';
import { startValidator, type Validator } from '../../src/validator/index.js';
import { rpc } from './rpc-call.js';

type AccountState = { type: 'readonly' } | { type: 'writable'; accountChange: { type: string; data: unknown } };
interface UiProfile {
  accountStates: Record<string, AccountState>;
  computeUnitsConsumed: number;
  logMessages: string[];
  errorMessage: string | null;
}
interface KeyedProfile {
  slot: number;
  key: string;
  instructionProfiles?: UiProfile[];
  transactionProfile: UiProfile;
  readonlyAccountStates: Record<string, { lamports: number; owner: string }>;
}

const SYSTEM = SystemProgram.programId.toBase58();
const lamportsOf = (change: unknown) => (change as { lamports: number }).lamports;

describe('surfnet_profileTransaction', () => {
  let v: Validator;
  let connection: Connection;
  const payer = Keypair.generate();
  const first = Keypair.generate().publicKey;
  const second = Keypair.generate().publicKey;

  beforeAll(async () => {
    v = await startValidator({ slotTime: 'transaction' });
    connection = new Connection(v.rpcUrl, 'confirmed');
    await connection.confirmTransaction({
      signature: await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    });
  });
  afterAll(() => v.close());

  async function signed(...lamports: number[]): Promise<string> {
    const tx = new Transaction().add(
      ...lamports.map((amount, i) => SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: i === 0 ? first : second, lamports: amount })),
    );
    tx.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
    tx.feePayer = payer.publicKey;
    tx.sign(payer);
    return tx.serialize().toString('base64');
  }

  it('profiles the whole transaction and each instruction, committing nothing', async () => {
    const wire = await signed(1_000_000, 2_000_000);
    const simulated = await connection.simulateTransaction(Transaction.from(Buffer.from(wire, 'base64')));
    const { result, error } = await rpc<{ context: { slot: number }; value: KeyedProfile }>(v.rpcUrl, 'surfnet_profileTransaction', [wire, 'transfers']);
    expect(error).toBeUndefined();
    const profile = result!.value;
    expect(profile.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(profile.slot).toBe(await connection.getSlot());

    const whole = profile.transactionProfile;
    expect(whole.computeUnitsConsumed).toBe(simulated.value.unitsConsumed);
    expect(whole.logMessages).toEqual(simulated.value.logs);
    expect(whole.errorMessage).toBeNull();
    expect(whole.accountStates[SYSTEM]).toEqual({ type: 'readonly' });
    expect(whole.accountStates[first.toBase58()]).toMatchObject({ type: 'writable', accountChange: { type: 'create' } });
    const payerChange = whole.accountStates[payer.publicKey.toBase58()] as { accountChange: { type: string; data: unknown[] } };
    expect(payerChange.accountChange.type).toBe('update');
    expect(lamportsOf(payerChange.accountChange.data[0]) - lamportsOf(payerChange.accountChange.data[1])).toBe(3_000_000 + 5000);
    expect(Object.keys(profile.readonlyAccountStates)).toEqual([SYSTEM]);

    const [one, two] = profile.instructionProfiles!;
    expect(profile.instructionProfiles).toHaveLength(2);
    expect(one.computeUnitsConsumed + two.computeUnitsConsumed).toBe(whole.computeUnitsConsumed);
    expect([...one.logMessages, ...two.logMessages]).toEqual(whole.logMessages);
    // Each instruction shows only the accounts it names, as the instruction before left them.
    expect(Object.keys(one.accountStates).sort()).toEqual([payer.publicKey.toBase58(), first.toBase58(), SYSTEM].sort());
    expect(Object.keys(two.accountStates).sort()).toEqual([payer.publicKey.toBase58(), second.toBase58(), SYSTEM].sort());
    const payerBy = (p: UiProfile) => (p.accountStates[payer.publicKey.toBase58()] as { accountChange: { data: unknown[] } }).accountChange.data;
    expect(lamportsOf(payerBy(two)[0])).toBe(lamportsOf(payerBy(one)[1]));
    expect(lamportsOf(payerBy(two)[0]) - lamportsOf(payerBy(two)[1])).toBe(2_000_000);

    expect(await connection.getBalance(first)).toBe(0);
    expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL);
  });

  it('takes depth and encoding, and reports a failing instruction', async () => {
    const wire = await signed(1_000_000, 10 * LAMPORTS_PER_SOL);
    const { result } = await rpc<{ value: KeyedProfile }>(v.rpcUrl, 'surfnet_profileTransaction', [wire, null, { depth: 'transaction', encoding: 'base64' }]);
    const profile = result!.value;
    expect(profile.instructionProfiles).toBeUndefined();
    expect(profile.transactionProfile.errorMessage).toBe('Error processing Instruction 1: custom program error: 0x1');
    expect(profile.transactionProfile.logMessages.at(-1)).toBe('Program 11111111111111111111111111111111 failed: custom program error: 0x1');
    expect(profile.readonlyAccountStates[SYSTEM]).toMatchObject({ executable: true, data: [expect.any(String), 'base64'] });

    const perInstruction = (await rpc<{ value: KeyedProfile }>(v.rpcUrl, 'surfnet_profileTransaction', [wire])).result!.value.instructionProfiles!;
    expect(perInstruction.map((p) => p.errorMessage)).toEqual([null, 'Error processing Instruction 1: custom program error: 0x1']);

    expect((await rpc(v.rpcUrl, 'surfnet_profileTransaction', ['not base64!'])).error?.code).toBe(-32602);
    expect((await rpc(v.rpcUrl, 'surfnet_profileTransaction', [wire, null, { depth: 'deep' }])).error?.code).toBe(-32602);
  });
});
