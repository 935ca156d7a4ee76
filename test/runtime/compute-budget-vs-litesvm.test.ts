/**
 * A fixed compute budget (`withComputeBudget`) in websvm and in LiteSVM: every syscall and runtime
 * price re-set to a distinct non-default value, heap size and cost, nesting depth, trace length and
 * the unit limit. The same LiteSVM `ComputeBudget` instance configures both sides; results, logs and
 * unit counts must match.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { address, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction } from '@solana/kit';
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ComputeBudget as TheirBudget } from 'litesvm';
import { ComputeBudget, WebsvmError, defaultExecutionCosts, type ExecutionCosts } from '../../src/index.js';
import { deployBoth, Dual, meta, setBoth } from '../helpers/dual.js';
import { SYSTEM_PROGRAM, bytes, programElf, u64 } from '../helpers/encoding.js';

const enc = getAddressEncoder();

/** A LiteSVM budget with every price moved off its default by a distinct amount. */
function repricedBudget(): TheirBudget {
  const budget = new TheirBudget();
  // Every price LiteSVM's budget carries (it lacks the alt_bn128 G2 and BLS12-381 ones).
  const prices = Object.keys(defaultExecutionCosts()).filter((k) => k in budget) as (keyof ExecutionCosts)[];
  expect(prices.length).toBeGreaterThan(35);
  prices.forEach((key, i) => {
    const field = key as keyof TheirBudget & string;
    const current = budget[field] as bigint;
    // sha256MaxSlices grows so the 20 001-slice hash in syscalls.c passes on both sides.
    (budget as unknown as Record<string, bigint>)[field] = key === 'sha256MaxSlices' ? 20_001n : current + BigInt(i + 1);
  });
  budget.heapSize = 64 * 1024;
  return budget;
}

const expectSame = (d: Dual, instructions: Instruction[]) => d.expectSame(instructions);

describe('ComputeBudget', () => {
  it('starts with LiteSVM’s defaults for every field', () => {
    const ours = new ComputeBudget() as unknown as Record<string, unknown>;
    const theirs = new TheirBudget() as unknown as Record<string, unknown>;
    const fields = Object.getOwnPropertyNames(Object.getPrototypeOf(theirs)).filter((k) => k !== 'constructor');
    expect(fields.length).toBeGreaterThan(40);
    for (const field of fields) expect(ours[field], field).toEqual(theirs[field]);
  });

  it('refuses values outside u64 with a typed error', async () => {
    const d = await Dual.create();
    const budget = new ComputeBudget();
    budget.invokeUnits = -1n;
    expect(() => d.ours.withComputeBudget(budget)).toThrow(/invokeUnits must be an unsigned 64-bit integer/);
    budget.invokeUnits = 2n ** 64n;
    expect(() => d.ours.withComputeBudget(budget)).toThrow(WebsvmError);
  });

  it('refuses a call depth or stack frame size the VM cannot honour', async () => {
    const d = await Dual.create();
    for (const field of ['maxCallDepth', 'stackFrameSize'] as const) {
      const budget = new ComputeBudget();
      budget[field] = 1n;
      expect(() => d.ours.withComputeBudget(budget)).toThrow(WebsvmError);
      expect(() => d.ours.withComputeBudget(budget)).toThrow(/Unsupported|must stay/);
    }
  });
});

describe('every price re-set, in websvm and LiteSVM', () => {
  let d: Dual;
  const ids: Record<string, Address> = {};
  beforeAll(async () => {
    d = await Dual.create();
    for (const name of ['logging', 'syscalls', 'pda', 'heap', 'sysinfo', 'cpi', 'cpi_callee', 'bn254']) ids[name] = await deployBoth(d, programElf(name));
    const budget = repricedBudget();
    d.theirs.withComputeBudget(budget);
    d.ours.withComputeBudget(budget);
  });
  const run = (program: string, data: Uint8Array, accounts: ReturnType<typeof meta>[] = []) =>
    expectSame(d, [{ programAddress: ids[program], accounts, data }]);

  it('logging, hashing, memory ops and program addresses', async () => {
    expect((await run('logging', bytes(1, 2, 3))).error).toBeUndefined();
    expect((await run('syscalls', bytes(0, 9, 8, 7, 6, 5, 4, 3, 2, 1))).error).toBeUndefined();
    // 20 001 slices are within the raised limit; the program's two-entry table then runs out of bounds.
    const many = await run('syscalls', bytes(2));
    expect(many.logs.join('\n')).not.toMatch(/over the limit/);
    expect(many.logs.join('\n')).toMatch(/Access violation/);
    expect((await run('pda', bytes(7, 7, 7))).error).toBeUndefined();
  });

  it('heap size and heap cost', async () => {
    await run('heap', bytes(40));
  });

  it('sysvars, epoch stake, stack height, secp256k1 and curve25519', async () => {
    await run('sysinfo', bytes(0));
    await run('sysinfo', bytes(1, new Uint8Array(32), u64(0n), u64(8n)));
    await run('sysinfo', bytes(3), [meta(d.payer.address, false)]);
    await run('sysinfo', bytes(2, 0));
    const key = secp256k1.utils.randomSecretKey();
    const hash = sha256(new TextEncoder().encode('budget'));
    const sig = secp256k1.sign(hash, key, { prehash: false, format: 'recovered' });
    await run('sysinfo', bytes(4, hash, sig[0], sig.subarray(1)));
    const s32 = bytes(u64(99n), new Uint8Array(24));
    for (const curve of [0, 1]) {
      const point = (curve === 0 ? ed25519 : ristretto255).Point.BASE.multiply(4n).toBytes();
      for (const op of [0, 1]) await run('sysinfo', bytes(5, curve, op, point, point));
      await run('sysinfo', bytes(5, curve, 2, s32, point));
      await run('sysinfo', bytes(6, curve, point));
      await run('sysinfo', bytes(7, curve, 2, s32, s32, point, point));
    }
  });

  it('cross-program invocation: invoke units, bytes per unit, return data, PDA signing', async () => {
    await run('cpi', bytes(1, 0, 1, 2, 3, 4, 5), [meta(ids.cpi_callee, false)]);
    const [vault, bump] = await getProgramDerivedAddress({ programAddress: ids.cpi, seeds: ['vault'] });
    setBoth(d, vault, { lamports: 5_000_000_000n, owner: SYSTEM_PROGRAM });
    await run('cpi', bytes(0, bump, u64(1_000_000n)), [meta(vault, true), meta(d.payer.address, true), meta(SYSTEM_PROGRAM, false)]);
  });

  it('alt_bn128 group operations, pairing, compression and Poseidon', async () => {
    for (const op of [0, 2, 4, 6]) await run('bn254', bytes(0, op, new Uint8Array(op < 4 ? 128 : 256)));
    await run('bn254', bytes(0, 3, new Uint8Array(192 * 2)));
    for (const op of [0, 1, 2, 3]) await run('bn254', bytes(1, op, new Uint8Array(op === 1 ? 32 : op === 3 ? 64 : op === 0 ? 64 : 128)));
    const one = bytes(new Uint8Array(31), 1);
    await run('bn254', bytes(2, 0, 2, 0, one, one));
  });
});

