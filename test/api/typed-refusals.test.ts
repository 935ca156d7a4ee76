/**
 * Arguments of the wrong shape (null, a number for an object, a list for bytes, a missing file, a
 * sysvar field outside its Rust type) are refused by every method family with a `WebsvmError` whose
 * kind is stable and whose message names the argument, before anything changes. The sysvar field
 * ranges are LiteSVM's: its binding refuses the same values when its sysvar objects are built.
 */
import { describe, expect, it } from 'vitest';
import { Clock as LiteClock, EpochRewards as LiteEpochRewards, LiteSVM, Rent as LiteRent } from 'litesvm';
import {
  assembleToElf,
  Clock,
  ComputeBudget,
  EpochRewards,
  FeatureSet,
  Rent,
  SlotHistory,
  StakeHistory,
  StakeHistoryEntry,
  SVM,
  WebsvmError,
} from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import { state } from '../helpers/svm-state.js';

const PROGRAM = 'So11111111111111111111111111111111111111112';
const HASH = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const ELF = assembleToElf('mov64 r0, 0\nexit', { sbpfVersion: 0 });

const clock = (over: Partial<Clock> = {}) => Object.assign(new Clock(1n, 0n, 0n, 0n, 0n), over);
const rewards = (over: Partial<EpochRewards> = {}) => Object.assign(new EpochRewards(0n, 0n, HASH, 0n, 0n, 0n, false), over);

