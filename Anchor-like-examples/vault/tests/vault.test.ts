/**
 * vault — Anchor-style tests: PDAs, a PDA-owned state account created through CPI, deposits and
 * PDA-signed withdrawals through the System program.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSigner, getAddressEncoder, getProgramDerivedAddress, lamports, type Address, type KeyPairSigner } from '@solana/kit';
import { AnchorProgram, FailedTransactionMetadata, SVM, TransactionMetadata, type AnchorIdl } from 'websvm';
import { rpc } from '../../helpers.js';

const idl = JSON.parse(readFileSync(new URL('../idl/vault.json', import.meta.url), 'utf8')) as AnchorIdl;
const elf = readFileSync(new URL('../program/vault.so', import.meta.url));
const enc = getAddressEncoder();

describe('vault', () => {
  const program = new AnchorProgram(idl);
  const svm = new SVM();
  let owner: KeyPairSigner;
  let vaultState: Address;
  let vault: Address;
  const accounts = () => ({ owner: owner.address, vault_state: vaultState, vault });

  beforeAll(async () => {
    svm.addProgram(program.programId, elf);
    owner = await generateKeyPairSigner();
    svm.airdrop(owner.address, lamports(10_000_000_000n));
    [vaultState] = await getProgramDerivedAddress({ programAddress: program.programId as Address, seeds: ['state', enc.encode(owner.address)] });
    [vault] = await getProgramDerivedAddress({ programAddress: program.programId as Address, seeds: ['vault', enc.encode(vaultState)] });
  });

  it('initializes the vault state at its PDA', async () => {
    const result = await rpc(svm, program.instruction('initialize', {}, accounts()), [owner]);
    if (!(result instanceof TransactionMetadata)) throw new Error(result.toString());
    const state = program.decodeAccount<{ owner: string; state_bump: number; vault_bump: number }>(
      'VaultState',
      (svm.getAccount(vaultState) as { data: Uint8Array }).data,
    );
    expect(state.owner).toBe(owner.address);
    expect(result.innerInstructions()[0]).toHaveLength(1); // CreateAccount, signed by the state PDA
  });

  it('deposits and withdraws through the System program', async () => {
    const before = svm.getBalance(owner.address)!;
    expect(await rpc(svm, program.instruction('deposit', { amount: 2_000_000_000n }, accounts()), [owner])).toBeInstanceOf(TransactionMetadata);
    expect(svm.getBalance(vault)).toBe(2_000_000_000n);
    expect(await rpc(svm, program.instruction('withdraw', { amount: 500_000_000n }, accounts()), [owner])).toBeInstanceOf(TransactionMetadata);
    expect(svm.getBalance(vault)).toBe(1_500_000_000n);
    expect(svm.getBalance(owner.address)).toBe(before - 1_500_000_000n - 10_000n); // two fees of 5000
  });

  it('refuses a stranger (Unauthorized, 6000) and a wrong vault (ConstraintSeeds, 2006)', async () => {
    const stranger = await generateKeyPairSigner();
    svm.airdrop(stranger.address, lamports(1_000_000_000n));
    const steal = await rpc(svm, program.instruction('withdraw', { amount: 1n }, { ...accounts(), owner: stranger.address }), [stranger]);
    expect(steal).toBeInstanceOf(FailedTransactionMetadata);
    expect(program.describe({ kind: 'Custom', code: 6000 })).toBe("Unauthorized (Custom(6000): Only the vault's owner may do this.)");
    expect((steal as FailedTransactionMetadata).err().toString()).toBe(
      'TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 6000 } }',
    );
    const wrongVault = await rpc(svm, program.instruction('deposit', { amount: 1n }, { ...accounts(), vault: stranger.address }), [owner]);
    expect((wrongVault as FailedTransactionMetadata).meta().logs()).toContain(
      'Program log: AnchorError caused by account: vault. Error Code: ConstraintSeeds. Error Number: 2006. Error Message: A seeds constraint was violated.',
    );
  });

  it('cannot withdraw more than the vault holds', async () => {
    const result = await rpc(svm, program.instruction('withdraw', { amount: 9_000_000_000n }, accounts()), [owner]);
    expect(result).toBeInstanceOf(FailedTransactionMetadata);
    expect((result as FailedTransactionMetadata).meta().logs()).toContain('Transfer: insufficient lamports 1500000000, need 9000000000');
  });
});
