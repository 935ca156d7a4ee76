/**
 * escrow — Anchor-style tests of a token escrow: CPIs into SPL Token (one of the default programs
 * new SVM() deploys), a PDA-owned vault released with PDA signer seeds, and the escrow closed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  generateKeyPairSigner,
  getAddressEncoder,
  getProgramDerivedAddress,
  lamports,
  none,
  some,
  type Address,
  type KeyPairSigner,
} from '@solana/kit';
import { readFileSync } from 'node:fs';
import { AnchorProgram, FailedTransactionMetadata, SVM, TransactionMetadata, type AnchorIdl } from 'websvm';
import { AccountState, getMintEncoder, getTokenEncoder } from '@solana-program/token';
import { rpc } from '../../helpers.js';

const idl = JSON.parse(readFileSync(new URL('../idl/escrow.json', import.meta.url), 'utf8')) as AnchorIdl;
const elf = readFileSync(new URL('../program/escrow.so', import.meta.url));
const TOKEN = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'); // SPL Token, which new SVM() deploys
const enc = getAddressEncoder();

describe('escrow', () => {
  const program = new AnchorProgram(idl);
  const svm = new SVM();
  let maker: KeyPairSigner;
  let taker: KeyPairSigner;
  let escrow: Address;
  const k: Record<string, Address> = {};

  const amountOf = (a: Address) => new DataView((svm.getAccount(a) as { data: Uint8Array }).data.buffer).getBigUint64(64, true);
  const mintData = (authority: Address, supply: bigint) =>
    getMintEncoder().encode({ mintAuthority: some(authority), supply, decimals: 6, isInitialized: true, freezeAuthority: none() }) as Uint8Array;
  const tokenAccountData = (mint: Address, owner: Address, amount: bigint) =>
    getTokenEncoder().encode({
      mint,
      owner,
      amount,
      delegate: none(),
      state: AccountState.Initialized,
      isNative: none(),
      delegatedAmount: 0n,
      closeAuthority: none(),
    }) as Uint8Array;
  const put = (address: Address, data: Uint8Array) =>
    svm.setAccount({
      address,
      data,
      programAddress: TOKEN,
      executable: false,
      lamports: lamports(svm.minimumBalanceForRentExemption(BigInt(data.length))),
      space: BigInt(data.length),
    });

  beforeAll(async () => {
    svm.addProgram(program.programId, elf);
    [maker, taker] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
    svm.airdrop(maker.address, lamports(10_000_000_000n));
    svm.airdrop(taker.address, lamports(10_000_000_000n));
    [escrow] = await getProgramDerivedAddress({ programAddress: program.programId as Address, seeds: ['escrow', enc.encode(maker.address)] });
    for (const name of ['mintA', 'mintB', 'makerA', 'makerB', 'takerA', 'takerB', 'vault']) k[name] = (await generateKeyPairSigner()).address;
    put(k.mintA, mintData(maker.address, 1_000n));
    put(k.mintB, mintData(taker.address, 500n));
    put(k.makerA, tokenAccountData(k.mintA, maker.address, 1_000n));
    put(k.makerB, tokenAccountData(k.mintB, maker.address, 0n));
    put(k.takerA, tokenAccountData(k.mintA, taker.address, 0n));
    put(k.takerB, tokenAccountData(k.mintB, taker.address, 500n));
    put(k.vault, tokenAccountData(k.mintA, escrow, 0n));
  });

  const makeAccounts = () => ({ maker: maker.address, escrow, mint_a: k.mintA, mint_b: k.mintB, maker_ata_a: k.makerA, vault: k.vault });
  const takeAccounts = () => ({
    taker: taker.address,
    maker: maker.address,
    escrow,
    taker_ata_a: k.takerA,
    taker_ata_b: k.takerB,
    maker_ata_b: k.makerB,
    vault: k.vault,
  });

  it('make: deposits mint A into the vault and records the terms', async () => {
    const result = await rpc(svm, program.instruction('make', { receive: 300n, amount: 400n }, makeAccounts()), [maker]);
    if (!(result instanceof TransactionMetadata)) throw new Error(result.toString());
    expect(amountOf(k.makerA)).toBe(600n);
    expect(amountOf(k.vault)).toBe(400n);
    const state = program.decodeAccount('Escrow', (svm.getAccount(escrow) as { data: Uint8Array }).data);
    expect(state).toMatchObject({ maker: maker.address, mint_a: k.mintA, mint_b: k.mintB, receive: 300n });
    expect(result.logs()).toContain(`Program ${TOKEN} invoke [2]`);
  });

  it('refuses a token account of the wrong mint (WrongMint, 6000)', async () => {
    const result = await rpc(svm, program.instruction('take', {}, { ...takeAccounts(), taker_ata_a: k.takerB }), [taker]);
    expect(result).toBeInstanceOf(FailedTransactionMetadata);
    expect(program.describe({ kind: 'Custom', code: 6000 })).toBe('WrongMint (Custom(6000): Token account of the wrong mint)');
    expect((result as FailedTransactionMetadata).err().toString()).toBe(
      'TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 6000 } }',
    );
  });

  it('take: swaps through two CPIs (one PDA-signed) and closes the escrow', async () => {
    const makerLamports = svm.getBalance(maker.address)!;
    const escrowLamports = svm.getBalance(escrow)!;
    const result = await rpc(svm, program.instruction('take', {}, takeAccounts()), [taker]);
    if (!(result instanceof TransactionMetadata)) throw new Error(result.toString());
    expect(amountOf(k.makerB)).toBe(300n);
    expect(amountOf(k.takerB)).toBe(200n);
    expect(amountOf(k.takerA)).toBe(400n);
    expect(amountOf(k.vault)).toBe(0n);
    expect(svm.getAccount(escrow).exists).toBe(false);
    expect(svm.getBalance(maker.address)).toBe(makerLamports + escrowLamports);
    expect(result.innerInstructions()[0].map((i) => i.stackHeight())).toEqual([2, 2]);
  });
});
