/**
 * counter — the tests an Anchor project keeps in `tests/counter.ts`, run through
 * `@coral-xyz/anchor`'s `Program` against the C program built with Anchor's conventions. The
 * program is deployed in websvm's in-process SVM, and a `WebsvmProvider` stands where
 * `AnchorProvider.env()` would.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnchorError, BN, Program, type AccountClient, type Idl } from '@coral-xyz/anchor';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { AnchorProgram, Check, FailedTransactionMetadata, InstructionHarness, SVM, type AnchorIdl } from 'websvm';
import { WebsvmProvider } from 'websvm/anchor';

const idl = JSON.parse(readFileSync(new URL('../idl/counter.json', import.meta.url), 'utf8')) as Idl;
const elf = readFileSync(new URL('../program/counter.so', import.meta.url));

describe('counter', () => {
  const svm = new SVM();
  svm.addProgram(idl.address, elf);
  const provider = new WebsvmProvider(svm); // its wallet pays, and is the counter's authority
  const program = new Program(idl, provider);
  const counter = Keypair.generate();
  // The IDL is read at run time, so its account names are not in the program's type (a project
  // built by `anchor build` has them in target/types and writes `program.account.counter`).
  const accounts = program.account as unknown as Record<string, AccountClient>;
  const fetchCounter = async () => (await accounts.counter.fetch(counter.publicKey)) as { authority: PublicKey; count: BN };

  it('initializes the counter', async () => {
    const signature = await program.methods
      .initialize(new BN(41))
      .accounts({ counter: counter.publicKey, authority: provider.publicKey })
      .signers([counter])
      .rpc();
    const tx = await provider.connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.logMessages).toContain('Program log: Instruction: Initialize');
    const state = await fetchCounter();
    expect({ authority: state.authority.toBase58(), count: state.count.toString() }).toEqual({ authority: provider.publicKey.toBase58(), count: '41' });
    const info = await provider.connection.getAccountInfo(counter.publicKey);
    expect(info?.owner.toBase58()).toBe(program.programId.toBase58());
    expect(info?.data.length).toBe(48);
  });

  it('increments and emits Incremented (simulated first, which commits nothing)', async () => {
    const increment = () => program.methods.increment().accounts({ counter: counter.publicKey, authority: provider.publicKey });
    const simulated = await increment().simulate();
    expect(simulated.events.map((e) => [e.name, e.data.count.toString()])).toEqual([['incremented', '42']]);
    expect((await fetchCounter()).count.toString()).toBe('41');

    const heard: string[] = [];
    const listener = program.addEventListener('incremented', (event: { count: BN }) => heard.push(event.count.toString()));
    await increment().rpc();
    await program.removeEventListener(listener);
    expect(heard).toEqual(['42']);
    expect((await fetchCounter()).count.toString()).toBe('42');
  });

  it('rejects another authority (ConstraintHasOne, error 2001)', async () => {
    const mallory = Keypair.generate();
    const error = (await program.methods
      .increment()
      .accounts({ counter: counter.publicKey, authority: mallory.publicKey })
      .signers([mallory])
      .rpc()
      .catch((e: unknown) => e)) as AnchorError;
    expect(error).toBeInstanceOf(AnchorError);
    expect(error.error.errorCode).toEqual({ code: 'ConstraintHasOne', number: 2001 });
    expect(error.logs).toContain(
      'Program log: AnchorError caused by account: counter. Error Code: ConstraintHasOne. Error Number: 2001. Error Message: A has one constraint was violated.',
    );
    expect((await fetchCounter()).count.toString()).toBe('42');
  });

  it('rejects an increment past u64::MAX (Overflow, 6000)', async () => {
    const full = await program.coder.accounts.encode('counter', { authority: provider.publicKey, count: new BN('18446744073709551615') });
    svm.setAccount(counter.publicKey, { lamports: 10_000_000n, data: full, owner: program.programId, executable: false });
    // The same increment as before needs a new blockhash, or it is refused as already processed (as a cluster refuses it).
    svm.expireBlockhash();
    const error = (await program.methods
      .increment()
      .accounts({ counter: counter.publicKey, authority: provider.publicKey })
      .rpc()
      .catch((e: unknown) => e)) as AnchorError;
    expect(error).toBeInstanceOf(AnchorError);
    expect(error.error.errorCode).toEqual({ code: 'Overflow', number: 6000 });
    expect(error.error.errorMessage).toBe('Counter overflow');
  });

  describe('websvm extras', () => {
    // websvm's own reader of the same IDL names its errors in the SVM's results and in instruction-level checks.
    const idlProgram = new AnchorProgram(idl as unknown as AnchorIdl);

    it("names IDL and framework errors in the SVM's own results (useIdl, describeError)", async () => {
      const mallory = Keypair.generate();
      svm.airdrop(mallory.publicKey, 1_000_000_000n);
      const tx = await program.methods.increment().accounts({ counter: counter.publicKey, authority: mallory.publicKey }).transaction();
      tx.recentBlockhash = svm.latestBlockhash();
      tx.sign(mallory); // mallory pays and signs
      const failed = svm.sendTransaction(tx) as FailedTransactionMetadata;
      expect(failed).toBeInstanceOf(FailedTransactionMetadata);
      expect(failed.err().toString()).toBe('TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 2001 } }');
      svm.useIdl(idlProgram);
      expect(failed.describeError()).toBe(`InstructionError(0, Custom(2001)): ConstraintHasOne (Custom(2001)) (program ${idlProgram.programId})`);
      expect(idlProgram.describe({ kind: 'Custom', code: 2001 })).toBe('ConstraintHasOne (Custom(2001))');
    });

    it('names IDL errors in instruction-level checks (Overflow, 6000)', () => {
      const [counterAddress, authority] = [counter.publicKey.toBase58(), provider.publicKey.toBase58()];
      const harness = new InstructionHarness().addProgram(idlProgram.programId, elf).useIdl(idlProgram);
      const full = idlProgram.encodeAccount('Counter', { authority, count: 0xffff_ffff_ffff_ffffn });
      const accounts: [string, { lamports: bigint; data: Uint8Array; programAddress: string }][] = [
        [counterAddress, { lamports: 1_000_000_000n, data: full, programAddress: idlProgram.programId }],
        [authority, { lamports: 1_000_000_000n, data: new Uint8Array(0), programAddress: '11111111111111111111111111111111' }],
      ];
      const increment = idlProgram.instruction('increment', {}, { counter: counterAddress, authority });
      harness.processAndValidate(increment, accounts, [idlProgram.errorCheck('Overflow')]);
      expect(() => harness.processAndValidate(increment, accounts, [Check.success()])).toThrow(
        'result: expected success, got Overflow (Custom(6000): Counter overflow) (custom program error: 0x1770)',
      );
    });
  });
});
