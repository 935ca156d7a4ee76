/**
 * `String(x)` of every result, error and value class against LiteSVM's: each kind of outcome
 * (success with inner instructions and return data, instruction errors, rent, fee-payer, blockhash,
 * replay and loading failures, duplicate instructions, simulations), logs that need Rust's string
 * escapes, the sysvar classes and the compute budget. Every differential suite also compares the
 * texts of each transaction it sends (test/helpers/dual.ts).
 */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, type Instruction } from '@solana/kit';
import {
  LiteSVM,
  Clock as TheirClock,
  ComputeBudget as TheirBudget,
  Rent as TheirRent,
  SlotHistory as TheirSlotHistory,
  StakeHistory as TheirStakeHistory,
  StakeHistoryEntry as TheirEntry,
  TransactionMetadata as TheirMetadata,
} from 'litesvm';
import { assembleToElf, Clock, ComputeBudget, Rent, SlotHistory, StakeHistory, StakeHistoryEntry, SVM, TransactionMetadata } from '../../src/index.js';
import { deployBoth, Dual, meta, setBoth, systemTransfer } from '../helpers/dual.js';
import { bytes, programElf, SYSTEM_PROGRAM } from '../helpers/encoding.js';

const MEMO = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';
const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111';
const memo = (text: string): Instruction => ({ programAddress: MEMO as never, accounts: [], data: new TextEncoder().encode(text) });

describe('String() of results and errors: websvm vs LiteSVM', () => {
  it('for every kind of outcome', async () => {
    const d = await Dual.create();
    const texts = async (instructions: Instruction[]) => {
      const r = d.send(await d.transaction(instructions));
      expect(r.ours.text).toEqual(r.theirs.text);
      return r.ours;
    };
    const cpi = await deployBoth(d, programElf('cpi'));
    const callee = await deployBoth(d, programElf('cpi_callee'));
    const other = (await generateKeyPairSigner()).address;

    // Success: CPIs at two depths, return data, and logs needing escapes.
    await texts([
      { programAddress: cpi, accounts: [meta(callee, false)], data: bytes(1, 7, 8) },
      { programAddress: cpi, accounts: [meta(cpi, false)], data: bytes(3, 2) },
    ]);
    const logger = await deployBoth(d, assembleToElf('ldxdw r2, [r1+8]\nadd64 r1, 16\nsyscall sol_log_\nmov64 r0, 0\nexit', { sbpfVersion: 0 }));
    const logged = '"quote" \\ tab\t nl\n cr\r nul\0 \x01 \x1b \x7f é ☃ 😀 zwj\u200d e\u0301 nbsp\u00a0 ls\u2028 bom\ufeff';
    const escaped = await texts([{ programAddress: logger, accounts: [], data: new TextEncoder().encode(logged) }, memo('memo "quoted" \\ é')]);
    expect(escaped.text.result).toContain(
      '\\"quote\\" \\\\ tab\\t nl\\n cr\\r nul\\0 \\u{1} \\u{1b} \\u{7f} é ☃ 😀 zwj\\u{200d} e\\u{301} nbsp\\u{a0} ls\\u{2028} bom\\u{feff}',
    );
    // Instruction errors: a custom code, a field-less error, a failure after earlier instructions.
    expect((await texts([systemTransfer(d.payer, other, 1n << 60n)])).error).toBe('InstructionError(0, Custom(1))');
    expect((await texts([memo('ok'), { programAddress: SYSTEM_PROGRAM, accounts: [], data: bytes(9, 9, 9, 9) }, memo('never')])).error).toBe(
      'InstructionError(1, InvalidInstructionData)',
    );
    expect((await texts([{ programAddress: cpi, accounts: [meta(callee, false)], data: bytes(7) }, memo('never')])).error).toBe(
      'InstructionError(0, Custom(42))',
    );
    // Transaction errors: rent, duplicate budget instructions, a missing program, a missing fee payer.
    expect((await texts([systemTransfer(d.payer, other, 1n)])).error).toBe('InsufficientFundsForRent { account_index: 1 }');
    const limit = { programAddress: COMPUTE_BUDGET as never, accounts: [], data: bytes(2, 0, 0, 1, 0) };
    expect((await texts([limit, limit])).error).toBe('DuplicateInstruction(1)');
    expect((await texts([{ programAddress: other, accounts: [], data: new Uint8Array(1) }])).error).toBe('InvalidProgramForExecution');
    const broke = await generateKeyPairSigner();
    const payer = d.payer;
    d.payer = broke;
    expect((await texts([systemTransfer(payer, other, 1_000_000_000n)])).error).toBe('AccountNotFound');
    setBoth(d, broke.address, { lamports: 1000n, owner: SYSTEM_PROGRAM });
    expect((await texts([memo('poor')])).error).toBe('InsufficientFundsForFee');
    d.payer = payer;
    // Replayed and expired transactions.
    const tx = await d.transaction([memo('once')]);
    d.send(tx);
    const replay = d.send(tx);
    expect([replay.ours.error, replay.ours.text]).toEqual([replay.theirs.error, replay.theirs.text]);
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    const expired = d.send(tx);
    expect([expired.ours.error, expired.ours.text]).toEqual(['BlockhashNotFound', expired.theirs.text]);
  });

  it('for simulations, inner instructions and return data', async () => {
    const d = await Dual.create();
    const cpi = await deployBoth(d, programElf('cpi'));
    const callee = await deployBoth(d, programElf('cpi_callee'));
    const tx = await d.transaction([{ programAddress: cpi, accounts: [meta(callee, false)], data: bytes(1, 9, 8, 7) }]);
    const [ours, theirs] = [d.ours.simulateTransaction(tx), d.theirs.simulateTransaction(tx)];
    expect(String(ours)).toBe(String(theirs));
    const [om, tm] = [(ours as { meta(): { toString(): string } }).meta(), (theirs as { meta(): { toString(): string } }).meta()];
    expect(String(om)).toBe(String(tm));
    type Posted = { postAccounts(): { address: string; lamports: bigint; programAddress: string; executable: boolean; data: Uint8Array }[] };
    const posted = (info: unknown) =>
      (info as Posted).postAccounts().map((a) => ({
        address: a.address,
        lamports: a.lamports,
        owner: a.programAddress,
        executable: a.executable,
        data: Buffer.from(a.data).toString('hex'),
      }));
    expect(posted(ours)).toEqual(posted(theirs));
    const [o, t] = [d.ours.sendTransaction(tx), d.theirs.sendTransaction(tx)];
    if (!(o instanceof TransactionMetadata) || !(t instanceof TheirMetadata)) throw new Error(`expected successes: ${String(o)}`);
    expect(String(o.returnData())).toBe(String(t.returnData()));
    const [oi, ti] = [o.innerInstructions()[0][0], t.innerInstructions()[0][0]];
    expect([String(oi), String(oi.instruction())]).toEqual([String(ti), String(ti.instruction())]);
  });
});

