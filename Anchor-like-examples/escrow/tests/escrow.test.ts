/**
 * escrow — Anchor-style tests of a token escrow through `@coral-xyz/anchor`'s `Program` on websvm:
 * CPIs into SPL Token (one of the default programs new SVM() deploys), a PDA-owned vault released
 * with PDA signer seeds, and the escrow closed. The maker is the provider's wallet; the taker sends
 * through a provider of its own, so each pays for what it sends.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorError, BN, Program, Wallet, type AccountClient, type Idl } from '@coral-xyz/anchor';
import { Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js';
import { AccountState, getMintEncoder, getTokenDecoder, getTokenEncoder, TOKEN_PROGRAM_ADDRESS, type TokenArgs } from '@solana-program/token';
import { AnchorProgram, FailedTransactionMetadata, SVM, TransactionMetadata, type AnchorIdl } from 'websvm';
import { WebsvmProvider } from 'websvm/anchor';

const idl = JSON.parse(readFileSync(new URL('../idl/escrow.json', import.meta.url), 'utf8')) as Idl;
const elf = readFileSync(new URL('../program/escrow.so', import.meta.url));
const TOKEN_PROGRAM_ID = new PublicKey(TOKEN_PROGRAM_ADDRESS);

/** A key in the form @solana-program/token's codecs take. */
const tokenAddress = (key: PublicKey) => key.toBase58() as TokenArgs['mint'];
const mintData = (authority: PublicKey, supply: bigint) =>
  Buffer.from(getMintEncoder().encode({ mintAuthority: tokenAddress(authority), supply, decimals: 6, isInitialized: true, freezeAuthority: null }));
const tokenAccountData = (mint: PublicKey, owner: PublicKey, amount: bigint) =>
  Buffer.from(
    getTokenEncoder().encode({
      mint: tokenAddress(mint),
      owner: tokenAddress(owner),
      amount,
      delegate: null,
      state: AccountState.Initialized,
      isNative: null,
      delegatedAmount: 0n,
      closeAuthority: null,
    }),
  );

