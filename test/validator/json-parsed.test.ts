/**
 * `jsonParsed` through real clients: accounts made by real transactions on the validator (nonce,
 * stake, vote, lookup table, upgradeable program, SPL Token multisig, Token-2022 with extensions),
 * sysvars and config accounts, read with web3.js `getParsedAccountInfo` and kit's `getAccountInfo`;
 * instructions read with `getParsedTransaction` and kit's `getTransaction`. Each expected value is
 * written by hand from the Agave source named beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddressLookupTableProgram,
  Authorized,
  ComputeBudgetProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  Lockup,
  NonceAccount,
  PublicKey,
  StakeProgram,
  SystemProgram,
  SYSVAR_RENT_PUBKEY,
  Transaction,
  TransactionInstruction,
  VoteInit,
  VoteProgram,
  sendAndConfirmTransaction,
  type AccountInfo,
  type ParsedAccountData,
  type ParsedInstruction,
  type PartiallyDecodedInstruction,
} from '@solana/web3.js';
import { address, createSolanaRpc } from '@solana/kit';
import { startValidator, type Validator } from '../../src/validator/index.js';

const TOKEN_PROGRAM = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const TOKEN_2022_PROGRAM = new PublicKey('TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb');
const ATA_PROGRAM = new PublicKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');
const MEMO_V1 = new PublicKey('Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo');
const MEMO_V2 = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');
const UPGRADEABLE_LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');
const PROGRAM = Keypair.generate().publicKey;
const U64_MAX = '18446744073709551615';

/** A token-program instruction from its tag and the bytes after it. */
const tokenIx = (programId: PublicKey, keys: [PublicKey, boolean, boolean][], ...bytes: (number | Uint8Array)[]) =>
  new TransactionInstruction({
    programId,
    keys: keys.map(([pubkey, isWritable, isSigner]) => ({ pubkey, isWritable, isSigner })),
    data: Buffer.concat(bytes.map((b) => (typeof b === 'number' ? Buffer.from([b]) : Buffer.from(b)))),
  });
const u16 = (v: number) => new Uint8Array(new Uint16Array([v]).buffer);
const i16 = (v: number) => new Uint8Array(new Int16Array([v]).buffer);
const u64 = (v: bigint) => new Uint8Array(new BigUint64Array([v]).buffer);
const key = (k: PublicKey) => k.toBytes();

