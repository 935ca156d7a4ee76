/**
 * counter — the tests an Anchor project keeps in `tests/counter.ts`, run through
 * `@coral-xyz/anchor`'s `Program` against the C program built with Anchor's conventions. The
 * program is deployed in websvm's in-process SVM, and a `WebsvmProvider` stands where
 * `AnchorProvider.env()` would. Node's own runner runs them from the example's root, as
 * `anchor test` runs a workspace's tests: `node --test`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as anchor from '@coral-xyz/anchor';
import { AnchorError, Program, web3, type AccountClient, type Idl } from '@coral-xyz/anchor';
import { AnchorProgram, Check, FailedTransactionMetadata, InstructionHarness, SVM, type AnchorIdl } from 'websvm';
import { WebsvmProvider } from 'websvm/anchor';

// @coral-xyz/anchor is a CommonJS package: Node's ES module loader finds its BN only on the default
// export (compiled to CommonJS, as ts-mocha runs tests, the namespace is the module and holds it).
const { BN } = 'BN' in anchor ? anchor : (anchor as unknown as { default: typeof anchor }).default;
const idl = JSON.parse(readFileSync('idl/counter.json', 'utf8')) as Idl;
const elf = readFileSync('program/counter.so');

describe('counter', () => {
  const svm = new SVM();
  svm.addProgram(idl.address, elf);
  const provider = new WebsvmProvider(svm); // its wallet pays, and is the counter's authority
  const program = new Program(idl, provider);
  const counter = web3.Keypair.generate();
  // The IDL is read at run time, so its account names are not in the program's type (a project
  // built by `anchor build` has them in target/types and writes `program.account.counter`).
  const accounts = program.account as unknown as Record<string, AccountClient>;
  const fetchCounter = async () => (await accounts.counter.fetch(counter.publicKey)) as { authority: web3.PublicKey; count: anchor.BN };

  it('initializes the counter', async () => {
    const signature = await program.methods
      .initialize(new BN(41))
      .accounts({ counter: counter.publicKey, authority: provider.publicKey })
      .signers([counter])
      .rpc();
    const tx = await provider.connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    assert.ok(tx?.meta?.logMessages?.includes('Program log: Instruction: Initialize'));
    const state = await fetchCounter();
    assert.deepEqual({ authority: state.authority.toBase58(), count: state.count.toString() }, { authority: provider.publicKey.toBase58(), count: '41' });
    const info = await provider.connection.getAccountInfo(counter.publicKey);
    assert.equal(info?.owner.toBase58(), program.programId.toBase58());
    assert.equal(info?.data.length, 48);
  });

  it('increments and emits Incremented (simulated first, which commits nothing)', async () => {
    const increment = () => program.methods.increment().accounts({ counter: counter.publicKey, authority: provider.publicKey });
    const simulated = await increment().simulate();
    assert.deepEqual(
      simulated.events.map((e) => [e.name, e.data.count.toString()]),
      [['incremented', '42']],
    );
    assert.equal((await fetchCounter()).count.toString(), '41');

    const heard: string[] = [];
    const listener = program.addEventListener('incremented', (event: { count: anchor.BN }) => heard.push(event.count.toString()));
    await increment().rpc();
    await program.removeEventListener(listener);
    assert.deepEqual(heard, ['42']);
    assert.equal((await fetchCounter()).count.toString(), '42');
  });

  it('rejects another authority (ConstraintHasOne, error 2001)', async () => {
    const mallory = web3.Keypair.generate();
    const error = await program.methods
      .increment()
      .accounts({ counter: counter.publicKey, authority: mallory.publicKey })
      .signers([mallory])
      .rpc()
      .catch((e: unknown) => e);
    assert.ok(error instanceof AnchorError);
    assert.deepEqual(error.error.errorCode, { code: 'ConstraintHasOne', number: 2001 });
    assert.ok(
      error.logs.includes(
        'Program log: AnchorError caused by account: counter. Error Code: ConstraintHasOne. Error Number: 2001. Error Message: A has one constraint was violated.',
      ),
    );
    assert.equal((await fetchCounter()).count.toString(), '42');
  });

  it('rejects an increment past u64::MAX (Overflow, 6000)', async () => {
    const full = await program.coder.accounts.encode('counter', { authority: provider.publicKey, count: new BN('18446744073709551615') });
    svm.setAccount(counter.publicKey, { lamports: 10_000_000n, data: full, owner: program.programId, executable: false });
    // The same increment as before needs a new blockhash, or it is refused as already processed (as a cluster refuses it).
    svm.expireBlockhash();
    const error = await program.methods
      .increment()
      .accounts({ counter: counter.publicKey, authority: provider.publicKey })
      .rpc()
      .catch((e: unknown) => e);
    assert.ok(error instanceof AnchorError);
    assert.deepEqual(error.error.errorCode, { code: 'Overflow', number: 6000 });
    assert.equal(error.error.errorMessage, 'Counter overflow');
  });

  describe('websvm extras', () => {
    // websvm's own reader of the same IDL names its errors in the SVM's results and in instruction-level checks.
    const idlProgram = new AnchorProgram(idl as unknown as AnchorIdl);

    it("names IDL and framework errors in the SVM's own results (useIdl, describeError)", async () => {
      const mallory = web3.Keypair.generate();
      svm.airdrop(mallory.publicKey, 1_000_000_000n);
      const tx = await program.methods.increment().accounts({ counter: counter.publicKey, authority: mallory.publicKey }).transaction();
      tx.recentBlockhash = svm.latestBlockhash();
      tx.sign(mallory); // mallory pays and signs
      const failed = svm.sendTransaction(tx);
      assert.ok(failed instanceof FailedTransactionMetadata);
      assert.equal(failed.err().toString(), 'TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 2001 } }');
      svm.useIdl(idlProgram);
      assert.equal(failed.describeError(), `InstructionError(0, Custom(2001)): ConstraintHasOne (Custom(2001)) (program ${idlProgram.programId})`);
      assert.equal(idlProgram.describe({ kind: 'Custom', code: 2001 }), 'ConstraintHasOne (Custom(2001))');
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
      assert.throws(() => harness.processAndValidate(increment, accounts, [Check.success()]), {
        message: /result: expected success, got Overflow \(Custom\(6000\): Counter overflow\) \(custom program error: 0x1770\)/,
      });
    });
  });
});