describe('escrow', () => {
  const svm = new SVM();
  svm.addProgram(idl.address, elf);
  const provider = new WebsvmProvider(svm);
  const program = new Program(idl, provider);
  const taker = new Wallet(Keypair.generate());
  const asTaker = new Program(idl, new WebsvmProvider(svm, taker));
  // The IDL is read at run time, so its account names are not in the program's type (a project
  // built by `anchor build` has them in target/types and writes `program.account.escrow`).
  const accounts = program.account as unknown as Record<string, AccountClient>;
  const maker = provider.publicKey;
  const [escrow] = PublicKey.findProgramAddressSync([Buffer.from('escrow'), maker.toBuffer()], program.programId);
  const [mintA, mintB, makerAtaA, makerAtaB, takerAtaA, takerAtaB, vault] = Array.from({ length: 7 }, () => Keypair.generate().publicKey);

  const tokenAmount = async (account: PublicKey) => getTokenDecoder().decode((await provider.connection.getAccountInfo(account))!.data).amount;
  const putTokenProgramAccount = async (address: PublicKey, data: Uint8Array) =>
    svm.setAccount(address, {
      lamports: await provider.connection.getMinimumBalanceForRentExemption(data.length),
      data,
      owner: TOKEN_PROGRAM_ID,
      executable: false,
    });

  beforeAll(async () => {
    await provider.connection.requestAirdrop(taker.publicKey, 10 * LAMPORTS_PER_SOL);
    await putTokenProgramAccount(mintA, mintData(maker, 1_000n));
    await putTokenProgramAccount(mintB, mintData(taker.publicKey, 500n));
    await putTokenProgramAccount(makerAtaA, tokenAccountData(mintA, maker, 1_000n));
    await putTokenProgramAccount(makerAtaB, tokenAccountData(mintB, maker, 0n));
    await putTokenProgramAccount(takerAtaA, tokenAccountData(mintA, taker.publicKey, 0n));
    await putTokenProgramAccount(takerAtaB, tokenAccountData(mintB, taker.publicKey, 500n));
    await putTokenProgramAccount(vault, tokenAccountData(mintA, escrow, 0n));
  });

  let takeSignature: string;
  const takeAccounts = { taker: taker.publicKey, maker, escrow, takerAtaA, takerAtaB, makerAtaB, vault };

  it('make: deposits mint A into the vault and records the terms', async () => {
    // escrow comes from the IDL's seeds, token_program and system_program from its addresses.
    const signature = await program.methods.make(new BN(300), new BN(400)).accounts({ maker, mintA, mintB, makerAtaA, vault }).rpc();
    expect(await tokenAmount(makerAtaA)).toBe(600n);
    expect(await tokenAmount(vault)).toBe(400n);
    const state = (await accounts.escrow.fetch(escrow)) as { maker: PublicKey; mintA: PublicKey; mintB: PublicKey; receive: BN };
    expect({ maker: state.maker.toBase58(), mintA: state.mintA.toBase58(), mintB: state.mintB.toBase58(), receive: state.receive.toString() }).toEqual({
      maker: maker.toBase58(),
      mintA: mintA.toBase58(),
      mintB: mintB.toBase58(),
      receive: '300',
    });
    const tx = await provider.connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.logMessages).toContain(`Program ${TOKEN_PROGRAM_ID.toBase58()} invoke [2]`);
  });

  it('refuses a token account of the wrong mint (WrongMint, 6000)', async () => {
    const error = (await asTaker.methods
      .take()
      .accounts({ ...takeAccounts, takerAtaA: takerAtaB })
      .rpc()
      .catch((e: unknown) => e)) as AnchorError;
    expect(error).toBeInstanceOf(AnchorError);
    expect(error.error.errorCode).toEqual({ code: 'WrongMint', number: 6000 });
    expect(error.error.errorMessage).toBe('Token account of the wrong mint');
  });

  it('take: swaps through two CPIs (one PDA-signed) and closes the escrow', async () => {
    const makerLamports = await provider.connection.getBalance(maker);
    const escrowLamports = await provider.connection.getBalance(escrow);
    takeSignature = await asTaker.methods.take().accounts(takeAccounts).rpc();
    expect(await tokenAmount(makerAtaB)).toBe(300n);
    expect(await tokenAmount(takerAtaB)).toBe(200n);
    expect(await tokenAmount(takerAtaA)).toBe(400n);
    expect(await tokenAmount(vault)).toBe(0n);
    expect(await provider.connection.getAccountInfo(escrow)).toBeNull();
    expect(await provider.connection.getBalance(maker)).toBe(makerLamports + escrowLamports);
  });

  describe('websvm extras', () => {
    it("keeps every sent transaction: take's two token transfers ran at stack height 2", () => {
      const take = svm.getTransaction(takeSignature) as TransactionMetadata;
      expect(take).toBeInstanceOf(TransactionMetadata);
      expect(take.innerInstructions()[0].map((i) => i.stackHeight())).toEqual([2, 2]);
    });

    it("returns the SVM's own result for a transaction Anchor built, and names its IDL error", async () => {
      // A new offer, as the last one was taken; the same make again is a new transaction only under a new blockhash.
      svm.expireBlockhash();
      await program.methods.make(new BN(300), new BN(400)).accounts({ maker, mintA, mintB, makerAtaA, vault }).rpc();
      const tx = await asTaker.methods
        .take()
        .accounts({ ...takeAccounts, takerAtaA: takerAtaB })
        .transaction();
      tx.recentBlockhash = svm.latestBlockhash();
      tx.sign(taker.payer); // the taker pays and signs
      const failed = svm.sendTransaction(tx) as FailedTransactionMetadata;
      expect(failed).toBeInstanceOf(FailedTransactionMetadata);
      expect(failed.err().toString()).toBe('TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 6000 } }');
      expect(new AnchorProgram(idl as unknown as AnchorIdl).describe({ kind: 'Custom', code: 6000 })).toBe(
        'WrongMint (Custom(6000): Token account of the wrong mint)',
      );
    });
  });
});
