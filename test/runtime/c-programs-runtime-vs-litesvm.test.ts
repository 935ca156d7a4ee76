/**
 * Our C programs (programs/accounts.c, cpi.c, cpi_callee.c, sysinfo.c) in websvm and in LiteSVM:
 * account write-back rules and their errors, realloc, budget exhaustion, CPI with PDA signers,
 * return data through CPI, privilege and re-entrancy errors, call depth, and the sysvar,
 * invocation and cryptography syscalls. Every result, log line, unit count and account must match.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction } from '@solana/kit';
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Clock as TheirClock, Rent as TheirRent } from 'litesvm';
import { Clock, Rent } from '../../src/index.js';
import { deployBoth, Dual, meta, setBoth } from '../helpers/dual.js';
import { SYSTEM_PROGRAM, bytes, programElf, u32, u64 } from '../helpers/encoding.js';

const enc = getAddressEncoder();
const fresh = async () => (await generateKeyPairSigner()).address;

/** Both runtimes agree on the transaction and on `accounts` and the payer afterwards. */
const expectSame = (d: Dual, instructions: Instruction[], accounts: Address[] = []) => d.expectSame(instructions, [...accounts, d.payer.address]);

describe('accounts.c: write-back rules', () => {
  let d: Dual;
  let program: Address;
  let other: Address;
  beforeAll(async () => {
    d = await Dual.create();
    program = await deployBoth(d, programElf('accounts'));
    other = await fresh();
  });

  const owned = async (data = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), lamports = 1_000_000_000n) => {
    const a = await fresh();
    setBoth(d, a, { lamports, data, owner: program });
    return a;
  };
  const call = (data: Uint8Array, accounts: ReturnType<typeof meta>[]): Instruction => ({ programAddress: program, accounts, data });

  it.each([
    ['grows data (realloc within 10 KiB)', [0, 16], 'w'],
    ['grows data beyond the realloc limit: InvalidRealloc', [1], 'w'],
    ['writes a read-only account: ReadonlyDataModified', [4], 'r'],
    ['assigns an account with data: ModifiedProgramId', [6], 'w+'],
    ['adds lamports from nowhere: UnbalancedInstruction', [7], 'w'],
    ['zeroes and assigns an account', [8], 'w+'],
    ['shrinks data', [9, 3], 'w'],
    ['moves lamports out of a read-only account: ReadonlyLamportChange', [11], 'r+'],
    ['runs out of compute units', [12], 'w'],
  ] as const)('%s', async (_name, data, mode) => {
    const a = await owned();
    const b = await owned(new Uint8Array(0));
    const accounts = [meta(a, mode.startsWith('w'))];
    if (mode.endsWith('+')) accounts.push(meta(b, true));
    await expectSame(d, [call(Uint8Array.from(data), accounts)], [a, b]);
  });

  it('moves lamports between owned accounts, and into rent-paying state', async () => {
    const a = await owned();
    const b = await owned(new Uint8Array(0));
    await expectSame(d, [call(bytes(2, u64(1000n)), [meta(a, true), meta(b, true)])], [a, b]);
    await expectSame(d, [call(bytes(2, u64(999_999_000n)), [meta(a, true), meta(b, true)])], [a, b]);
    // The same account twice: a no-op move through a duplicate.
    await expectSame(d, [call(bytes(2, u64(5n)), [meta(b, true), meta(b, true)])], [b]);
  });

  it('checks the lamport balance exactly above 2^53 lamports', async () => {
    // Sums past Number.MAX_SAFE_INTEGER: one lamport from nowhere must still unbalance the instruction.
    const big = 1n << 60n;
    const a = await owned(undefined, big);
    const b = await owned(new Uint8Array(0), big);
    expect((await expectSame(d, [call(bytes(7), [meta(a, true)])], [a])).error).toContain('UnbalancedInstruction');
    expect((await expectSame(d, [call(bytes(2, u64(1n)), [meta(a, true), meta(b, true)])], [a, b])).error).toBeUndefined();
  });

  it('rejects edits to accounts it does not own', async () => {
    const foreign = await fresh();
    setBoth(d, foreign, { lamports: 1_000_000_000n, data: Uint8Array.of(1, 2, 3, 4), owner: other });
    const b = await owned(new Uint8Array(0));
    await expectSame(d, [call(bytes(3), [meta(foreign, true), meta(b, true)])], [foreign, b]);
    await expectSame(d, [call(bytes(5), [meta(foreign, true)])], [foreign]);
    await expectSame(d, [call(bytes(10), [meta(foreign, true)])], [foreign]);
  });

  it('rejects bad instruction data with a builtin error code', async () => {
    await expectSame(d, [call(bytes(99), [])]);
  });
});

