/**
 * Saved state against LiteSVM's: both sides build the same state, save it and load it (websvm in its
 * own format, LiteSVM in its own), and must then give identical results for the same transactions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateKeyPairSigner,
  getAddressEncoder,
  getProgramDerivedAddress,
  getSignatureFromTransaction,
  lamports,
  type Address,
  type Instruction,
  type Transaction,
} from '@solana/kit';
import { ComputeBudget, LiteSVM, TransactionMetadata as TheirMetadata } from 'litesvm';
import { FeatureSet, SVM, TransactionMetadata } from '../../src/index.js';
import { Dual, deployBoth, meta, setBoth, systemTransfer, toggled } from '../helpers/dual.js';
import { BUNDLED } from '../helpers/bundled-programs.js';
import { bytes, programElf, splMintData, splTokenAccountData, u32, u64 } from '../helpers/encoding.js';

const TOKEN = BUNDLED.splToken as Address;
const LOADER = 'BPFLoaderUpgradeab1e11111111111111111111111' as Address;

/** SPL Token Transfer of `amount` from `source` to `destination`, signed by their owner. */
const tokenTransfer = (d: Dual, source: Address, destination: Address, amount: bigint): Instruction => ({
  programAddress: TOKEN,
  accounts: [meta(source, true), meta(destination, true), meta(d.payer.address, false, d.payer)],
  data: bytes(3, u64(amount)),
});

/** Both sides' state saved and loaded twice: through bytes, then through a file. */
function saveAndLoad(d: Dual): void {
  d.reload(
    (ours) => SVM.fromBytes(ours.toBytes()),
    (theirs) => LiteSVM.fromBytes(theirs.toBytes()),
  );
  const dir = mkdtempSync(join(tmpdir(), 'websvm-state-'));
  d.reload(
    (ours) => {
      ours.saveToFile(join(dir, 'ours.bin'));
      return SVM.loadFromFile(join(dir, 'ours.bin'));
    },
    (theirs) => {
      theirs.saveToFile(join(dir, 'theirs.bin'));
      return LiteSVM.loadFromFile(join(dir, 'theirs.bin'));
    },
  );
}

