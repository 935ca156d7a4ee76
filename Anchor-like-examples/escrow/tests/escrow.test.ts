/**
 * escrow — Anchor-style tests of a token escrow through `@coral-xyz/anchor`'s `Program` on websvm:
 * CPIs into SPL Token (one of the default programs new SVM() deploys), a PDA-owned vault released
 * with PDA signer seeds, and the escrow closed. The maker is the provider's wallet; the taker sends
 * through a provider of its own, so each pays for what it sends. Node's own runner runs them from the
 * example's root, as `anchor test` runs a workspace's tests: `node --test`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as anchor from '@coral-xyz/anchor';
import { AnchorError, Program, Wallet, web3, type AccountClient, type Idl } from '@coral-xyz/anchor';
import { AccountState, getMintEncoder, getTokenDecoder, getTokenEncoder, TOKEN_PROGRAM_ADDRESS, type TokenArgs } from '@solana-program/token';
import { AnchorProgram, FailedTransactionMetadata, SVM, TransactionMetadata, type AnchorIdl } from 'websvm';
import { WebsvmProvider } from 'websvm/anchor';

// @coral-xyz/anchor is a CommonJS package: Node's ES module loader finds its BN only on the default
// export (compiled to CommonJS, as ts-mocha runs tests, the namespace is the module and holds it).
const { BN } = 'BN' in anchor ? anchor : (anchor as unknown as { default: typeof anchor }).default;
const { Keypair, LAMPORTS_PER_SOL, PublicKey } = web3;
const idl = JSON.parse(readFileSync('idl/escrow.json', 'utf8')) as Idl;
const elf = readFileSync('program/escrow.so');
const TOKEN_PROGRAM_ID = new PublicKey(TOKEN_PROGRAM_ADDRESS);

/** A key in the form @solana-program/token's codecs take. */
const tokenAddress = (key: web3.PublicKey) => key.toBase58() as TokenArgs['mint'];
const mintData = (authority: web3.PublicKey, supply: bigint) =>
  Buffer.from(getMintEncoder().encode({ mintAuthority: tokenAddress(authority), supply, decimals: 6, isInitialized: true, freezeAuthority: null }));
const tokenAccountData = (mint: web3.PublicKey, owner: web3.PublicKey, amount: bigint) =>
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

  const tokenAmount = async (account: web3.PublicKey) => getTokenDecoder().decode((await provider.connection.getAccountInfo(account))!.data).amount;
  const putTokenProgramAccount = async (address: web3.PublicKey, data: Uint8Array) =>
    svm.setAccount(address, {
      lamports: await provider.connection.getMinimumBalanceForRentExemption(data.length),
      data,
      owner: TOKEN_PROGRAM_ID,
      executable: false,
    });

  before(async () => {
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
    assert.equal(await tokenAmount(makerAtaA), 600n);
    assert.equal(await tokenAmount(vault), 400n);
    const state = (await accounts.escrow.fetch(escrow)) as { maker: web3.PublicKey; mintA: web3.PublicKey; mintB: web3.PublicKey; receive: anchor.BN };
    assert.deepEqual(
      { maker: state.maker.toBase58(), mintA: state.mintA.toBase58(), mintB: state.mintB.toBase58(), receive: state.receive.toString() },
      { maker: maker.toBase58(), mintA: mintA.toBase58(), mintB: mintB.toBase58(), receive: '300' },
    );
    const tx = await provider.connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    assert.ok(tx?.meta?.logMessages?.includes(`Program ${TOKEN_PROGRAM_ID.toBase58()} invoke [2]`));
  });

  it('refuses a token account of the wrong mint (WrongMint, 6000)', async () => {
    const error = await asTaker.methods
      .take()
      .accounts({ ...takeAccounts, takerAtaA: takerAtaB })
      .rpc()
      .catch((e: unknown) => e);
    assert.ok(error instanceof AnchorError);
    assert.deepEqual(error.error.errorCode, { code: 'WrongMint', number: 6000 });
    assert.equal(error.error.errorMessage, 'Token account of the wrong mint');
  });

  it('take: swaps through two CPIs (one PDA-signed) and closes the escrow', async () => {
    const makerLamports = await provider.connection.getBalance(maker);
    const escrowLamports = await provider.connection.getBalance(escrow);
    takeSignature = await asTaker.methods.take().accounts(takeAccounts).rpc();
    assert.equal(await tokenAmount(makerAtaB), 300n);
    assert.equal(await tokenAmount(takerAtaB), 200n);
    assert.equal(await tokenAmount(takerAtaA), 400n);
    assert.equal(await tokenAmount(vault), 0n);
    assert.equal(await provider.connection.getAccountInfo(escrow), null);
    assert.equal(await provider.connection.getBalance(maker), makerLamports + escrowLamports);
  });

  describe('websvm extras', () => {
    it("keeps every sent transaction: take's two token transfers ran at stack height 2", () => {
      const take = svm.getTransaction(takeSignature);
      assert.ok(take instanceof TransactionMetadata);
      assert.deepEqual(
        take.innerInstructions()[0].map((i) => i.stackHeight()),
        [2, 2],
      );
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
      const failed = svm.sendTransaction(tx);
      assert.ok(failed instanceof FailedTransactionMetadata);
      assert.equal(failed.err().toString(), 'TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 6000 } }');
      assert.equal(
        new AnchorProgram(idl as unknown as AnchorIdl).describe({ kind: 'Custom', code: 6000 }),
        'WrongMint (Custom(6000): Token account of the wrong mint)',
      );
    });
  });
});
