/**
 * Bad addresses and bad u64 arguments (lamports, slots, sizes, limits) are refused with a typed
 * `WebsvmError` naming the argument and the value, before anything changes; LiteSVM refuses the
 * same bigints (its binding's u64/usize conversion) and accepts the same boundaries.
 */
import { describe, expect, it } from 'vitest';
import bs58 from 'bs58';
import { PublicKey } from '@solana/web3.js';
import { lamports as kitLamports, type Address } from '@solana/kit';
import { LiteSVM } from 'litesvm';
import { assembleToElf, ComputeBudget, FeatureSet, InstructionHarness, SVM, WebsvmError } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { state } from '../helpers/svm-state.js';

const OWNER = '11111111111111111111111111111111';
const SOMEONE = 'So11111111111111111111111111111111111111112';
const ELF = assembleToElf('mov64 r0, 0\nexit', { sbpfVersion: 0 });

/** Bad addresses, and the part of the message that says why. */
const BAD_ADDRESSES: [unknown, string][] = [
  ['not base58: 0OIl', 'which is not base58'],
  ['', 'decodes to 0 bytes, not 32'],
  ['1111', 'decodes to 4 bytes, not 32'],
  [bs58.encode(new Uint8Array(33).fill(7)), 'decodes to 33 bytes, not 32'],
  [new Uint8Array(31), 'must be 32 bytes, got 31'],
  [{ toBase58: () => 'x0x' }, 'got "x0x", which is not base58'],
  [42, 'must be an address, got 42'],
  [undefined, 'must be an address, got undefined'],
];

/** Bad u64 values and how the message shows them. */
const BAD_U64: [unknown, string][] = [
  [-1n, '-1'],
  [-1, '-1'],
  [1.5, '1.5'],
  [NaN, 'NaN'],
  [Infinity, 'Infinity'],
  [2n ** 64n, '18446744073709551616'],
  [2n ** 64n + 100n, '18446744073709551716'],
  [2 ** 64, '18446744073709552000'],
  ['100', '"100"'],
];

const web3Account = (over: Record<string, unknown> = {}) => ({ lamports: 1n, data: new Uint8Array(0), owner: OWNER, executable: false, ...over });
const kitAccount = (over: Record<string, unknown> = {}) =>
  ({ address: SOMEONE, lamports: kitLamports(1n), data: new Uint8Array(0), programAddress: OWNER, executable: false, space: 0n, ...over }) as never;

/** Every address argument of the API: its name and a call passing `a` there. */
const ADDRESS_ARGUMENTS: [string, string, (svm: SVM, a: never) => unknown][] = [
  ['getAccount', 'address', (svm, a) => svm.getAccount(a)],
  ['getBalance', 'address', (svm, a) => svm.getBalance(a)],
  ['getProgramAccounts', 'programAddress', (svm, a) => svm.getProgramAccounts(a)],
  ['airdrop', 'address', (svm, a) => svm.airdrop(a, 1n)],
  ['setAccount(address, info)', 'address', (svm, a) => svm.setAccount(a, web3Account())],
  ['setAccount(address, info)', 'owner', (svm, a) => svm.setAccount(SOMEONE, web3Account({ owner: a }))],
  ['setAccount(encoded)', 'address', (svm, a) => svm.setAccount(kitAccount({ address: a }))],
  ['setAccount(encoded)', 'programAddress', (svm, a) => svm.setAccount(kitAccount({ programAddress: a }))],
  ['addProgram', 'programId', (svm, a) => svm.addProgram(a, ELF)],
  ['addProgramWithLoader', 'programId', (svm, a) => svm.addProgramWithLoader(a, ELF, 'BPFLoader2111111111111111111111111111111111')],
  ['addProgramWithLoader', 'loaderId', (svm, a) => svm.addProgramWithLoader(SOMEONE, ELF, a)],
  ['FeatureSet.isActive', 'featureId', (_, a) => FeatureSet.allEnabled().isActive(a)],
  ['FeatureSet.activate', 'featureId', (_, a) => FeatureSet.allEnabled().activate(a, 0n)],
  ['InstructionHarness.addProgram', 'programId', (_, a) => new InstructionHarness().addProgram(a, ELF)],
  ['InstructionHarness.process', 'programAddress', (_, a) => new InstructionHarness().process({ programAddress: a, accounts: [] }, [])],
  [
    'InstructionHarness.process',
    'owner',
    (_, a) => new InstructionHarness().process({ programAddress: SOMEONE as Address }, [[SOMEONE, { lamports: 1n, owner: a }]]),
  ],
];

