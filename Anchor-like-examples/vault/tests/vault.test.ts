/**
 * vault — Anchor-style tests through `@coral-xyz/anchor`'s `Program` on websvm: PDAs (resolved by
 * Anchor's client from the IDL's seeds), a PDA-owned state account created through CPI, deposits
 * and PDA-signed withdrawals through the System program. Node's own runner runs them from the
 * example's root, as `anchor test` runs a workspace's tests: `node --test`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as anchor from '@coral-xyz/anchor';
import { AnchorError, Program, web3, type AccountClient, type Idl } from '@coral-xyz/anchor';
import { AnchorProgram, FailedTransactionMetadata, SVM, TransactionMetadata, type AnchorIdl } from 'websvm';
import { WebsvmProvider } from 'websvm/anchor';

// @coral-xyz/anchor is a CommonJS package: Node's ES module loader finds its BN only on the default
// export (compiled to CommonJS, as ts-mocha runs tests, the namespace is the module and holds it).
const { BN } = 'BN' in anchor ? anchor : (anchor as unknown as { default: typeof anchor }).default;
const { Keypair, PublicKey, SendTransactionError } = web3;
const idl = JSON.parse(readFileSync('idl/vault.json', 'utf8')) as Idl;
const elf = readFileSync('program/vault.so');

describe('vault', () => {
  const svm = new SVM();
  svm.addProgram(idl.address, elf);
  const provider = new WebsvmProvider(svm); // its wallet is the vault's owner
  const program = new Program(idl, provider);
  // The IDL is read at run time, so its account names are not in the program's type (a project
  // built by `anchor build` has them in target/types and writes `program.account.vaultState`).
  const accounts = program.account as unknown as Record<string, AccountClient>;
  const owner = provider.publicKey;
  const [vaultState] = PublicKey.findProgramAddressSync([Buffer.from('state'), owner.toBuffer()], program.programId);
  const [vault] = PublicKey.findProgramAddressSync([Buffer.from('vault'), vaultState.toBuffer()], program.programId);
  let initializeSignature: string;

  it('initializes the vault state at its PDA', async () => {
    initializeSignature = await program.methods.initialize().accounts({ owner }).rpc(); // vault_state and vault come from the IDL's seeds
    const state = (await accounts.vaultState.fetch(vaultState)) as { owner: web3.PublicKey };
    assert.equal(state.owner.toBase58(), owner.toBase58());
    assert.equal((await accounts.vaultState.all()).length, 1);
  });

  it('deposits and withdraws through the System program', async () => {
    const before = await provider.connection.getBalance(owner);
    await program.methods.deposit(new BN(2_000_000_000)).accounts({ owner, vaultState, vault }).rpc();
    assert.equal(await provider.connection.getBalance(vault), 2_000_000_000);
    await program.methods.withdraw(new BN(500_000_000)).accounts({ owner, vaultState, vault }).rpc();
    assert.equal(await provider.connection.getBalance(vault), 1_500_000_000);
    assert.equal(await provider.connection.getBalance(owner), before - 1_500_000_000 - 10_000); // two fees of 5000
  });

  it('refuses a stranger (Unauthorized, 6000) and a wrong vault (ConstraintSeeds, 2006)', async () => {
    const stranger = Keypair.generate();
    const steal = await program.methods
      .withdraw(new BN(1))
      .accounts({ owner: stranger.publicKey, vaultState, vault })
      .signers([stranger])
      .rpc()
      .catch((e: unknown) => e);
    assert.ok(steal instanceof AnchorError);
    assert.deepEqual(steal.error.errorCode, { code: 'Unauthorized', number: 6000 });
    assert.equal(steal.error.errorMessage, "Only the vault's owner may do this"); // Anchor's parser drops the log line's final period

    const wrongVault = await program.methods
      .deposit(new BN(1))
      .accounts({ owner, vaultState, vault: stranger.publicKey })
      .rpc()
      .catch((e: unknown) => e);
    assert.ok(wrongVault instanceof AnchorError);
    assert.deepEqual(wrongVault.error.errorCode, { code: 'ConstraintSeeds', number: 2006 });
    assert.ok(
      wrongVault.logs.includes(
        'Program log: AnchorError caused by account: vault. Error Code: ConstraintSeeds. Error Number: 2006. Error Message: A seeds constraint was violated.',
      ),
    );
  });

  it('cannot withdraw more than the vault holds', async () => {
    const error = await program.methods
      .withdraw(new BN(9_000_000_000))
      .accounts({ owner, vaultState, vault })
      .rpc()
      .catch((e: unknown) => e);
    assert.ok(error instanceof SendTransactionError); // System's error, which the vault's IDL does not name
    assert.ok(error.logs?.includes('Transfer: insufficient lamports 1500000000, need 9000000000'));
  });

  describe('websvm extras', () => {
    it('keeps every sent transaction: initialize made one inner instruction (CreateAccount, signed by the state PDA)', () => {
      const initialize = svm.getTransaction(initializeSignature);
      assert.ok(initialize instanceof TransactionMetadata);
      assert.equal(initialize.innerInstructions()[0].length, 1);
    });

    it("returns the SVM's own result for a transaction Anchor built, and names its IDL error", async () => {
      const stranger = Keypair.generate();
      svm.airdrop(stranger.publicKey, 1_000_000_000n);
      const tx = await program.methods.withdraw(new BN(1)).accounts({ owner: stranger.publicKey, vaultState, vault }).transaction();
      tx.recentBlockhash = svm.latestBlockhash();
      tx.sign(stranger); // the stranger pays and signs
      const steal = svm.sendTransaction(tx);
      assert.ok(steal instanceof FailedTransactionMetadata);
      assert.equal(steal.err().toString(), 'TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 6000 } }');
      assert.equal(
        new AnchorProgram(idl as unknown as AnchorIdl).describe({ kind: 'Custom', code: 6000 }),
        "Unauthorized (Custom(6000): Only the vault's owner may do this.)",
      );
    });
  });
});