describe('String() of sysvar and budget values: websvm vs LiteSVM', () => {
  it('as a new SVM holds them', () => {
    const [ours, theirs] = [new SVM(), new LiteSVM()];
    for (const get of ['getClock', 'getRent', 'getEpochSchedule', 'getEpochRewards', 'getStakeHistory', 'getLastRestartSlot'] as const) {
      expect(String(ours[get]()), get).toBe(String((theirs[get] as () => unknown).call(theirs)));
    }
    expect(String(ours.getSlotHashes()[0])).toBe(String(theirs.getSlotHashes()[0]));
    const [oh, th] = [ours.getSlotHistory(), theirs.getSlotHistory()];
    expect(String(oh)).toBe(String(th));
    oh.add(5000n);
    th.add(5000n);
    expect(String(oh)).toBe(String(th));
  });

  it('as built by hand', () => {
    expect(String(new Clock(1n, -5n, 2n, 3n, -7n))).toBe(String(new TheirClock(1n, -5n, 2n, 3n, -7n)));
    for (const [rate, threshold, burn] of [
      [3480n, 2, 50],
      [1n, 0.1, 100],
      [0n, 1e300, 0],
    ] as const) {
      expect(String(new Rent(rate, threshold, burn))).toBe(String(new TheirRent(rate, threshold, burn)));
    }
    expect(String(new StakeHistoryEntry(1n, 2n, 3n))).toBe(String(new TheirEntry(1n, 2n, 3n)));
    expect(String(new StakeHistory())).toBe(String(new TheirStakeHistory()));
    expect(String(SlotHistory.default())).toBe(String(TheirSlotHistory.default()));
    expect(String(new ComputeBudget())).toBe(String(new TheirBudget()));
  });
});