describe('cpi.c and cpi_callee.c: cross-program invocation', () => {
  let d: Dual;
  let caller: Address;
  let callee: Address;
  let vault: Address;
  let bump: number;
  beforeAll(async () => {
    d = await Dual.create();
    caller = await deployBoth(d, programElf('cpi'));
    callee = await deployBoth(d, programElf('cpi_callee'));
    [vault, bump] = await getProgramDerivedAddress({ programAddress: caller, seeds: ['vault'] });
  });

  it('transfers from a PDA it signs for', async () => {
    setBoth(d, vault, { lamports: 5_000_000_000n, owner: SYSTEM_PROGRAM });
    const to = await fresh();
    const r = await expectSame(
      d,
      [{ programAddress: caller, accounts: [meta(vault, true), meta(to, true), meta(SYSTEM_PROGRAM, false)], data: bytes(0, bump, u64(1_000_000_000n)) }],
      [vault, to],
    );
    expect(r.error).toBeUndefined();
  });

  it('gets return data set by the callee', async () => {
    const r = await expectSame(d, [{ programAddress: caller, accounts: [meta(callee, false)], data: bytes(1, 0, 1, 2, 3, 4, 5) }]);
    expect(r.error).toBeUndefined();
    expect(r.logs.some((l) => l.startsWith('Program data: '))).toBe(true);
    await expectSame(d, [{ programAddress: caller, accounts: [meta(callee, false)], data: bytes(1, 9, 7, 7) }]);
  });

  it('refuses a signer it cannot vouch for: PrivilegeEscalation', async () => {
    const from = await fresh();
    setBoth(d, from, { lamports: 1_000_000_000n, owner: SYSTEM_PROGRAM });
    await expectSame(
      d,
      [{ programAddress: caller, accounts: [meta(from, true), meta(d.payer.address, true), meta(SYSTEM_PROGRAM, false)], data: bytes(2) }],
      [from],
    );
  });

  it('refuses an account it may not write: PrivilegeEscalation', async () => {
    const from = await generateKeyPairSigner();
    const to = await fresh();
    setBoth(d, from.address, { lamports: 1_000_000_000n, owner: SYSTEM_PROGRAM });
    const r = await expectSame(
      d,
      [{ programAddress: caller, accounts: [meta(from.address, true, from), meta(to, false), meta(SYSTEM_PROGRAM, false)], data: bytes(2) }],
      [from.address, to],
    );
    expect(r.logs.some((l) => l.endsWith("'s writable privilege escalated"))).toBe(true);
  });

  it('recurses into itself up to the depth limit', async () => {
    await expectSame(d, [{ programAddress: caller, accounts: [meta(caller, false)], data: bytes(3, 3) }]);
    await expectSame(d, [{ programAddress: caller, accounts: [meta(caller, false)], data: bytes(3, 5) }]);
  });

  it('creates a PDA account through the System program and writes into it', async () => {
    const e = await Dual.create();
    const c = await deployBoth(e, programElf('cpi'));
    const [pda, b] = await getProgramDerivedAddress({ programAddress: c, seeds: ['vault'] });
    const r = await expectSame(
      e,
      [
        {
          programAddress: c,
          accounts: [meta(e.payer.address, true, e.payer), meta(pda, true), meta(SYSTEM_PROGRAM, false), meta(c, false)],
          data: bytes(4, b, u64(100n)),
        },
      ],
      [pda],
    );
    expect(r.error).toBeUndefined();
  });

  it('rejects oversized data, too many signers, bad seeds and a forbidden callee', async () => {
    for (const mode of [8, 9, 10, 11]) {
      const r = await expectSame(d, [{ programAddress: caller, accounts: [meta(callee, false)], data: bytes(mode) }]);
      expect(r.error).toBe('InstructionError(0, ProgramFailedToComplete)');
    }
  });

  it('lets builtins decode instruction data longer than a packet: only the bytes read count', async () => {
    // A System transfer padded to 2 012 bytes decodes, then lacks its accounts.
    const transfer = await expectSame(d, [{ programAddress: caller, accounts: [meta(SYSTEM_PROGRAM, false)], data: bytes(12, u32(2), u64(5n)) }]);
    expect(transfer.error).toBe('InstructionError(0, MissingAccount)');
    // A seed string that reaches past 1 232 bytes does not decode.
    await expectSame(d, [{ programAddress: caller, accounts: [meta(SYSTEM_PROGRAM, false)], data: bytes(12, u32(10), new Uint8Array(32), u64(1300n)) }]);
  });

  it('refuses C and Rust AccountInfo fields that do not point at the serialized account (SIMD-0459)', async () => {
    const to = await fresh();
    setBoth(d, to, { lamports: 1_000_000_000n, owner: SYSTEM_PROGRAM });
    for (const [mode, field] of [13, 14].flatMap((m) => [9, 0, 1, 2, 3].map((f) => [m, f]))) {
      d.ours.expireBlockhash();
      d.theirs.expireBlockhash();
      const r = await expectSame(
        d,
        [{ programAddress: caller, accounts: [meta(d.payer.address, true, d.payer), meta(to, true), meta(SYSTEM_PROGRAM, false)], data: bytes(mode, field) }],
        [to],
      );
      expect(r.error).toBe(field === 9 ? undefined : 'InstructionError(0, ProgramFailedToComplete)');
      expect(r.logs.some((l) => l.startsWith('Invalid account info pointer `'))).toBe(field !== 9);
    }
  });

  it('refuses re-entrancy, unknown accounts, and passes a callee error up', async () => {
    await expectSame(d, [{ programAddress: caller, accounts: [meta(callee, false), meta(caller, false)], data: bytes(5) }]);
    await expectSame(d, [{ programAddress: caller, accounts: [meta(d.payer.address, true, d.payer), meta(SYSTEM_PROGRAM, false)], data: bytes(6) }]);
    await expectSame(d, [{ programAddress: caller, accounts: [meta(callee, false)], data: bytes(7) }]);
  });
});

