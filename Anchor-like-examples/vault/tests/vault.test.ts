/**
 * vault — Anchor-style tests through `@coral-xyz/anchor`'s `Program` on websvm: PDAs (resolved by
 * Anchor's client from the IDL's seeds), a PDA-owned state account created through CPI, deposits
 * and PDA-signed withdrawals through the System program.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnchorError, BN, Program, type AccountClient, type Idl } from '@coral-xyz/anchor';
import { Keypair, PublicKey, SendTransactionError } from '@solana/web3.js';
import { AnchorProgram, FailedTransactionMetadata, SVM, TransactionMetadata, type AnchorIdl } from 'websvm';
import { WebsvmProvider } from 'websvm/anchor';

const idl = JSON.parse(readFileSync(new URL('../idl/vault.json', import.meta.url), 'utf8')) as Idl;
const elf = readFileSync(new URL('../program/vault.so', import.meta.url));

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
    const state = (await accounts.vaultState.fetch(vaultState)) as { owner: PublicKey };
    expect(state.owner.toBase58()).toBe(owner.toBase58());
    expect(await accounts.vaultState.all()).toHaveLength(1);
  });

  it('deposits and withdraws through the System program', async () => {
    const before = await provider.connection.getBalance(owner);
    await program.methods.deposit(new BN(2_000_000_000)).accounts({ owner, vaultState, vault }).rpc();
    expect(await provider.connection.getBalance(vault)).toBe(2_000_000_000);
    await program.methods.withdraw(new BN(500_000_000)).accounts({ owner, vaultState, vault }).rpc();
    expect(await provider.connection.getBalance(vault)).toBe(1_500_000_000);
    expect(await provider.connection.getBalance(owner)).toBe(before - 1_500_000_000 - 10_000); // two fees of 5000
  });

  it('refuses a stranger (Unauthorized, 6000) and a wrong vault (ConstraintSeeds, 2006)', async () => {
    const stranger = Keypair.generate();
    const steal = (await program.methods
      .withdraw(new BN(1))
      .accounts({ owner: stranger.publicKey, vaultState, vault })
      .signers([stranger])
      .rpc()
      .catch((e: unknown) => e)) as AnchorError;
    expect(steal).toBeInstanceOf(AnchorError);
    expect(steal.error.errorCode).toEqual({ code: 'Unauthorized', number: 6000 });
    expect(steal.error.errorMessage).toBe("Only the vault's owner may do this"); // Anchor's parser drops the log line's final period

    const wrongVault = (await program.methods
      .deposit(new BN(1))
      .accounts({ owner, vaultState, vault: stranger.publicKey })
      .rpc()
      .catch((e: unknown) => e)) as AnchorError;
    expect(wrongVault).toBeInstanceOf(AnchorError);
    expect(wrongVault.error.errorCode).toEqual({ code: 'ConstraintSeeds', number: 2006 });
    expect(wrongVault.logs).toContain(
      'Program log: AnchorError caused by account: vault. Error Code: ConstraintSeeds. Error Number: 2006. Error Message: A seeds constraint was violated.',
    );
  });

  it('cannot withdraw more than the vault holds', async () => {
    const error = (await program.methods
      .withdraw(new BN(9_000_000_000))
      .accounts({ owner, vaultState, vault })
      .rpc()
      .catch((e: unknown) => e)) as SendTransactionError;
    expect(error).toBeInstanceOf(SendTransactionError); // System's error, which the vault's IDL does not name
    expect(error.logs).toContain('Transfer: insufficient lamports 1500000000, need 9000000000');
  });

  describe('websvm extras', () => {
    it('keeps every sent transaction: initialize made one inner instruction (CreateAccount, signed by the state PDA)', () => {
      const initialize = svm.getTransaction(initializeSignature) as TransactionMetadata;
      expect(initialize).toBeInstanceOf(TransactionMetadata);
      expect(initialize.innerInstructions()[0]).toHaveLength(1);
    });

    it("returns the SVM's own result for a transaction Anchor built, and names its IDL error", async () => {
      const stranger = Keypair.generate();
      svm.airdrop(stranger.publicKey, 1_000_000_000n);
      const tx = await program.methods.withdraw(new BN(1)).accounts({ owner: stranger.publicKey, vaultState, vault }).transaction();
      tx.recentBlockhash = svm.latestBlockhash();
      tx.sign(stranger); // the stranger pays and signs
      const steal = svm.sendTransaction(tx) as FailedTransactionMetadata;
      expect(steal).toBeInstanceOf(FailedTransactionMetadata);
      expect(steal.err().toString()).toBe('TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 6000 } }');
      expect(new AnchorProgram(idl as unknown as AnchorIdl).describe({ kind: 'Custom', code: 6000 })).toBe(
        "Unauthorized (Custom(6000): Only the vault's owner may do this.)",
      );
    });
  });
});