/** Per method family: a call, the kind it must be refused with, and its whole message (or a pattern of it). */
const REFUSALS: Record<string, [string, (svm: SVM) => unknown, string, string | RegExp][]> = {
  transactions: [
    [
      'sendTransaction(null)',
      (s) => s.sendTransaction(null as never),
      'InvalidTransaction',
      'transaction must be a kit Transaction, a web3.js Transaction or VersionedTransaction, or wire bytes, got null',
    ],
    ['simulateTransaction(5n)', (s) => s.simulateTransaction(5n as never), 'InvalidTransaction', /^transaction must be .* got 5$/],
    [
      'messageBytes not bytes',
      (s) => s.sendTransaction({ messageBytes: [1, 2], signatures: { [PROGRAM]: null } } as never),
      'InvalidTransaction',
      'transaction messageBytes must be bytes (a Uint8Array), got an array of 2',
    ],
    [
      'a signature of 3 bytes',
      (s) => s.sendTransaction({ messageBytes: new Uint8Array(5), signatures: { [PROGRAM]: new Uint8Array(3) } } as never),
      'InvalidTransaction',
      'transaction signatures must be 64 bytes each (or null), got 3 bytes',
    ],
    [
      'no signatures (kit refuses)',
      (s) => s.sendTransaction({ messageBytes: new Uint8Array(5), signatures: {} } as never),
      'InvalidTransaction',
      /^transaction cannot be encoded: /,
    ],
    ['getTransaction(5)', (s) => s.getTransaction(5 as never), 'InvalidArgument', 'signature must be a base58 string or 64 bytes, got 5'],
  ],
  'sysvar setters': [
    ['setClock(null)', (s) => s.setClock(null as never), 'InvalidArgument', 'clock must be a Clock, got null'],
    ['a negative slot', (s) => s.setClock(clock({ slot: -1n })), 'InvalidArgument', 'Clock.slot must be an unsigned 64-bit integer, got -1'],
    [
      'a timestamp past i64',
      (s) => s.setClock(clock({ unixTimestamp: 2n ** 63n })),
      'InvalidArgument',
      'Clock.unixTimestamp must be a signed 64-bit integer, got 9223372036854775808',
    ],
    [
      'a missing field',
      (s) => s.setRent({ lamportsPerByteYear: 1n, exemptionThreshold: 1 } as never),
      'InvalidArgument',
      'Rent.burnPercent must be a number, got undefined',
    ],
    ['burnPercent 256', (s) => s.setRent(new Rent(1n, 1, 256)), 'InvalidArgument', 'Rent.burnPercent must be from 0 to 255, got 256'],
    [
      'warmup not a boolean',
      (s) => s.setEpochSchedule({ slotsPerEpoch: 32n, leaderScheduleSlotOffset: 32n, warmup: 1, firstNormalEpoch: 0n, firstNormalSlot: 0n } as never),
      'InvalidArgument',
      'EpochSchedule.warmup must be true or false, got 1',
    ],
    [
      'totalPoints past u128',
      (s) => s.setEpochRewards(rewards({ totalPoints: 2n ** 128n })),
      'InvalidArgument',
      `EpochRewards.totalPoints must be an unsigned 128-bit integer, got ${2n ** 128n}`,
    ],
    [
      'a blockhash of 1 byte',
      (s) => s.setEpochRewards(rewards({ parentBlockhash: '2' })),
      'InvalidArgument',
      'EpochRewards.parentBlockhash must be a base58 hash of 32 bytes, got "2", which decodes to 1 bytes, not 32',
    ],
    ['setSlotHashes(null)', (s) => s.setSlotHashes(null as never), 'InvalidArgument', 'hashes must be an array of SlotHash, got null'],
    [
      '513 slot hashes',
      (s) => s.setSlotHashes(Array.from({ length: 513 }, (_, i) => ({ slot: BigInt(i), hash: HASH }))),
      'InvalidArgument',
      'hashes must be at most 512 entries, got an array of 513',
    ],
    [
      'a slot hash without a slot',
      (s) => s.setSlotHashes([{ hash: HASH } as never]),
      'InvalidArgument',
      'hashes[0].slot must be an unsigned 64-bit integer, got undefined',
    ],
    [
      'too many history words',
      (s) => s.setSlotHistory(new SlotHistory(new BigUint64Array(16_385), 1n)),
      'InvalidArgument',
      'SlotHistory.bits must be at most 16384 words, got 16385',
    ],
    [
      'setStakeHistory({})',
      (s) => s.setStakeHistory({} as never),
      'InvalidArgument',
      'StakeHistory.entries must be an array (a StakeHistory built with new StakeHistory()), got undefined',
    ],
    [
      'a negative stake epoch',
      (s) => {
        const history = new StakeHistory();
        history.add(-1n, new StakeHistoryEntry(0n, 0n, 0n));
        s.setStakeHistory(history);
      },
      'InvalidArgument',
      'StakeHistory.entries[0].epoch must be an unsigned 64-bit integer, got -1',
    ],
  ],
  programs: [
    [
      'addProgram(id, [1, 2, 3])',
      (s) => s.addProgram(PROGRAM, [1, 2, 3] as never),
      'InvalidArgument',
      'programBytes must be bytes (a Uint8Array), got an array of 3',
    ],
    [
      'addProgramWithLoader(id, undefined, loader)',
      (s) => s.addProgramWithLoader(PROGRAM, undefined as never, 'BPFLoader2111111111111111111111111111111111'),
      'InvalidArgument',
      'programBytes must be bytes (a Uint8Array), got undefined',
    ],
    ['addProgramFromFile(id, "")', (s) => s.addProgramFromFile(PROGRAM, ''), 'InvalidArgument', 'path must be a file path, got ""'],
    [
      'a missing file',
      (s) => s.addProgramFromFile(PROGRAM, '/nonexistent/program.so'),
      'FileError',
      /^cannot read \/nonexistent\/program\.so: ENOENT: no such file or directory/,
    ],
  ],
  'snapshot and restore': [
    ['restore(undefined)', (s) => s.restore(undefined as never), 'InvalidArgument', 'snapshot must be what snapshot() returned, got undefined'],
    [
      'restore of a look-alike',
      (s) => s.restore({ accounts: new Map() } as never),
      'InvalidArgument',
      'snapshot must be what snapshot() returned, got an object',
    ],
  ],
  'config builders': [
    [
      'withFeatureSet({})',
      (s) => s.withFeatureSet({} as never),
      'InvalidArgument',
      'featureSet must be a FeatureSet (FeatureSet.mainnet(), FeatureSet.allEnabled() or new FeatureSet()), got an object',
    ],
    ['withComputeBudget(null)', (s) => s.withComputeBudget(null as never), 'InvalidArgument', 'budget must be a ComputeBudget, got null'],
    ['withDefaultPrograms([])', (s) => s.withDefaultPrograms([] as never), 'InvalidArgument', 'source must be a ProgramSource (a function), got an array of 0'],
    ['withSigverify("no")', (s) => s.withSigverify('no' as never), 'InvalidArgument', 'sigverify must be true or false, got "no"'],
    ['withEngine("fast")', (s) => s.withEngine('fast' as never), 'InvalidArgument', `engine must be one of 'auto', 'jit', 'interpreter', got "fast"`],
    ['useIdl({})', (s) => s.useIdl({} as never), 'InvalidArgument', 'namer.describe must be a function, got undefined'],
    [
      'setAccount(undefined)',
      (s) => s.setAccount(undefined as never),
      'InvalidArgument',
      'account must be an EncodedAccount, or an address and an account, got undefined',
    ],
  ],
};