describe('sysinfo.c: sysvar, invocation and cryptography syscalls', () => {
  let d: Dual;
  let program: Address;
  let callee: Address;
  beforeAll(async () => {
    d = await Dual.create();
    program = await deployBoth(d, programElf('sysinfo'));
    callee = await deployBoth(d, programElf('cpi_callee'));
  });
  const run = (data: Uint8Array, accounts: ReturnType<typeof meta>[] = []) => expectSame(d, [{ programAddress: program, accounts, data }]);

  it('reads every sysvar getter', async () => {
    expect((await run(bytes(0))).error).toBeUndefined();
  });

  it('reads the new values once the clock and the rent change, and runs with the clock moved back before it was added', async () => {
    // Its own simulators: the clock moves (from mainnet's slot back to 777, as LiteSVM lets a program added by addProgram run).
    const own = await Dual.create();
    const id = await deployBoth(own, programElf('sysinfo'));
    // A byte after the mode keeps the transactions distinct.
    const read = (n: number) => expectSame(own, [{ programAddress: id, accounts: [], data: bytes(0, n) }]);
    expect((await read(1)).error).toBeUndefined();
    own.ours.setClock(new Clock(777n, 1_700_000_000n, 3n, 4n, 1_700_000_123n));
    own.theirs.setClock(new TheirClock(777n, 1_700_000_000n, 3n, 4n, 1_700_000_123n));
    own.ours.setRent(new Rent(1234n, 2.5, 20));
    own.theirs.setRent(new TheirRent(1234n, 2.5, 20));
    expect((await read(2)).logs.join('\n')).toContain('Program log: 0x309');
    own.ours.warpToSlot(900n);
    own.theirs.warpToSlot(900n);
    expect((await read(3)).logs.join('\n')).toContain('Program log: 0x384');
  });

  it.each([
    ['clock', 'SysvarC1ock11111111111111111111111111111111', 8n, 16n],
    ['rent', 'SysvarRent111111111111111111111111111111111', 0n, 17n],
    ['slot hashes', 'SysvarS1otHashes111111111111111111111111111', 0n, 48n],
    ['epoch schedule past its end', 'SysvarEpochSchedu1e111111111111111111111111', 30n, 10n],
    ['epoch rewards', 'SysvarEpochRewards1111111111111111111111111', 0n, 64n],
    ['stake history', 'SysvarStakeHistory1111111111111111111111111', 0n, 8n],
    ['last restart slot', 'SysvarLastRestartS1ot1111111111111111111111', 0n, 8n],
    ['instructions (not in the cache)', 'Sysvar1nstructions1111111111111111111111111', 0n, 8n],
    ['an unknown id', 'Stake11111111111111111111111111111111111111', 0n, 8n],
  ])('sol_get_sysvar: %s', async (_n, id, offset, len) => {
    await run(bytes(1, enc.encode(address(id)), u64(offset), u64(len)));
  });

  it('sees processed sibling instructions and the stack height', async () => {
    const sibling: Instruction = { programAddress: callee, accounts: [meta(d.payer.address, true)], data: bytes(9, 1, 2) };
    await expectSame(d, [sibling, { programAddress: program, accounts: [], data: bytes(2, 0) }]);
    await expectSame(d, [sibling, { programAddress: program, accounts: [], data: bytes(2, 1) }]);
  });

  it('reads epoch stake', async () => {
    await run(bytes(3), [meta(d.payer.address, false)]);
  });

  it('recovers secp256k1 keys, and reports bad ids and signatures', async () => {
    const key = secp256k1.utils.randomSecretKey();
    const hash = sha256(new TextEncoder().encode('websvm'));
    const sig = secp256k1.sign(hash, key, { prehash: false, format: 'recovered' });
    const recovery = sig[0];
    const compact = sig.subarray(1);
    await run(bytes(4, hash, recovery, compact));
    await run(bytes(4, hash, 5, compact));
    await run(bytes(4, hash, recovery, new Uint8Array(64)));
  });

  it('does curve25519 group operations, validation and MSM', async () => {
    const g = ed25519.Point.BASE;
    const p = g.multiply(7n).toBytes();
    const q = g.multiply(11n).toBytes();
    const rp = ristretto255.Point.BASE.multiply(5n).toBytes();
    const rq = ristretto255.Point.BASE.multiply(9n).toBytes();
    const scalar = u64(123456789n);
    const s32 = bytes(scalar, new Uint8Array(24));
    for (const [curve, a, b] of [
      [0, p, q],
      [1, rp, rq],
    ] as const) {
      await run(bytes(5, curve, 0, a, b));
      await run(bytes(5, curve, 1, a, b));
      await run(bytes(5, curve, 2, s32, b));
      await run(bytes(5, curve, 2, new Uint8Array(32).fill(0xff), b));
      await run(bytes(5, curve, 0, new Uint8Array(32).fill(0xee), b));
      await run(bytes(6, curve, a));
      await run(bytes(6, curve, new Uint8Array(32).fill(0xee)));
      await run(bytes(7, curve, 2, s32, s32, a, b));
    }
    await run(bytes(6, 9, p));
    await run(bytes(5, 0, 7, p, q));
  });
});