describe('limits of a fixed budget, in websvm and LiteSVM', () => {
  it('a zero cpiBytesPerUnit charges everything (Agave’s checked division), except in sol_get_sysvar', async () => {
    const d = await Dual.create();
    const cpi = await deployBoth(d, programElf('cpi'));
    const callee = await deployBoth(d, programElf('cpi_callee'));
    const sysinfo = await deployBoth(d, programElf('sysinfo'));
    const memory = await deployBoth(d, programElf('syscalls'));
    const budget = new TheirBudget();
    budget.cpiBytesPerUnit = 0n;
    d.theirs.withComputeBudget(budget);
    d.ours.withComputeBudget(budget);
    const r = await expectSame(d, [{ programAddress: cpi, accounts: [meta(callee, false)], data: bytes(1, 0, 1, 2) }]);
    expect(r.error).toBe('InstructionError(0, ComputationalBudgetExceeded)');
    expect((await expectSame(d, [{ programAddress: sysinfo, accounts: [meta(d.payer.address, false)], data: bytes(3) }])).error).toBe(
      'InstructionError(0, ComputationalBudgetExceeded)',
    );
    expect((await expectSame(d, [{ programAddress: memory, accounts: [], data: bytes(0, 1) }])).error).toBe('InstructionError(0, ComputationalBudgetExceeded)');
    // sol_get_sysvar is the exception: its divisions fall back to 0.
    const clock = enc.encode(address('SysvarC1ock11111111111111111111111111111111'));
    expect((await expectSame(d, [{ programAddress: sysinfo, accounts: [], data: bytes(1, clock, u64(0n), u64(8n)) }])).error).toBeUndefined();
  });

  it('nesting depth, trace length and unit limit replace what the transaction asks for', async () => {
    const d = await Dual.create();
    const cpi = await deployBoth(d, programElf('cpi'));
    const logging = await deployBoth(d, programElf('logging'));
    const budget = new TheirBudget();
    budget.maxInstructionStackDepth = 3n;
    budget.maxInstructionTraceLength = 3n;
    d.theirs.withComputeBudget(budget);
    d.ours.withComputeBudget(budget);
    expect((await expectSame(d, [{ programAddress: cpi, accounts: [meta(cpi, false)], data: bytes(3, 2) }])).error).toBeUndefined();
    expect((await expectSame(d, [{ programAddress: cpi, accounts: [meta(cpi, false)], data: bytes(3, 4) }])).error).toBeDefined();
    const log = (n: number): Instruction => ({ programAddress: logging, accounts: [], data: bytes(n) });
    expect((await expectSame(d, [log(1), log(2), log(3)])).error).toBeUndefined();
    expect((await expectSame(d, [log(1), log(2), log(3), log(4)])).error).toBe('InstructionError(3, MaxInstructionTraceLengthExceeded)');

    budget.computeUnitLimit = 500n;
    d.theirs.withComputeBudget(budget);
    d.ours.withComputeBudget(budget);
    const setLimit: Instruction = {
      programAddress: address('ComputeBudget111111111111111111111111111111'),
      accounts: [],
      data: bytes(2, u64(1_400_000n).subarray(0, 4)),
    };
    const r = await expectSame(d, [setLimit, log(1)]);
    expect(r.error).toBe('InstructionError(1, ComputationalBudgetExceeded)');
  });
});
