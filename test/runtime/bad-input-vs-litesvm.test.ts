/**
 * Transactions that fail before or during execution: the same error as LiteSVM, with no logs,
 * no units and no fee when they fail before execution. Malformed bytes get a typed error here
 * (LiteSVM's binding aborts the process on them).
 */
import { describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, getTransactionEncoder, type Instruction, type Transaction } from '@solana/kit';
import { WebsvmError } from '../../src/index.js';
import { Dual, meta, setBoth, systemTransfer } from '../helpers/dual.js';
import { SYSTEM_PROGRAM, programElf } from '../helpers/encoding.js';

describe('bad input: websvm vs LiteSVM', () => {
  it('unknown program, insufficient funds, an unfunded payer, a transfer beyond the balance', async () => {
    const d = await Dual.create(1_000_000_000n);
    const other = (await generateKeyPairSigner()).address;
    const same = async (instructions: Instruction[]) => {
      const r = d.send(await d.transaction(instructions));
      expect(r.ours).toEqual(r.theirs);
      expect(d.account(d.payer.address).ours).toEqual(d.account(d.payer.address).theirs);
      return r.ours.error;
    };
    expect(await same([{ programAddress: address(other), accounts: [], data: new Uint8Array(1) }])).toBe('InvalidProgramForExecution');
    expect(await same([systemTransfer(d.payer, other, 1n << 56n)])).toBe('InstructionError(0, Custom(1))');
    expect(await same([systemTransfer(d.payer, other, 100n)])).toBe('InsufficientFundsForRent { account_index: 1 }');
    const unfunded = await generateKeyPairSigner();
    d.payer = unfunded;
    expect(await same([])).toBe('AccountNotFound');
  });

  it('a corrupted signature, a stale blockhash and a replayed transaction', async () => {
    const d = await Dual.create();
    const tx = await d.transaction([systemTransfer(d.payer, (await generateKeyPairSigner()).address, 1_000_000n)]);
    const bytes = new Uint8Array(getTransactionEncoder().encode(tx));
    bytes[5] ^= 1;
    expect(d.ours.sendTransaction(bytes).toString()).toContain('SignatureFailure');
    const first = d.send(tx);
    expect(first.ours).toEqual(first.theirs);
    const replay = d.send(tx);
    expect(replay.ours).toEqual(replay.theirs);
    expect(replay.ours.error).toBe('AlreadyProcessed');
    const stale = await d.transaction([systemTransfer(d.payer, (await generateKeyPairSigner()).address, 2_000_000n)]);
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    const r = d.send(stale);
    expect(r.ours).toEqual(r.theirs);
    expect(r.ours.error).toBe('BlockhashNotFound');
  });

  it('a key listed twice in a message: AccountLoadedTwice', async () => {
    const d = await Dual.create();
    d.ours.withSigverify(false);
    d.theirs.withSigverify(false);
    const payer = getAddressEncoder().encode(d.payer.address);
    const system = getAddressEncoder().encode(SYSTEM_PROGRAM);
    const blockhash = getAddressEncoder().encode(address(d.theirs.latestBlockhash()));
    for (const keys of [
      [payer, system, payer],
      [payer, system, system],
    ]) {
      // Legacy message: 1 signer, 1 read-only unsigned key; one instruction of program 1 over keys 0 and 2.
      const messageBytes = Uint8Array.from([1, 0, 1, keys.length, ...keys.flatMap((k) => [...k]), ...blockhash, 1, 1, 2, 0, 2, 0]);
      const tx = { messageBytes, signatures: { [d.payer.address]: new Uint8Array(64) } } as unknown as Transaction;
      const r = d.send(tx);
      expect(r.ours).toEqual(r.theirs);
      expect(r.ours.error).toBe('AccountLoadedTwice');
    }
  });

  it('malformed bytes are a typed error, never a crash', async () => {
    const d = await Dual.create();
    for (const junk of [Uint8Array.of(), Uint8Array.of(1, 2, 3), new Uint8Array(1000).fill(0xff), Uint8Array.of(1, ...new Uint8Array(64), 0x81)]) {
      const run = () => d.ours.sendTransaction(junk);
      expect(run).toThrow(WebsvmError);
      try {
        run();
      } catch (e) {
        expect((e as WebsvmError).kind).toBe('MalformedTransaction');
      }
    }
  });

  it('refuses transactions over 1232 bytes before decoding them (unless switched off); 1232 bytes run as in LiteSVM, which does not check the size', async () => {
    const d = await Dual.create();
    const program = address((await generateKeyPairSigner()).address);
    const sized = async (dataLength: number) => d.transaction([{ programAddress: program, accounts: [], data: new Uint8Array(dataLength) }]);
    const probe = getTransactionEncoder().encode(await sized(0)).length;
    // The compact-u16 length prefix of the data grows by one byte at 128.
    const atLimit = await sized(1232 - probe - 1);
    expect(getTransactionEncoder().encode(atLimit).length).toBe(1232);
    const r = d.send(atLimit);
    expect(r.ours).toEqual(r.theirs);
    const over = new Uint8Array(getTransactionEncoder().encode(await sized(1232 - probe)));
    expect(over.length).toBe(1233);
    for (const run of [() => d.ours.sendTransaction(over), () => d.ours.simulateTransaction(over)]) {
      expect(run).toThrow(expect.objectContaining({ kind: 'TransactionTooLarge', message: 'Transaction too large: 1233 bytes (max: 1232 bytes)' }));
    }
    // Switched off, it runs as in LiteSVM.
    d.ours.withTransactionSizeLimit(false);
    const r2 = d.send(await sized(1232 - probe));
    expect(r2.ours).toEqual(r2.theirs);
  });
});