/** Every u64 argument of the API: its name and a call passing `v` there. */
const U64_ARGUMENTS: [string, string, (svm: SVM, v: never) => unknown][] = [
  ['airdrop', 'lamports', (svm, v) => svm.airdrop(SOMEONE, v)],
  ['withLamports', 'lamports', (svm, v) => svm.withLamports(v)],
  ['setAccount(address, info)', 'lamports', (svm, v) => svm.setAccount(SOMEONE, web3Account({ lamports: v }))],
  ['setAccount(address, info)', 'rentEpoch', (svm, v) => svm.setAccount(SOMEONE, web3Account({ rentEpoch: v }))],
  ['setAccount(encoded)', 'lamports', (svm, v) => svm.setAccount(kitAccount({ lamports: v }))],
  ['warpToSlot', 'slot', (svm, v) => svm.warpToSlot(v)],
  ['setLastRestartSlot', 'slot', (svm, v) => svm.setLastRestartSlot(v)],
  ['minimumBalanceForRentExemption', 'dataLen', (svm, v) => svm.minimumBalanceForRentExemption(v)],
  ['withTransactionHistory', 'capacity', (svm, v) => svm.withTransactionHistory(v)],
  ['withLogBytesLimit', 'limit', (svm, v) => svm.withLogBytesLimit(v)],
  ['withComputeBudget', 'ComputeBudget.computeUnitLimit', (svm, v) => svm.withComputeBudget(Object.assign(new ComputeBudget(), { computeUnitLimit: v }))],
  ['withComputeBudget', 'ComputeBudget.heapSize', (svm, v) => svm.withComputeBudget(Object.assign(new ComputeBudget(), { heapSize: v }))],
  ['withComputeBudget', 'ComputeBudget.maxCallDepth', (svm, v) => svm.withComputeBudget(Object.assign(new ComputeBudget(), { maxCallDepth: v }))],
  ['FeatureSet.activate', 'slot', (_, v) => FeatureSet.allEnabled().activate(SOMEONE, v)],
  [
    'InstructionHarness.process',
    'lamports',
    (_, v) => new InstructionHarness().process({ programAddress: SOMEONE as Address }, [[SOMEONE, { lamports: v, owner: OWNER }]]),
  ],
];

describe('argument validation', () => {
  it('airdrop of 2^64 + 100 lamports is refused and moves nothing (it used to move 100)', () => {
    const svm = new SVM();
    const faucet = svm.getBalance(svm.runtime.airdropAddress);
    const e = thrown(WebsvmError, () => svm.airdrop(SOMEONE, 2n ** 64n + 100n));
    expect(e.kind).toBe('InvalidArgument');
    expect(e.message).toBe('lamports must be an unsigned 64-bit integer, got 18446744073709551716');
    expect(svm.getBalance(SOMEONE)).toBeNull();
    expect(svm.getBalance(svm.runtime.airdropAddress)).toBe(faucet);
  });

  /**
   * Calls every `calls` entry with every `values` entry on one SVM, requiring a `WebsvmError` of
   * `kind` whose message `expected(name, why)` describes, and the SVM unchanged afterwards.
   */
  function refusesAll(calls: typeof ADDRESS_ARGUMENTS, values: [unknown, string][], kind: string, expected: (name: string, why: string) => RegExp) {
    const svm = new SVM().withTransactionHistory(0n);
    const before = state(svm);
    for (const [method, name, call] of calls) {
      for (const [bad, why] of values) {
        const e = thrown(WebsvmError, () => call(svm, bad as never));
        expect(e.kind, `${method} ${name} ${String(bad)}`).toBe(kind);
        expect(e.message, `${method} ${name} ${String(bad)}`).toMatch(expected(name, why));
      }
    }
    expect(state(svm)).toBe(before);
  }
  const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('refuses every bad address with kind InvalidAddress, naming the argument and the value, changing nothing', () => {
    refusesAll(ADDRESS_ARGUMENTS, BAD_ADDRESSES, 'InvalidAddress', (name, why) => new RegExp(`^(?=.*${literally(why)})${name} must be `));
  });

  it('refuses every bad u64 with kind InvalidArgument, naming the argument and the value, changing nothing', () => {
    refusesAll(
      U64_ARGUMENTS,
      BAD_U64,
      'InvalidArgument',
      (name, shown) => new RegExp(`^${literally(`${name} must be an unsigned 64-bit integer, got ${shown}`)}$`),
    );
  });

  it('takes web3.js PublicKeys, 32 bytes and base58 alike', () => {
    const svm = new SVM();
    const key = new PublicKey(SOMEONE);
    svm.airdrop(key, 10n ** 9n);
    expect(svm.getBalance(key.toBytes())).toBe(10n ** 9n);
    expect(svm.getAccount(SOMEONE)).toMatchObject({ exists: true, lamports: 10n ** 9n });
  });
});