describe('typed refusals of misshapen arguments', () => {
  it.each(Object.entries(REFUSALS))('%s: a WebsvmError naming the argument, nothing changed', (_, cases) => {
    const svm = new SVM().withTransactionHistory(0n);
    const before = state(svm);
    const clockBefore = String(svm.getClock());
    for (const [what, call, kind, message] of cases) {
      const e = thrown(WebsvmError, () => call(svm));
      expect(e.kind, what).toBe(kind);
      if (typeof message === 'string') expect(e.message, what).toBe(message);
      else expect(e.message, what).toMatch(message);
    }
    expect(state(svm)).toBe(before);
    expect(String(svm.getClock())).toBe(clockBefore);
  });

  it('arguments of the right shape are still taken (a Buffer as program bytes, a plain namer)', () => {
    const svm = new SVM().withFeatureSet(FeatureSet.allEnabled()).withComputeBudget(new ComputeBudget()).withEngine('interpreter');
    svm.useIdl({ programId: PROGRAM, describe: () => 'named' });
    svm.addProgram(PROGRAM, Buffer.from(ELF));
    expect(svm.getAccount(PROGRAM).exists).toBe(true);
  });
});

describe('sysvar field ranges: websvm vs LiteSVM', () => {
  const I64 = [-(2n ** 63n) - 1n, -(2n ** 63n), -1n, 2n ** 63n - 1n, 2n ** 63n];
  const U64 = [-1n, 0n, 2n ** 64n - 1n, 2n ** 64n];

  /** Whether `f` throws; LiteSVM's refusals are plain `Error`s, ours must be typed. */
  const refuses = (f: () => unknown, typed: boolean) => {
    try {
      f();
      return false;
    } catch (e) {
      if (typed && !(e instanceof WebsvmError)) throw e;
      return true;
    }
  };

  it('Clock: both refuse and accept the same u64 and i64 values, and read back the same clock', () => {
    const fields = [
      ['slot', U64],
      ['epochStartTimestamp', I64],
      ['epoch', U64],
      ['leaderScheduleEpoch', U64],
      ['unixTimestamp', I64],
    ] as const;
    fields.forEach(([field, values], at) => {
      for (const v of values) {
        const args = [1n, 2n, 3n, 4n, 5n];
        args[at] = v;
        const [ours, theirs] = [new SVM(), new LiteSVM()];
        const refusedByUs = refuses(() => ours.setClock(new Clock(...(args as [bigint, bigint, bigint, bigint, bigint]))), true);
        const refusedByLiteSvm = refuses(() => theirs.setClock(new LiteClock(...(args as [bigint, bigint, bigint, bigint, bigint]))), false);
        expect(refusedByUs, `${field} ${v}`).toBe(refusedByLiteSvm);
        if (!refusedByUs) expect(String(ours.getClock()), `${field} ${v}`).toBe(String(theirs.getClock()));
      }
    });
  });

  it('Rent burnPercent and EpochRewards totalPoints: the same ends on both', () => {
    for (const burn of [-1, 0, 1.5, 255, 255.5, 256]) {
      const ours = refuses(() => new SVM().setRent(new Rent(1n, 1, burn)), true);
      expect(ours, `burnPercent ${burn}`).toBe(refuses(() => new LiteSVM().setRent(new LiteRent(1n, 1, burn)), false));
    }
    for (const points of [-1n, 0n, 2n ** 64n, 2n ** 128n - 1n, 2n ** 128n]) {
      const ours = refuses(() => new SVM().setEpochRewards(rewards({ totalPoints: points })), true);
      const theirs = refuses(() => new LiteSVM().setEpochRewards(new LiteEpochRewards(0n, 0n, HASH, points, 0n, 0n, false)), false);
      expect(ours, `totalPoints ${points}`).toBe(theirs);
    }
  });
});