describe('log collector: websvm vs LiteSVM', () => {
  it('truncates at the byte limit with one "Log truncated" line, and keeps everything without a limit', async () => {
    const { deployBoth } = await import('../helpers/dual.js');
    const elf = programElf('logging');
    for (const limit of [100, 250, undefined]) {
      const d = await Dual.create();
      d.ours.withLogBytesLimit(limit);
      d.theirs.withLogBytesLimit(limit === undefined ? undefined : BigInt(limit));
      const program = await deployBoth(d, elf);
      const r = d.send(await d.transaction([{ programAddress: program, accounts: [], data: new Uint8Array(0) }]));
      expect(r.ours).toEqual(r.theirs);
      expect(r.ours.logs.includes('Log truncated')).toBe(limit !== undefined);
    }
  });
});

describe('System CreateAccountAllowPrefund: websvm vs LiteSVM', () => {
  it('creates onto a prefunded address, with and without a funder, and refuses taken accounts', async () => {
    const d = await Dual.create();
    const owner = (await generateKeyPairSigner()).address;
    const data = (lamports: bigint, space: bigint) => {
      const b = new Uint8Array(52);
      const v = new DataView(b.buffer);
      v.setUint32(0, 13, true);
      v.setBigUint64(4, lamports, true);
      v.setBigUint64(12, space, true);
      b.set(getAddressEncoder().encode(owner), 20);
      return b;
    };
    const [a, b] = [await generateKeyPairSigner(), await generateKeyPairSigner()];
    setBoth(d, a.address, { lamports: 5_000_000n, owner: SYSTEM_PROGRAM });
    for (const [ix, accounts] of [
      [{ programAddress: SYSTEM_PROGRAM, accounts: [meta(a.address, true, a)], data: data(0n, 16n) }, [a.address]],
      [{ programAddress: SYSTEM_PROGRAM, accounts: [meta(b.address, true, b), meta(d.payer.address, true, d.payer)], data: data(2_000_000n, 8n) }, [b.address]],
      [{ programAddress: SYSTEM_PROGRAM, accounts: [meta(a.address, true, a)], data: data(0n, 32n) }, [a.address]],
      // Lamports to move need the funder before anything is allocated (even an impossible size).
      [{ programAddress: SYSTEM_PROGRAM, accounts: [meta(b.address, true, b)], data: data(1n, 1n << 40n) }, [b.address]],
    ] as const) {
      const r = d.send(await d.transaction([ix as Instruction]));
      expect(r.ours).toEqual(r.theirs);
      for (const x of accounts) expect(d.account(x).ours).toEqual(d.account(x).theirs);
    }
  });
});

describe('System seeds over 32 bytes: websvm vs LiteSVM', () => {
  it('are custom error 0 (the PubkeyError number), in TransferWithSeed and the *WithSeed account instructions', async () => {
    const d = await Dual.create();
    const [from, base] = [await generateKeyPairSigner(), await generateKeyPairSigner()];
    setBoth(d, from.address, { lamports: 5_000_000n, owner: SYSTEM_PROGRAM });
    const seed = new TextEncoder().encode('s'.repeat(33));
    const enc = getAddressEncoder();
    const le64 = (v: bigint) => new Uint8Array(new BigUint64Array([v]).buffer);
    const transferWithSeed: Instruction = {
      programAddress: SYSTEM_PROGRAM,
      accounts: [meta(from.address, true), meta(base.address, false, base), meta(d.payer.address, true)],
      data: Uint8Array.from([11, 0, 0, 0, ...le64(1n), ...le64(33n), ...seed, ...enc.encode(SYSTEM_PROGRAM)]),
    };
    const r1 = await d.expectSame([transferWithSeed], [from.address]);
    expect(r1.error).toBe('InstructionError(0, Custom(0))');
    const assignWithSeed: Instruction = {
      programAddress: SYSTEM_PROGRAM,
      accounts: [meta(from.address, true), meta(base.address, false, base)],
      data: Uint8Array.from([10, 0, 0, 0, ...enc.encode(base.address), ...le64(33n), ...seed, ...enc.encode(SYSTEM_PROGRAM)]),
    };
    const r2 = await d.expectSame([assignWithSeed], [from.address]);
    expect(r2.error).toBe('InstructionError(0, Custom(0))');
  });
});

describe('System instruction data read in place: websvm vs LiteSVM', () => {
  it('CreateAccount, Assign, Transfer and Allocate: exact, with trailing bytes, and one byte short', async () => {
    const d = await Dual.create();
    const owner = getAddressEncoder().encode((await generateKeyPairSigner()).address);
    const le = (bytes: number, v: bigint) => new Uint8Array(new BigUint64Array([v]).buffer).subarray(0, bytes);
    const variants: [number, Uint8Array][] = [
      [0, Uint8Array.from([...le(8, 1_000_000n), ...le(8, 24n), ...owner])],
      [1, Uint8Array.from(owner)],
      [2, le(8, 1_000n)],
      [8, le(8, 40n)],
    ];
    for (const [tag, fields] of variants) {
      for (const data of [fields, Uint8Array.from([...fields, 7, 7, 7]), fields.subarray(0, fields.length - 1)]) {
        const to = await generateKeyPairSigner();
        const accounts = tag === 0 || tag === 2 ? [meta(d.payer.address, true, d.payer), meta(to.address, true, to)] : [meta(to.address, true, to)];
        if (tag === 1 || tag === 8) setBoth(d, to.address, { lamports: 5_000_000n, owner: SYSTEM_PROGRAM });
        const ix: Instruction = { programAddress: SYSTEM_PROGRAM, accounts, data: Uint8Array.from([...le(4, BigInt(tag)), ...data]) };
        await d.expectSame([ix], [to.address]);
      }
    }
  });
});