describe('u64 arguments: websvm vs LiteSVM', () => {
  /** Methods whose u64 argument LiteSVM's binding converts: how each side calls them. */
  const both: [string, (svm: SVM, v: bigint) => unknown, (svm: LiteSVM, v: bigint) => unknown][] = [
    ['airdrop', (s, v) => s.airdrop(SOMEONE, v), (s, v) => s.airdrop(SOMEONE as Address, kitLamports(v))],
    ['withLamports', (s, v) => s.withLamports(v), (s, v) => s.withLamports(v)],
    ['setAccount', (s, v) => s.setAccount(kitAccount({ lamports: v })), (s, v) => s.setAccount(kitAccount({ lamports: v }))],
    ['warpToSlot', (s, v) => s.warpToSlot(v), (s, v) => s.warpToSlot(v)],
    ['setLastRestartSlot', (s, v) => s.setLastRestartSlot(v), (s, v) => s.setLastRestartSlot(v)],
    ['minimumBalanceForRentExemption', (s, v) => s.minimumBalanceForRentExemption(v), (s, v) => s.minimumBalanceForRentExemption(v)],
    ['withTransactionHistory', (s, v) => s.withTransactionHistory(v), (s, v) => s.withTransactionHistory(v)],
    ['withLogBytesLimit', (s, v) => s.withLogBytesLimit(v), (s, v) => s.withLogBytesLimit(v)],
  ];

  it('both refuse what is outside u64 and accept its ends', () => {
    for (const [method, ours, theirs] of both) {
      for (const bad of [-1n, 2n ** 64n, 2n ** 64n + 100n]) {
        expect(() => theirs(new LiteSVM(), bad), `${method} ${bad}`).toThrow();
        expect(() => ours(new SVM(), bad), `${method} ${bad}`).toThrow(WebsvmError);
      }
      // Beyond 10 MiB (the largest account) LiteSVM answers u64::MAX, a rule of its own; a history
      // of 2^64 - 1 aborts LiteSVM's process (its allocation overflows).
      const ends: Record<string, bigint[]> = { minimumBalanceForRentExemption: [0n, 10n * 1024n * 1024n], withTransactionHistory: [0n, 1000n] };
      for (const end of ends[method] ?? [0n, 2n ** 64n - 1n]) {
        const [a, b] = [new SVM(), new LiteSVM()];
        const [r, s] = [ours(a, end), theirs(b, end)];
        if (method === 'minimumBalanceForRentExemption') expect(r, `${end}`).toBe(s);
        // The faucets' keys differ, so do the signatures.
        const unsigned = (x: unknown) => String(x).replace(/signature: \w+/, '');
        if (method === 'airdrop') expect(unsigned(r), `${end}`).toBe(unsigned(s));
        if (method === 'warpToSlot') expect(a.getClock().slot).toBe(b.getClock().slot);
        if (method === 'setLastRestartSlot') expect(a.getLastRestartSlot()).toBe(b.getLastRestartSlot());
      }
    }
  });
});