describe('jsonParsed', () => {
  let v: Validator;
  let connection: Connection;
  const payer = Keypair.generate();

  const send = (tx: Transaction, ...signers: Keypair[]) => sendAndConfirmTransaction(connection, tx, [payer, ...signers]);
  const parsedData = async (account: PublicKey) => {
    const info = (await connection.getParsedAccountInfo(account)).value as AccountInfo<ParsedAccountData> | null;
    return info?.data;
  };
  const rent = (space: number) => connection.getMinimumBalanceForRentExemption(space);
  /** A transaction's top-level instructions as jsonParsed shows them (web3.js's PublicKeys back to strings). */
  const parsedInstructions = async (signature: string) => {
    const tx = (await connection.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0 }))!;
    return JSON.parse(JSON.stringify(tx.transaction.message.instructions));
  };
  const SYSVAR_CLOCK = 'SysvarC1ock11111111111111111111111111111111';
  const createAccount = async (account: PublicKey, space: number, programId: PublicKey) =>
    SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: account, lamports: await rent(space), space, programId });

  beforeAll(async () => {
    v = await startValidator({
      slotTime: 'transaction',
      upgradeablePrograms: [{ programId: PROGRAM.toBase58(), file: 'programs/bin/accounts.so', authority: payer.publicKey.toBase58() }],
    });
    connection = new Connection(v.rpcUrl, 'confirmed');
    await connection.confirmTransaction({
      signature: await connection.requestAirdrop(payer.publicKey, 100 * LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    });
  });
  afterAll(() => v.close());

  describe('accounts', () => {
    it('parses a nonce account made by System instructions (parse_nonce.rs)', async () => {
      const nonce = Keypair.generate();
      const authority = Keypair.generate().publicKey;
      await send(
        new Transaction().add(
          SystemProgram.createNonceAccount({
            fromPubkey: payer.publicKey,
            noncePubkey: nonce.publicKey,
            authorizedPubkey: authority,
            lamports: await rent(80),
          }),
        ),
        nonce,
      );
      const raw = (await connection.getAccountInfo(nonce.publicKey))!;
      const blockhash = NonceAccount.fromAccountData(raw.data).nonce;
      expect(await parsedData(nonce.publicKey)).toEqual({
        program: 'nonce',
        space: 80,
        parsed: { type: 'initialized', info: { authority: authority.toBase58(), blockhash, feeCalculator: { lamportsPerSignature: '5000' } } },
      });
      // A plain wallet (no data) has no parser that reads it: base64, as Agave falls back.
      const wallet = await createSolanaRpc(v.rpcUrl).getAccountInfo(address(payer.publicKey.toBase58()), { encoding: 'jsonParsed' }).send();
      expect(wallet.value?.data).toEqual(['', 'base64']);
    });

    it('parses vote and stake accounts, initialized then delegated (parse_vote.rs, parse_stake.rs)', async () => {
      const vote = Keypair.generate();
      const node = Keypair.generate();
      const withdrawer = Keypair.generate().publicKey;
      const voteCreated = await send(
        new Transaction().add(
          await createAccount(vote.publicKey, VoteProgram.space, VoteProgram.programId),
          VoteProgram.initializeAccount({
            votePubkey: vote.publicKey,
            nodePubkey: node.publicKey,
            voteInit: new VoteInit(node.publicKey, node.publicKey, withdrawer, 7),
          }),
        ),
        vote,
        node,
      );
      const { epoch } = await connection.getEpochInfo();
      expect(await parsedData(vote.publicKey)).toEqual({
        program: 'vote',
        space: 3762,
        parsed: {
          type: 'vote',
          info: {
            nodePubkey: node.publicKey.toBase58(),
            authorizedWithdrawer: withdrawer.toBase58(),
            commission: 7,
            votes: [],
            rootSlot: null,
            authorizedVoters: [{ epoch, authorizedVoter: node.publicKey.toBase58() }],
            priorVoters: [],
            epochCredits: [],
            lastTimestamp: { slot: 0, timestamp: 0 },
          },
        },
      });

      // transaction-status/src/parse_vote.rs
      expect((await parsedInstructions(voteCreated))[1]).toEqual({
        program: 'vote',
        programId: VoteProgram.programId.toBase58(),
        parsed: {
          type: 'initialize',
          info: {
            voteAccount: vote.publicKey.toBase58(),
            rentSysvar: SYSVAR_RENT_PUBKEY.toBase58(),
            clockSysvar: SYSVAR_CLOCK,
            node: node.publicKey.toBase58(),
            authorizedVoter: node.publicKey.toBase58(),
            authorizedWithdrawer: withdrawer.toBase58(),
            commission: 7,
          },
        },
        stackHeight: null,
      });

      // A vote account not yet initialized: all zeros read as a default V0_23_5 state (parse_vote.rs's own test).
      const blank = Keypair.generate();
      await send(new Transaction().add(await createAccount(blank.publicKey, VoteProgram.space, VoteProgram.programId)), blank);
      const zero = SystemProgram.programId.toBase58();
      expect((await parsedData(blank.publicKey))?.parsed).toEqual({
        type: 'vote',
        info: {
          nodePubkey: zero,
          authorizedWithdrawer: zero,
          commission: 0,
          votes: [],
          rootSlot: null,
          authorizedVoters: [{ epoch: 0, authorizedVoter: zero }],
          priorVoters: [],
          epochCredits: [],
          lastTimestamp: { slot: 0, timestamp: 0 },
        },
      });

      const stake = Keypair.generate();
      const custodian = Keypair.generate().publicKey;
      const reserve = await rent(StakeProgram.space);
      const created = await send(
        StakeProgram.createAccount({
          fromPubkey: payer.publicKey,
          stakePubkey: stake.publicKey,
          authorized: new Authorized(payer.publicKey, withdrawer),
          lockup: new Lockup(0, 0, custodian),
          lamports: reserve + 3 * LAMPORTS_PER_SOL,
        }),
        stake,
      );
      const meta = {
        rentExemptReserve: String(reserve),
        authorized: { staker: payer.publicKey.toBase58(), withdrawer: withdrawer.toBase58() },
        lockup: { unixTimestamp: 0, epoch: 0, custodian: custodian.toBase58() },
      };
      expect(await parsedData(stake.publicKey)).toEqual({ program: 'stake', space: 200, parsed: { type: 'initialized', info: { meta, stake: null } } });
      // The instructions, as transaction-status/src/parse_stake.rs writes them.
      expect((await parsedInstructions(created))[1]).toEqual({
        program: 'stake',
        programId: StakeProgram.programId.toBase58(),
        parsed: {
          type: 'initialize',
          info: { stakeAccount: stake.publicKey.toBase58(), rentSysvar: SYSVAR_RENT_PUBKEY.toBase58(), authorized: meta.authorized, lockup: meta.lockup },
        },
        stackHeight: null,
      });

      const delegated = await send(StakeProgram.delegate({ stakePubkey: stake.publicKey, authorizedPubkey: payer.publicKey, votePubkey: vote.publicKey }));
      expect(await parsedInstructions(delegated)).toEqual([
        {
          program: 'stake',
          programId: StakeProgram.programId.toBase58(),
          parsed: {
            type: 'delegate',
            info: {
              stakeAccount: stake.publicKey.toBase58(),
              voteAccount: vote.publicKey.toBase58(),
              clockSysvar: SYSVAR_CLOCK,
              stakeHistorySysvar: 'SysvarStakeHistory1111111111111111111111111',
              stakeConfigAccount: 'StakeConfig11111111111111111111111111111111',
              stakeAuthority: payer.publicKey.toBase58(),
            },
          },
          stackHeight: null,
        },
      ]);
      expect(await parsedData(stake.publicKey)).toEqual({
        program: 'stake',
        space: 200,
        parsed: {
          type: 'delegated',
          info: {
            meta,
            stake: {
              delegation: { voter: vote.publicKey.toBase58(), stake: String(3 * LAMPORTS_PER_SOL), activationEpoch: String(epoch), deactivationEpoch: U64_MAX },
              creditsObserved: 0,
            },
          },
        },
      });
      // kit reads the same answer.
      const kit = await createSolanaRpc(v.rpcUrl).getAccountInfo(address(stake.publicKey.toBase58()), { encoding: 'jsonParsed' }).send();
      expect((kit.value?.data as { parsed: { type: string } }).parsed.type).toBe('delegated');
    });

    it('parses an address lookup table (parse_address_lookup_table.rs)', async () => {
      const recentSlot = Number(v.svm.getSlotHashes()[0].slot);
      const [create, table] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot });
      const addresses = [Keypair.generate().publicKey, Keypair.generate().publicKey];
      const signature = await send(
        new Transaction().add(
          create,
          AddressLookupTableProgram.extendLookupTable({ lookupTable: table, authority: payer.publicKey, payer: payer.publicKey, addresses }),
        ),
      );
      // The instructions (transaction-status/src/parse_address_lookup_table.rs); the bump seed is the PDA's.
      const [, bumpSeed] = PublicKey.findProgramAddressSync([payer.publicKey.toBytes(), u64(BigInt(recentSlot))], AddressLookupTableProgram.programId);
      const lookupTable = { lookupTableAccount: table.toBase58(), lookupTableAuthority: payer.publicKey.toBase58() };
      const system = { payerAccount: payer.publicKey.toBase58(), systemProgram: SystemProgram.programId.toBase58() };
      expect((await parsedInstructions(signature)).map((i: { parsed: unknown }) => i.parsed)).toEqual([
        { type: 'createLookupTable', info: { ...lookupTable, ...system, recentSlot, bumpSeed } },
        { type: 'extendLookupTable', info: { ...lookupTable, ...system, newAddresses: addresses.map((a) => a.toBase58()) } },
      ]);
      const extendedSlot = (await connection.getSlot()) - 1;
      expect(await parsedData(table)).toEqual({
        program: 'address-lookup-table',
        space: 56 + 64,
        parsed: {
          type: 'lookupTable',
          info: {
            deactivationSlot: U64_MAX,
            lastExtendedSlot: String(extendedSlot),
            lastExtendedSlotStartIndex: 0,
            authority: payer.publicKey.toBase58(),
            addresses: addresses.map((a) => a.toBase58()),
          },
        },
      });
    });

    it('parses upgradeable-loader program, program data and buffer accounts (parse_bpf_loader.rs)', async () => {
      const [programData] = PublicKey.findProgramAddressSync([PROGRAM.toBytes()], UPGRADEABLE_LOADER);
      expect(await parsedData(PROGRAM)).toEqual({
        program: 'bpf-upgradeable-loader',
        space: 36,
        parsed: { type: 'program', info: { programData: programData.toBase58() } },
      });
      const raw = (await connection.getAccountInfo(programData))!;
      const data = (await parsedData(programData)) as {
        program: string;
        parsed: { type: string; info: { slot: number; authority: string; data: [string, string] } };
      };
      expect(data.program).toBe('bpf-upgradeable-loader');
      expect(data.parsed.type).toBe('programData');
      expect(data.parsed.info).toEqual({
        slot: Number(raw.data.readBigUInt64LE(4)),
        authority: payer.publicKey.toBase58(),
        data: [raw.data.subarray(45).toString('base64'), 'base64'],
      });

      // A buffer made by InitializeBuffer (tag 0) and Write (tag 1: offset, then a u64-length byte vector).
      const buffer = Keypair.generate();
      const code = Buffer.from('some program bytes');
      const write = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), Buffer.from(u64(BigInt(code.length))), code]);
      const signature = await send(
        new Transaction().add(
          await createAccount(buffer.publicKey, 37 + code.length, UPGRADEABLE_LOADER),
          new TransactionInstruction({
            programId: UPGRADEABLE_LOADER,
            keys: [
              { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
              { pubkey: payer.publicKey, isSigner: false, isWritable: false },
            ],
            data: Buffer.from([0, 0, 0, 0]),
          }),
          new TransactionInstruction({
            programId: UPGRADEABLE_LOADER,
            keys: [
              { pubkey: buffer.publicKey, isSigner: false, isWritable: true },
              { pubkey: payer.publicKey, isSigner: true, isWritable: false },
            ],
            data: write,
          }),
        ),
        buffer,
      );
      expect(await parsedData(buffer.publicKey)).toEqual({
        program: 'bpf-upgradeable-loader',
        space: 37 + code.length,
        parsed: { type: 'buffer', info: { authority: payer.publicKey.toBase58(), data: [code.toString('base64'), 'base64'] } },
      });
      // The instructions (transaction-status/src/parse_bpf_loader.rs): written bytes as base64.
      expect((await parsedInstructions(signature)).slice(1)).toEqual([
        {
          program: 'bpf-upgradeable-loader',
          programId: UPGRADEABLE_LOADER.toBase58(),
          parsed: { type: 'initializeBuffer', info: { account: buffer.publicKey.toBase58(), authority: payer.publicKey.toBase58() } },
          stackHeight: null,
        },
        {
          program: 'bpf-upgradeable-loader',
          programId: UPGRADEABLE_LOADER.toBase58(),
          parsed: {
            type: 'write',
            info: { offset: 0, bytes: code.toString('base64'), account: buffer.publicKey.toBase58(), authority: payer.publicKey.toBase58() },
          },
          stackHeight: null,
        },
      ]);
    });

    it('parses sysvars (parse_sysvar.rs)', async () => {
      const sysvar = async (name: string) => (await parsedData(new PublicKey(name)))!;
      const clock = v.svm.getClock();
      expect(await sysvar('SysvarC1ock11111111111111111111111111111111')).toEqual({
        program: 'sysvar',
        space: 40,
        parsed: {
          type: 'clock',
          info: {
            slot: Number(clock.slot),
            epoch: Number(clock.epoch),
            epochStartTimestamp: Number(clock.epochStartTimestamp),
            leaderScheduleEpoch: Number(clock.leaderScheduleEpoch),
            unixTimestamp: Number(clock.unixTimestamp),
          },
        },
      });
      const rentSysvar = v.svm.getRent();
      expect((await sysvar('SysvarRent111111111111111111111111111111111')).parsed).toEqual({
        type: 'rent',
        info: {
          lamportsPerByteYear: String(rentSysvar.lamportsPerByteYear),
          exemptionThreshold: rentSysvar.exemptionThreshold,
          burnPercent: rentSysvar.burnPercent,
        },
      });
      const schedule = v.svm.getEpochSchedule();
      expect((await sysvar('SysvarEpochSchedu1e111111111111111111111111')).parsed).toEqual({
        type: 'epochSchedule',
        info: {
          slotsPerEpoch: Number(schedule.slotsPerEpoch),
          leaderScheduleSlotOffset: Number(schedule.leaderScheduleSlotOffset),
          warmup: schedule.warmup,
          firstNormalEpoch: Number(schedule.firstNormalEpoch),
          firstNormalSlot: Number(schedule.firstNormalSlot),
        },
      });
      const hashes = v.svm.getSlotHashes();
      expect((await sysvar('SysvarS1otHashes111111111111111111111111111')).parsed).toEqual({
        type: 'slotHashes',
        info: hashes.map((h) => ({ slot: Number(h.slot), hash: h.hash })),
      });
      expect((await sysvar('SysvarLastRestartS1ot1111111111111111111111')).parsed).toEqual({
        type: 'lastRestartSlot',
        info: { lastRestartSlot: Number(v.svm.getLastRestartSlot()) },
      });
      const rewards = v.svm.getEpochRewards();
      expect((await sysvar('SysvarEpochRewards1111111111111111111111111')).parsed).toEqual({
        type: 'epochRewards',
        info: {
          distributionStartingBlockHeight: Number(rewards.distributionStartingBlockHeight),
          numPartitions: Number(rewards.numPartitions),
          parentBlockhash: rewards.parentBlockhash,
          totalPoints: String(rewards.totalPoints),
          totalRewards: String(rewards.totalRewards),
          distributedRewards: String(rewards.distributedRewards),
          active: rewards.active,
        },
      });
      expect((await sysvar('SysvarStakeHistory1111111111111111111111111')).parsed.type).toBe('stakeHistory');
      const history = (await sysvar('SysvarS1otHistory11111111111111111111111111')).parsed as { type: string; info: { nextSlot: number; bits: string } };
      const svmHistory = v.svm.getSlotHistory();
      expect(history.type).toBe('slotHistory');
      expect(history.info.nextSlot).toBe(Number(svmHistory.nextSlot));
      expect(history.info.bits).toHaveLength(1_048_576); // one character a slot, lowest first
      expect(history.info.bits[0]).toBe('1');
      const recent = (await sysvar('SysvarRecentB1ockHashes11111111111111111111')).parsed as { type: string; info: unknown[] };
      expect(recent.type).toBe('recentBlockhashes');
      expect(recent.info[0]).toEqual({ blockhash: expect.any(String), feeCalculator: { lamportsPerSignature: '5000' } });
    });

    it('parses config accounts: the stake config and validator info (parse_config.rs)', async () => {
      // LiteSVM writes the stake config's key count as a u64; Agave reads a short_vec (one 0 byte)
      // and then the config from the next bytes, all zero here.
      expect(await parsedData(new PublicKey('StakeConfig11111111111111111111111111111111'))).toEqual({
        program: 'config',
        space: 17,
        parsed: { type: 'stakeConfig', info: { warmupCooldownRate: 0, slashPenalty: 0 } },
      });
      const info = Keypair.generate().publicKey;
      const json = '{"name":"websvm"}';
      const data = Buffer.concat([
        Buffer.from([2]),
        key(new PublicKey('Va1idator1nfo111111111111111111111111111111')),
        Buffer.from([0]),
        key(info),
        Buffer.from([1]),
        Buffer.from(u64(BigInt(json.length))),
        Buffer.from(json),
      ]);
      v.svm.setAccount(info, { lamports: 1_000_000n, data, owner: new PublicKey('Config1111111111111111111111111111111111111'), executable: false });
      expect((await parsedData(info))?.parsed).toEqual({
        type: 'validatorInfo',
        info: {
          keys: [
            { pubkey: 'Va1idator1nfo111111111111111111111111111111', signer: false },
            { pubkey: info.toBase58(), signer: true },
          ],
          configData: { name: 'websvm' },
        },
      });
    });

    it('parses an SPL Token multisig (parse_token.rs)', async () => {
      const multisig = Keypair.generate();
      const signers = [Keypair.generate().publicKey, Keypair.generate().publicKey, Keypair.generate().publicKey];
      await send(
        new Transaction().add(
          await createAccount(multisig.publicKey, 355, TOKEN_PROGRAM),
          tokenIx(TOKEN_PROGRAM, [[multisig.publicKey, true, false], ...signers.map((s): [PublicKey, boolean, boolean] => [s, false, false])], 19, 2),
        ),
        multisig,
      );
      expect(await parsedData(multisig.publicKey)).toEqual({
        program: 'spl-token',
        space: 355,
        parsed: { type: 'multisig', info: { numRequiredSigners: 2, numValidSigners: 3, isInitialized: true, signers: signers.map((s) => s.toBase58()) } },
      });
    });

    it('parses Token-2022 mints and accounts with extensions (parse_token_extension.rs, client-types token.rs)', async () => {
      const mint = Keypair.generate();
      const authority = payer.publicKey;
      const hook = Keypair.generate().publicKey;
      const pointer = Keypair.generate().publicKey;
      // Extension sizes (value bytes) with their 4-byte headers, after the padded base and the type byte.
      const mintSpace = 166 + (4 + 108) + (4 + 32) + (4 + 1) + (4 + 32) + (4 + 64) + (4 + 64) + (4 + 64);
      const mintTx = await send(
        new Transaction().add(
          await createAccount(mint.publicKey, mintSpace, TOKEN_2022_PROGRAM),
          // TransferFeeExtension / InitializeTransferFeeConfig: two COption authorities, basis points, maximum fee.
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 26, 0, 1, key(authority), 0, u16(50), u64(5000n)),
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 25, 1, key(authority)), // InitializeMintCloseAuthority
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 28, 0, 1), // DefaultAccountState / Initialize(initialized)
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 35, key(authority)), // InitializePermanentDelegate
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 39, 0, key(authority), key(pointer)), // MetadataPointer / Initialize
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 40, 0, key(authority), key(pointer)), // GroupPointer / Initialize
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 36, 0, key(authority), key(hook)), // TransferHook / Initialize
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 20, 6, key(authority), 0), // InitializeMint2
        ),
        mint,
      );
      // InitializeTransferFeeConfig sets both fees from the current epoch.
      const fee = { epoch: Number(v.svm.getClock().epoch), maximumFee: 5000, transferFeeBasisPoints: 50 };
      expect(await parsedData(mint.publicKey)).toEqual({
        program: 'spl-token-2022',
        space: mintSpace,
        parsed: {
          type: 'mint',
          info: {
            mintAuthority: authority.toBase58(),
            supply: '0',
            decimals: 6,
            isInitialized: true,
            freezeAuthority: null,
            extensions: [
              {
                extension: 'transferFeeConfig',
                state: {
                  transferFeeConfigAuthority: authority.toBase58(),
                  withdrawWithheldAuthority: null,
                  withheldAmount: 0,
                  olderTransferFee: fee,
                  newerTransferFee: fee,
                },
              },
              { extension: 'mintCloseAuthority', state: { closeAuthority: authority.toBase58() } },
              { extension: 'defaultAccountState', state: { accountState: 'initialized' } },
              { extension: 'permanentDelegate', state: { delegate: authority.toBase58() } },
              { extension: 'metadataPointer', state: { authority: authority.toBase58(), metadataAddress: pointer.toBase58() } },
              { extension: 'groupPointer', state: { authority: authority.toBase58(), groupAddress: pointer.toBase58() } },
              { extension: 'transferHook', state: { authority: authority.toBase58(), programId: hook.toBase58() } },
            ],
          },
        },
      });

      // An account of that mint: ImmutableOwner, then the ones the mint requires; then MemoTransfer
      // and CpiGuard added by Reallocate and enabled.
      const account = Keypair.generate();
      const accountSpace = 166 + (4 + 8) + 4 + (4 + 1);
      const accountTx = await send(
        new Transaction().add(
          await createAccount(account.publicKey, accountSpace, TOKEN_2022_PROGRAM),
          tokenIx(TOKEN_2022_PROGRAM, [[account.publicKey, true, false]], 22), // InitializeImmutableOwner
          tokenIx(
            TOKEN_2022_PROGRAM,
            [
              [account.publicKey, true, false],
              [mint.publicKey, false, false],
            ],
            18,
            key(payer.publicKey),
          ),
          tokenIx(
            TOKEN_2022_PROGRAM,
            [
              [account.publicKey, true, false],
              [payer.publicKey, true, true],
              [SystemProgram.programId, false, false],
              [payer.publicKey, false, true],
            ],
            29,
            u16(8),
            u16(11),
          ),
          tokenIx(
            TOKEN_2022_PROGRAM,
            [
              [account.publicKey, true, false],
              [payer.publicKey, false, true],
            ],
            30,
            0,
          ), // MemoTransfer / Enable
          tokenIx(
            TOKEN_2022_PROGRAM,
            [
              [account.publicKey, true, false],
              [payer.publicKey, false, true],
            ],
            34,
            0,
          ), // CpiGuard / Enable
        ),
        account,
      );
      const accountData = await parsedData(account.publicKey);
      expect(accountData).toEqual({
        program: 'spl-token-2022',
        space: accountSpace + (4 + 1) * 2,
        parsed: {
          type: 'account',
          info: {
            mint: mint.publicKey.toBase58(),
            owner: payer.publicKey.toBase58(),
            tokenAmount: { uiAmount: 0, decimals: 6, amount: '0', uiAmountString: '0' },
            state: 'initialized',
            isNative: false,
            extensions: [
              { extension: 'immutableOwner' },
              { extension: 'transferFeeAmount', state: { withheldAmount: 0 } },
              { extension: 'transferHookAccount', state: { transferring: false } },
              { extension: 'memoTransfer', state: { requireIncomingTransferMemos: true } },
              { extension: 'cpiGuard', state: { lockCpi: true } },
            ],
          },
        },
      });

      // A second mint: interest-bearing and non-transferable.
      const mint2 = Keypair.generate();
      const mint2Space = 166 + (4 + 52) + 4;
      // The validator's clock moves on its own: the mint records the time of its slot.
      const createdFrom = Number(v.svm.getClock().unixTimestamp);
      const mint2Tx = await send(
        new Transaction().add(
          await createAccount(mint2.publicKey, mint2Space, TOKEN_2022_PROGRAM),
          tokenIx(TOKEN_2022_PROGRAM, [[mint2.publicKey, true, false]], 33, 0, key(authority), i16(-25)), // InterestBearingMint / Initialize
          tokenIx(TOKEN_2022_PROGRAM, [[mint2.publicKey, true, false]], 32), // InitializeNonTransferableMint
          tokenIx(TOKEN_2022_PROGRAM, [[mint2.publicKey, true, false]], 20, 0, key(authority), 1, key(authority)),
        ),
        mint2,
      );
      // The instructions that made them (transaction-status/src/parse_token.rs and parse_token/extension/*.rs).
      const [m, me, acc] = [mint.publicKey.toBase58(), authority.toBase58(), account.publicKey.toBase58()];
      const parsedOf = async (signature: string) => (await parsedInstructions(signature)).slice(1).map((i: { parsed: unknown }) => i.parsed);
      expect(await parsedOf(mintTx)).toEqual([
        { type: 'initializeTransferFeeConfig', info: { mint: m, transferFeeBasisPoints: 50, maximumFee: 5000, transferFeeConfigAuthority: me } },
        { type: 'initializeMintCloseAuthority', info: { mint: m, newAuthority: me } },
        { type: 'initializeDefaultAccountState', info: { mint: m, accountState: 'initialized' } },
        { type: 'initializePermanentDelegate', info: { mint: m, delegate: me } },
        { type: 'initializeMetadataPointer', info: { mint: m, authority: me, metadataAddress: pointer.toBase58() } },
        { type: 'initializeGroupPointer', info: { mint: m, authority: me, groupAddress: pointer.toBase58() } },
        { type: 'initializeTransferHook', info: { mint: m, authority: me, programId: hook.toBase58() } },
        { type: 'initializeMint2', info: { mint: m, decimals: 6, mintAuthority: me } },
      ]);
      expect(await parsedOf(accountTx)).toEqual([
        { type: 'initializeImmutableOwner', info: { account: acc } },
        { type: 'initializeAccount3', info: { account: acc, mint: m, owner: me } },
        {
          type: 'reallocate',
          info: { account: acc, payer: me, systemProgram: SystemProgram.programId.toBase58(), extensionTypes: ['memoTransfer', 'cpiGuard'], owner: me },
        },
        { type: 'enableRequiredMemoTransfers', info: { account: acc, owner: me } },
        { type: 'enableCpiGuard', info: { account: acc, owner: me } },
      ]);
      const m2 = mint2.publicKey.toBase58();
      expect(await parsedOf(mint2Tx)).toEqual([
        { type: 'initializeInterestBearingConfig', info: { mint: m2, rateAuthority: me, rate: -25 } },
        { type: 'initializeNonTransferableMint', info: { mint: m2 } },
        { type: 'initializeMint2', info: { mint: m2, decimals: 0, mintAuthority: me, freezeAuthority: me } },
      ]);

      const parsed2 = (await parsedData(mint2.publicKey))!.parsed as {
        info: { freezeAuthority: string; extensions: { extension: string; state?: Record<string, unknown> }[] };
      };
      expect(parsed2.info.freezeAuthority).toBe(authority.toBase58());
      const createdAt = (parsed2.info.extensions[0]?.state as { initializationTimestamp: number }).initializationTimestamp;
      expect(createdAt).toBeGreaterThanOrEqual(createdFrom);
      expect(createdAt).toBeLessThanOrEqual(Number(v.svm.getClock().unixTimestamp));
      expect(parsed2.info.extensions).toEqual([
        {
          extension: 'interestBearingConfig',
          state: {
            rateAuthority: authority.toBase58(),
            initializationTimestamp: createdAt,
            preUpdateAverageRate: -25,
            lastUpdateTimestamp: createdAt,
            currentRate: -25,
          },
        },
        { extension: 'nonTransferable' },
      ]);
    });
    it('parses token metadata kept in the mint, and the interface instructions that wrote it (token_metadata.rs)', async () => {
      const mint = Keypair.generate();
      const me = payer.publicKey;
      const borshString = (text: string) => Buffer.concat([Buffer.from(new Uint32Array([Buffer.byteLength(text)]).buffer), Buffer.from(text)]);
      const INITIALIZE = Buffer.from([210, 225, 30, 162, 88, 184, 77, 141]); // sha256("spl_token_metadata_interface:initialize_account")[..8]
      const UPDATE_FIELD = Buffer.from([221, 233, 49, 45, 181, 202, 220, 200]); // sha256("spl_token_metadata_interface:updating_field")[..8]
      const space = 166 + (4 + 64);
      const signature = await send(
        new Transaction().add(
          await createAccount(mint.publicKey, space, TOKEN_2022_PROGRAM),
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 39, 0, key(me), key(mint.publicKey)), // MetadataPointer to the mint itself
          tokenIx(TOKEN_2022_PROGRAM, [[mint.publicKey, true, false]], 20, 9, key(me), 0),
          // The metadata grows the mint: fund the new bytes first.
          SystemProgram.transfer({ fromPubkey: me, toPubkey: mint.publicKey, lamports: 10_000_000 }),
          tokenIx(
            TOKEN_2022_PROGRAM,
            [
              [mint.publicKey, true, false],
              [me, false, false],
              [mint.publicKey, false, false],
              [me, false, true],
            ],
            INITIALIZE,
            borshString('Websvm'),
            borshString('WSVM'),
            borshString('https://example.com/w.json'),
          ),
          tokenIx(
            TOKEN_2022_PROGRAM,
            [
              [mint.publicKey, true, false],
              [me, false, true],
            ],
            UPDATE_FIELD,
            3, // Field::Key
            borshString('color'),
            borshString('blue'),
          ),
        ),
        mint,
      );
      const m = mint.publicKey.toBase58();
      const parsed = (await parsedData(mint.publicKey))!.parsed as { info: { extensions: unknown[] } };
      expect(parsed.info.extensions).toEqual([
        { extension: 'metadataPointer', state: { authority: me.toBase58(), metadataAddress: m } },
        {
          extension: 'tokenMetadata',
          state: {
            updateAuthority: me.toBase58(),
            mint: m,
            name: 'Websvm',
            symbol: 'WSVM',
            uri: 'https://example.com/w.json',
            additionalMetadata: [['color', 'blue']],
          },
        },
      ]);
      const instructions = (await parsedInstructions(signature)).slice(4).map((i: { parsed: unknown }) => i.parsed);
      expect(instructions).toEqual([
        {
          type: 'initializeTokenMetadata',
          info: {
            metadata: m,
            updateAuthority: me.toBase58(),
            mint: m,
            mintAuthority: me.toBase58(),
            name: 'Websvm',
            symbol: 'WSVM',
            uri: 'https://example.com/w.json',
          },
        },
        { type: 'updateTokenMetadataField', info: { metadata: m, updateAuthority: me.toBase58(), field: 'color', value: 'blue' } },
      ]);
    });
  });

  describe('instructions', () => {
    it('parses System, SPL Token, Associated Token Account and Memo instructions, inner ones too (parse_*.rs)', async () => {
      const mint = Keypair.generate();
      const owner = Keypair.generate().publicKey;
      const [ata] = PublicKey.findProgramAddressSync([owner.toBytes(), TOKEN_PROGRAM.toBytes(), mint.publicKey.toBytes()], ATA_PROGRAM);
      const receiver = Keypair.generate().publicKey;
      const signature = await send(
        new Transaction().add(
          ComputeBudgetProgram.setComputeUnitLimit({ units: 400_000 }),
          SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver, lamports: 1_000_000 }),
          await createAccount(mint.publicKey, 82, TOKEN_PROGRAM),
          tokenIx(TOKEN_PROGRAM, [[mint.publicKey, true, false]], 20, 2, key(payer.publicKey), 0),
          new TransactionInstruction({
            programId: ATA_PROGRAM,
            keys: [
              { pubkey: payer.publicKey, isSigner: true, isWritable: true },
              { pubkey: ata, isSigner: false, isWritable: true },
              { pubkey: owner, isSigner: false, isWritable: false },
              { pubkey: mint.publicKey, isSigner: false, isWritable: false },
              { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
              { pubkey: TOKEN_PROGRAM, isSigner: false, isWritable: false },
            ],
            data: Buffer.from([1]),
          }),
          tokenIx(
            TOKEN_PROGRAM,
            [
              [mint.publicKey, true, false],
              [ata, true, false],
              [payer.publicKey, false, true],
            ],
            14,
            u64(1_234_500n),
            2,
          ),
          new TransactionInstruction({
            programId: MEMO_V2,
            keys: [{ pubkey: payer.publicKey, isSigner: true, isWritable: false }],
            data: Buffer.from('héllo'),
          }),
          new TransactionInstruction({ programId: MEMO_V1, keys: [], data: Buffer.from('v1') }),
        ),
        mint,
      );
      const tx = (await connection.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0 }))!;
      const instructions = tx.transaction.message.instructions as (ParsedInstruction | PartiallyDecodedInstruction)[];
      const payerKey = payer.publicKey.toBase58();
      // web3.js turns program ids and partially decoded accounts into PublicKeys; compare as JSON.
      expect(JSON.parse(JSON.stringify(instructions))).toEqual([
        // Compute Budget has no parser in Agave: partially decoded.
        { programId: ComputeBudgetProgram.programId.toBase58(), accounts: [], data: expect.any(String), stackHeight: null },
        {
          program: 'system',
          programId: SystemProgram.programId.toBase58(),
          parsed: { type: 'transfer', info: { source: payerKey, destination: receiver.toBase58(), lamports: 1_000_000 } },
          stackHeight: null,
        },
        {
          program: 'system',
          programId: SystemProgram.programId.toBase58(),
          parsed: {
            type: 'createAccount',
            info: { source: payerKey, newAccount: mint.publicKey.toBase58(), lamports: await rent(82), space: 82, owner: TOKEN_PROGRAM.toBase58() },
          },
          stackHeight: null,
        },
        {
          program: 'spl-token',
          programId: TOKEN_PROGRAM.toBase58(),
          parsed: { type: 'initializeMint2', info: { mint: mint.publicKey.toBase58(), decimals: 2, mintAuthority: payerKey } },
          stackHeight: null,
        },
        {
          program: 'spl-associated-token-account',
          programId: ATA_PROGRAM.toBase58(),
          parsed: {
            type: 'createIdempotent',
            info: {
              source: payerKey,
              account: ata.toBase58(),
              wallet: owner.toBase58(),
              mint: mint.publicKey.toBase58(),
              systemProgram: SystemProgram.programId.toBase58(),
              tokenProgram: TOKEN_PROGRAM.toBase58(),
            },
          },
          stackHeight: null,
        },
        {
          program: 'spl-token',
          programId: TOKEN_PROGRAM.toBase58(),
          parsed: {
            type: 'mintToChecked',
            info: {
              mint: mint.publicKey.toBase58(),
              account: ata.toBase58(),
              tokenAmount: { uiAmount: 12345, decimals: 2, amount: '1234500', uiAmountString: '12345' },
              mintAuthority: payerKey,
            },
          },
          stackHeight: null,
        },
        { program: 'spl-memo', programId: MEMO_V2.toBase58(), parsed: 'héllo', stackHeight: null },
        { program: 'spl-memo', programId: MEMO_V1.toBase58(), parsed: 'v1', stackHeight: null },
      ]);

      // The ATA program's CPIs, parsed with their stack heights.
      const inner = JSON.parse(JSON.stringify(tx.meta!.innerInstructions));
      expect(inner).toHaveLength(1);
      expect(inner[0].index).toBe(4);
      const types = inner[0].instructions.map((i: { program: string; parsed: { type: string }; stackHeight: number }) => [
        i.program,
        i.parsed.type,
        i.stackHeight,
      ]);
      expect(types).toEqual([
        ['spl-token', 'getAccountDataSize', 2],
        ['system', 'createAccount', 2],
        ['spl-token', 'initializeImmutableOwner', 2],
        ['spl-token', 'initializeAccount3', 2],
      ]);
      expect(inner[0].instructions[3].parsed.info).toEqual({ account: ata.toBase58(), mint: mint.publicKey.toBase58(), owner: owner.toBase58() });

      // kit reads the same instructions.
      const kit = await createSolanaRpc(v.rpcUrl)
        .getTransaction(signature as Parameters<ReturnType<typeof createSolanaRpc>['getTransaction']>[0], {
          encoding: 'jsonParsed',
          maxSupportedTransactionVersion: 0,
        })
        .send();
      const kitInstructions = kit!.transaction.message.instructions as unknown as { program?: string; parsed?: { type: string } }[];
      expect(kitInstructions.map((i) => i.parsed && typeof i.parsed === 'object' && i.parsed.type)).toEqual([
        undefined,
        'transfer',
        'createAccount',
        'initializeMint2',
        'createIdempotent',
        'mintToChecked',
        false,
        false,
      ]);

      // simulateTransaction's inner instructions are parsed too (rpc.rs: parse_ui_inner_instructions).
      const other = Keypair.generate().publicKey;
      const [otherAta] = PublicKey.findProgramAddressSync([other.toBytes(), TOKEN_PROGRAM.toBytes(), mint.publicKey.toBytes()], ATA_PROGRAM);
      const simulated = new Transaction().add(
        new TransactionInstruction({
          programId: ATA_PROGRAM,
          keys: [payer.publicKey, otherAta, other, mint.publicKey, SystemProgram.programId, TOKEN_PROGRAM].map((pubkey, i) => ({
            pubkey,
            isSigner: i === 0,
            isWritable: i < 2,
          })),
          data: Buffer.from([1]),
        }),
      );
      simulated.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
      simulated.feePayer = payer.publicKey;
      simulated.sign(payer);
      const simulation = await createSolanaRpc(v.rpcUrl)
        .simulateTransaction(simulated.serialize().toString('base64') as Parameters<ReturnType<typeof createSolanaRpc>['simulateTransaction']>[0], {
          encoding: 'base64',
          innerInstructions: true,
        })
        .send();
      const simulatedInner = simulation.value.innerInstructions![0].instructions as unknown as {
        program: string;
        parsed: { type: string };
        stackHeight: number;
      }[];
      expect(simulatedInner.map((i) => [i.program, i.parsed.type, i.stackHeight])).toEqual(types);

      // A memo that is not UTF-8 (its transaction fails) is refused by the memo parser: partially decoded.
      const bad = new Transaction().add(new TransactionInstruction({ programId: MEMO_V1, keys: [], data: Buffer.from([0xff]) }));
      const failed = await connection.sendTransaction(bad, [payer], { skipPreflight: true });
      await connection.confirmTransaction({ signature: failed, ...(await connection.getLatestBlockhash()) });
      const failedTx = (await connection.getParsedTransaction(failed, { maxSupportedTransactionVersion: 0 }))!;
      expect(failedTx.meta?.err).not.toBeNull();
      expect(JSON.parse(JSON.stringify(failedTx.transaction.message.instructions))).toEqual([
        { programId: MEMO_V1.toBase58(), accounts: [], data: '5Q', stackHeight: null },
      ]);
    });

    it('parses token transfers signed by a multisig and nonce instructions (parse_token.rs, parse_system.rs)', async () => {
      const mint = Keypair.generate();
      const [a, b] = [Keypair.generate(), Keypair.generate()];
      const signer1 = Keypair.generate();
      const multisig = Keypair.generate();
      await send(
        new Transaction().add(
          await createAccount(multisig.publicKey, 355, TOKEN_PROGRAM),
          tokenIx(
            TOKEN_PROGRAM,
            [
              [multisig.publicKey, true, false],
              [SYSVAR_RENT_PUBKEY, false, false],
              [signer1.publicKey, false, false],
            ],
            2,
            1,
          ), // InitializeMultisig
          await createAccount(mint.publicKey, 82, TOKEN_PROGRAM),
          tokenIx(TOKEN_PROGRAM, [[mint.publicKey, true, false]], 20, 0, key(payer.publicKey), 0),
          await createAccount(a.publicKey, 165, TOKEN_PROGRAM),
          await createAccount(b.publicKey, 165, TOKEN_PROGRAM),
          tokenIx(
            TOKEN_PROGRAM,
            [
              [a.publicKey, true, false],
              [mint.publicKey, false, false],
            ],
            18,
            key(multisig.publicKey),
          ),
          tokenIx(
            TOKEN_PROGRAM,
            [
              [b.publicKey, true, false],
              [mint.publicKey, false, false],
            ],
            18,
            key(payer.publicKey),
          ),
          tokenIx(
            TOKEN_PROGRAM,
            [
              [mint.publicKey, true, false],
              [a.publicKey, true, false],
              [payer.publicKey, false, true],
            ],
            7,
            u64(10n),
          ),
        ),
        multisig,
        mint,
        a,
        b,
      );
      const signature = await send(
        new Transaction().add(
          tokenIx(
            TOKEN_PROGRAM,
            [
              [a.publicKey, true, false],
              [b.publicKey, true, false],
              [multisig.publicKey, false, false],
              [signer1.publicKey, false, true],
            ],
            3,
            u64(4n),
          ),
        ),
        signer1,
      );
      const tx = (await connection.getParsedTransaction(signature, { maxSupportedTransactionVersion: 0 }))!;
      expect(JSON.parse(JSON.stringify(tx.transaction.message.instructions[0]))).toEqual({
        program: 'spl-token',
        programId: TOKEN_PROGRAM.toBase58(),
        parsed: {
          type: 'transfer',
          info: {
            source: a.publicKey.toBase58(),
            destination: b.publicKey.toBase58(),
            amount: '4',
            multisigAuthority: multisig.publicKey.toBase58(),
            signers: [signer1.publicKey.toBase58()],
          },
        },
        stackHeight: null,
      });

      const nonce = Keypair.generate();
      const created = await send(
        new Transaction().add(
          SystemProgram.createNonceAccount({
            fromPubkey: payer.publicKey,
            noncePubkey: nonce.publicKey,
            authorizedPubkey: payer.publicKey,
            lamports: await rent(80),
          }),
        ),
        nonce,
      );
      const nonceTx = (await connection.getParsedTransaction(created, { maxSupportedTransactionVersion: 0 }))!;
      expect(JSON.parse(JSON.stringify(nonceTx.transaction.message.instructions[1]))).toEqual({
        program: 'system',
        programId: SystemProgram.programId.toBase58(),
        parsed: {
          type: 'initializeNonce',
          info: {
            nonceAccount: nonce.publicKey.toBase58(),
            recentBlockhashesSysvar: 'SysvarRecentB1ockHashes11111111111111111111',
            rentSysvar: SYSVAR_RENT_PUBKEY.toBase58(),
            nonceAuthority: payer.publicKey.toBase58(),
          },
        },
        stackHeight: null,
      });
    });
  });
});