describe('saved state: websvm vs LiteSVM', () => {
  it('after saving and loading, the same transactions give the same results', async () => {
    const d = await Dual.create();
    const other = (await generateKeyPairSigner()).address;

    // Settings: a deactivated feature, a fixed budget with a re-priced syscall, a log limit, a small history.
    const [ourFeatures, theirFeatures] = toggled(FeatureSet.ids.depleteCuMeterOnVmFailure, false);
    d.ours.withFeatureSet(ourFeatures);
    d.theirs.withFeatureSet(theirFeatures);
    const budget = new ComputeBudget();
    budget.computeUnitLimit = 300_000n;
    budget.log64Units = 250n;
    d.ours.withComputeBudget(budget);
    d.theirs.withComputeBudget(budget);
    d.ours.withLogBytesLimit(400);
    d.theirs.withLogBytesLimit(400n);
    for (const capacity of [0, 4]) {
      d.ours.withTransactionHistory(capacity);
      d.theirs.withTransactionHistory(BigInt(capacity));
    }
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();

    // Programs, SPL Token accounts, and transactions (one failing).
    const logging = await deployBoth(d, programElf('logging'));
    const sysinfo = await deployBoth(d, programElf('sysinfo'));
    const faults = await deployBoth(d, programElf('faults'));
    const [mint, alice, bob] = await Promise.all([0, 1, 2].map(async () => (await generateKeyPairSigner()).address));
    setBoth(d, mint, { lamports: 1_461_600n, data: splMintData(d.payer.address, 1_000n), owner: TOKEN });
    setBoth(d, alice, { lamports: 2_039_280n, data: splTokenAccountData(mint, d.payer.address, 1_000n), owner: TOKEN });
    setBoth(d, bob, { lamports: 2_039_280n, data: splTokenAccountData(mint, d.payer.address, 0n), owner: TOKEN });
    const sent: Transaction[] = [];
    const send = async (instructions: Instruction[]) => {
      const tx = await d.transaction(instructions);
      const r = d.send(tx);
      expect(r.ours).toEqual(r.theirs);
      sent.push(tx);
      return r.ours;
    };
    const logsCall = { programAddress: logging, accounts: [], data: bytes(1, 2, 3) };
    const clockCall = { programAddress: sysinfo, accounts: [], data: bytes(0) };
    await send([tokenTransfer(d, alice, bob, 100n)]);
    expect((await send([tokenTransfer(d, alice, bob, 5_000n)])).error).toBe('InstructionError(0, Custom(1))');
    await send([logsCall]);
    d.ours.warpToSlot(1_000_000_000n);
    d.theirs.warpToSlot(1_000_000_000n);
    await send([clockCall]);
    for (let i = 0n; i < 8n; i++) await send([systemTransfer(d.payer, other, 1_000_000n + i)]);

    saveAndLoad(d);

    expect(d.ours.latestBlockhash()).toBe(d.theirs.latestBlockhash());
    expect(String(d.ours.getClock())).toBe(String(d.theirs.getClock()));
    const held = (svm: { getTransaction(s: ReturnType<typeof getSignatureFromTransaction>): object | null }) =>
      sent.map((tx) => String(svm.getTransaction(getSignatureFromTransaction(tx))));
    expect(held(d.ours)).toEqual(held(d.theirs));
    expect(held(d.ours).filter((t) => t === 'null').length).toBeGreaterThan(0); // the history evicted some

    // Re-sent: the newest is still held (AlreadyProcessed), the oldest was evicted and runs again.
    const resend = (tx: Transaction) => {
      const r = d.send(tx);
      expect(r.ours).toEqual(r.theirs);
      return r.ours;
    };
    expect(resend(sent[sent.length - 1]).error).toBe('AlreadyProcessed');
    expect(resend(sent[0]).error).toBeUndefined();

    // New transactions see the same programs, accounts, clock, budget, features and limits.
    await d.expectSame([tokenTransfer(d, alice, bob, 250n)], [alice, bob, mint]);
    expect((await d.expectSame([tokenTransfer(d, bob, alice, 10_000n)])).error).toBe('InstructionError(0, Custom(1))');
    expect((await d.expectSame([logsCall])).logs).toContain('Log truncated');
    await d.expectSame([clockCall]);
    const fault = await d.expectSame([{ programAddress: faults, accounts: [], data: bytes(0) }]);
    expect(fault.computeUnits).toBeLessThan(300_000n); // the deactivated gate would take the whole budget
    await d.expectSame([systemTransfer(d.payer, other, 7n), logsCall, clockCall]);
    const [ourDrop, theirDrop] = [d.ours.airdrop(other, lamports(5_000_000n)), d.theirs.airdrop(other, lamports(5_000_000n))];
    if (!(ourDrop instanceof TransactionMetadata) || !(theirDrop instanceof TheirMetadata)) throw new Error('an airdrop failed');
    expect(String(ourDrop.logs())).toBe(String(theirDrop.logs()));
    expect(d.ours.getBalance(other)).toBe(d.theirs.getBalance(other));
    expect(held(d.ours)).toEqual(held(d.theirs));
  });

  it('a program closed by its loader stays closed after loading', async () => {
    const d = await Dual.create();
    const program = await deployBoth(d, programElf('logging'));
    const [programData] = await getProgramDerivedAddress({ programAddress: LOADER, seeds: [getAddressEncoder().encode(program)] });
    // Give the ProgramData an upgrade authority (the payer), so that it can be closed.
    const deployed = d.ours.getAccount(programData);
    if (!deployed.exists) throw new Error('no ProgramData');
    const data = deployed.data.slice();
    data[12] = 1;
    data.set(getAddressEncoder().encode(d.payer.address), 13);
    setBoth(d, programData, { lamports: deployed.lamports, data, owner: LOADER });
    for (const svm of [d.ours, d.theirs]) svm.warpToSlot(svm.getClock().slot + 1n);
    const close = await d.expectSame([
      {
        programAddress: LOADER,
        accounts: [meta(programData, true), meta(d.payer.address, true), meta(d.payer.address, false, d.payer), meta(program, true)],
        data: u32(5),
      },
    ]);
    expect(close.error).toBeUndefined();
    saveAndLoad(d);
    expect((await d.expectSame([{ programAddress: program, accounts: [], data: new Uint8Array(0) }])).error).toBeDefined();
  });

  it('a new simulator, its default programs not yet read, loads with the accounts LiteSVM has', () => {
    const theirs = LiteSVM.fromBytes(new LiteSVM().toBytes());
    const saved = new SVM().toBytes();
    const ours = SVM.fromBytes(saved);
    expect(Buffer.from(ours.toBytes()).equals(saved)).toBe(true); // loading and saving again changes nothing
    const programData = ours.getProgramAccounts(LOADER).map((a) => a.address);
    for (const address of [...Object.values(BUNDLED), ...programData] as Address[]) {
      const shown = (a: ReturnType<SVM['getAccount']>) => (a.exists ? { ...a, data: Buffer.from(a.data).toString('hex') } : a);
      expect(shown(ours.getAccount(address)), address).toEqual(shown(theirs.getAccount(address) as ReturnType<SVM['getAccount']>));
    }
  });
});