describe('syscalls.c: added with a call to a syscall the feature set leaves out', () => {
  it('refuses, as LiteSVM does, an ELF whose program header ends past 2^64 before the one holding its relocations', async () => {
    const elf = programElf('debuginfo.split').slice();
    const v = new DataView(elf.buffer);
    v.setUint32(48, 1, true); // sBPF v1: the lenient parser
    const third = 64 + 2 * 56; // vaddr and memsz of the third program header, past the first two
    v.setBigUint64(third + 16, 0x6200_0000_0000_05a0n, true);
    v.setBigUint64(third + 40, 0xc700_0000_0000_0210n, true);
    const id = await fresh();
    const d = await Dual.create();
    const theirs = (() => {
      try {
        d.theirs.addProgram(id, elf);
        return 'accepted';
      } catch (e) {
        return String(e).replace(/^Error: Failed to add program: /, '');
      }
    })();
    expect(theirs).toBe('Offset or value is out of bounds');
    expect(() => d.ours.addProgram(id, elf)).toThrow(theirs);
  });

  it('loads as LiteSVM’s addProgram does, and fails only when the call runs', async () => {
    const d = await Dual.create();
    const program = await deployBoth(d, programElf('syscalls'));
    expect((await expectSame(d, [{ programAddress: program, accounts: [], data: bytes(0, 1, 2) }])).error).toBeUndefined();
    const r = await expectSame(d, [{ programAddress: program, accounts: [], data: bytes(3) }]);
    expect(r.logs.at(-1)).toMatch(/failed: unsupported BPF instruction$/);
  });
});
