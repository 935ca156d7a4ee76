/**
 * Account data around program runs and CPIs, against LiteSVM: programs store to large accounts in
 * every way a program can (single stores, stores in a loop, `sol_memset_`, `sol_memcpy_`,
 * `sol_memmove_`), before, in and after
 * CPIs, and the runtime must lose no change and no error — the guard for any shortcut that
 * compares or copies only part of an account's data. Each scenario's programs are assembled for
 * the accounts it passes: the layout of every input is known, so the programs address account
 * data directly.
 */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, type Address, type Instruction } from '@solana/kit';
import { assembleToElf } from '../../src/index.js';
import { deployBoth, Dual, meta, setBoth } from '../helpers/dual.js';

const INPUT = 0x4_0000_0000;
const HEAP = 0x3_0000_0000;
const ROOM = 10_240;
const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** VM addresses of each account's fields in an ABIv1 input holding accounts of data lengths `lens` (no duplicates). */
function inputLayout(lens: number[]) {
  const records: number[] = [];
  let at = INPUT + 8;
  for (const len of lens) {
    records.push(at);
    at += 88 + len + ROOM + pad8(len) + 8;
  }
  return {
    key: (i: number) => records[i] + 8,
    lamports: (i: number) => records[i] + 72,
    len: (i: number) => records[i] + 80,
    data: (i: number) => records[i] + 88,
  };
}
type Layout = ReturnType<typeof inputLayout>;

let labels = 0;
const hex = (n: number) => `0x${n.toString(16)}`;
/** Stores `byte` at data offset `off` of account `i`. */
const put = (l: Layout, i: number, off: number, byte: number) => [`lddw r1, ${hex(l.data(i) + off)}`, `stb [r1+0], ${byte}`];
/** Stores `byte` at data offsets `off` to `off + n - 1` of account `i`, one store per iteration of a loop. */
function fill(l: Layout, i: number, off: number, n: number, byte: number): string[] {
  const loop = `fill_${labels++}`;
  return [`lddw r1, ${hex(l.data(i) + off)}`, `mov64 r3, ${n}`, `${loop}:`, `stb [r1+0], ${byte}`, 'add64 r1, 1', 'sub64 r3, 1', `jne r3, 0, ${loop}`];
}
/** `sol_memset_` of `n` bytes at data offset `off` of account `i`. */
const memset = (l: Layout, i: number, off: number, n: number, byte: number) => [
  `lddw r1, ${hex(l.data(i) + off)}`,
  `mov64 r2, ${byte}`,
  `mov64 r3, ${n}`,
  'syscall sol_memset_',
];
/** `syscall` (`sol_memcpy_` or `sol_memmove_`) of `n` bytes from data offset `from[1]` of account `from[0]` to offset `to[1]` of account `to[0]`. */
const copy = (syscall: string, l: Layout, to: [number, number], from: [number, number], n: number) => [
  `lddw r1, ${hex(l.data(to[0]) + to[1])}`,
  `lddw r2, ${hex(l.data(from[0]) + from[1])}`,
  `mov64 r3, ${n}`,
  `syscall ${syscall}`,
];
/** Logs the byte at data offset `off` of account `i`. */
const logByte = (l: Layout, i: number, off: number) => [
  `lddw r1, ${hex(l.data(i) + off)}`,
  'ldxb r1, [r1+0]',
  'mov64 r2, 0',
  'mov64 r3, 0',
  'mov64 r4, 0',
  'mov64 r5, 0',
  'syscall sol_log_64_',
];
/** Logs the data length the input holds for account `i`. */
const logLen = (l: Layout, i: number) => [
  `lddw r1, ${hex(l.len(i))}`,
  'ldxdw r1, [r1+0]',
  'mov64 r2, 0',
  'mov64 r3, 0',
  'mov64 r4, 0',
  'mov64 r5, 0',
  'syscall sol_log_64_',
];
/** Sets the data length the input holds for account `i` (a realloc). */
const setLen = (l: Layout, i: number, len: number) => [`lddw r1, ${hex(l.len(i))}`, `mov64 r2, ${len}`, 'stxdw [r1+0], r2'];

/**
 * `sol_invoke_signed_c` of the program whose key is account `program`'s, with no data, passing
 * `accounts` (each with its AccountInfo, pointing at the input, its length read from the input).
 */
function invoke(l: Layout, program: number, accounts: { i: number; writable: boolean }[]): string[] {
  const ix = HEAP;
  const metas = HEAP + 64;
  const infos = HEAP + 1024;
  const u64 = (addr: number, value: string) => [`lddw r1, ${hex(addr)}`, `lddw r2, ${value}`, 'stxdw [r1+0], r2'];
  const out = [...u64(ix, hex(l.key(program))), ...u64(ix + 8, hex(metas)), ...u64(ix + 16, String(accounts.length)), ...u64(ix + 24, hex(HEAP + 512))];
  accounts.forEach(({ i, writable }, k) => {
    const meta = metas + 16 * k;
    const info = infos + 56 * k;
    out.push(...u64(meta, hex(l.key(i))), `lddw r1, ${hex(meta)}`, `stb [r1+8], ${writable ? 1 : 0}`);
    out.push(...u64(info, hex(l.key(i))), ...u64(info + 8, hex(l.lamports(i))), ...u64(info + 24, hex(l.data(i))), ...u64(info + 32, hex(l.key(i) + 32)));
    out.push(`lddw r1, ${hex(l.len(i))}`, 'ldxdw r2, [r1+0]', `lddw r1, ${hex(info)}`, 'stxdw [r1+16], r2', `stb [r1+49], ${writable ? 1 : 0}`);
  });
  out.push(`lddw r1, ${hex(ix)}`, `lddw r2, ${hex(infos)}`, `mov64 r3, ${accounts.length}`, 'mov64 r4, 0', 'mov64 r5, 0', 'syscall sol_invoke_signed_c');
  return out;
}

/** A program that runs `outer` at stack height 1 and `inner` (when it invokes itself) deeper. */
const program = (outer: string[], inner: string[] = []) =>
  assembleToElf(['syscall sol_get_stack_height', 'jne r0, 1, inner', ...outer, 'mov64 r0, 0', 'exit', 'inner:', ...inner, 'mov64 r0, 0', 'exit'].join('\n'), {
    sbpfVersion: 0,
  });

// The caller's accounts: A (its own, writable), B (the callee's, writable), R (its own, read-only),
// then the callee and the caller themselves (last, so their lengths move no other field).
const [A, B, R, CALLEE, SELF] = [0, 1, 2, 3, 4];
const LENS = [20_000, 13_000, 9_000];
/** A program account of the upgradeable loader (`addProgram`'s) holds 36 bytes. */
const top = inputLayout([...LENS, 36, 36]);

interface Scenario {
  name: string;
  /** The caller's code at height 1 and 2 (when it invokes itself with A alone). */
  caller: (l: Layout) => string[];
  callerInner?: (l: Layout) => string[];
  /** The callee's code, for the layout of the accounts it is passed (as the caller passes them). */
  callee?: (l: Layout) => string[];
  calleeLens?: number[];
}

const SCENARIOS: Scenario[] = [
  {
    name: 'the caller stores to its account, then the callee reads the bytes (single stores, a loop, memset)',
    caller: (l) => [
      ...put(l, A, 5000, 0x11),
      ...fill(l, A, 13_000, 40, 0x22),
      ...memset(l, A, 8190, 9, 0x23),
      ...invoke(l, CALLEE, [{ i: A, writable: true }]),
      ...put(l, A, 9000, 0x33),
    ],
    callee: (l) => [...logByte(l, 0, 5000), ...logByte(l, 0, 13_039), ...logByte(l, 0, 8198), ...logByte(l, 0, 9000)],
    calleeLens: [LENS[A]],
  },
  {
    name: 'the caller copies and moves bytes across pages of its account, then the callee reads them',
    caller: (l) => [
      ...copy('sol_memcpy_', l, [A, 100], [A, 10_000], 9000),
      ...copy('sol_memmove_', l, [A, 12_290], [A, 12_280], 5000),
      ...copy('sol_memcpy_', l, [A, 19_990], [B, 0], 10),
      ...invoke(l, CALLEE, [{ i: A, writable: true }]),
      ...copy('sol_memmove_', l, [A, 4096 * 3 - 2], [A, 4096 * 3], 4099),
    ],
    callee: (l) => [...logByte(l, 0, 100), ...logByte(l, 0, 9099), ...logByte(l, 0, 12_295), ...logByte(l, 0, 17_289), ...logByte(l, 0, 19_999)],
    calleeLens: [LENS[A]],
  },
  {
    name: 'the callee copies and moves bytes within its account, and the caller reads them',
    caller: (l) => [...invoke(l, CALLEE, [{ i: B, writable: true }]), ...logByte(l, B, 4090), ...logByte(l, B, 8189), ...logByte(l, B, 12_001)],
    callee: (l) => [
      ...copy('sol_memcpy_', l, [0, 4090], [0, 9000], 4100),
      ...copy('sol_memmove_', l, [0, 12_000], [0, 11_990], 50),
      ...memset(l, 0, 8192, 4097, 0x4b),
    ],
    calleeLens: [LENS[B]],
  },
  {
    name: 'the caller copies into a read-only account',
    caller: (l) => copy('sol_memcpy_', l, [R, 4090], [A, 0], 20),
  },
  {
    name: 'the caller moves bytes of an account it does not own over themselves, changing nothing',
    caller: (l) => copy('sol_memmove_', l, [B, 5000], [B, 5000], 3000),
  },
  {
    name: 'the caller copies overlapping bytes of its account',
    caller: (l) => copy('sol_memcpy_', l, [A, 5000], [A, 5001], 3000),
  },
  {
    name: 'the callee stores to its account, and the caller reads the bytes',
    caller: (l) => [
      ...invoke(l, CALLEE, [{ i: B, writable: true }]),
      ...logByte(l, B, 12_345),
      ...logByte(l, B, 100),
      ...logByte(l, B, 4095),
      ...logByte(l, B, 4096),
      ...put(l, A, 19_999, 9),
    ],
    callee: (l) => [...put(l, 0, 12_345, 0x44), ...fill(l, 0, 90, 20, 0x45), ...memset(l, 0, 4092, 8, 0x46)],
    calleeLens: [LENS[B]],
  },
  {
    name: 'the callee grows its account into the realloc room',
    caller: (l) => [...invoke(l, CALLEE, [{ i: B, writable: true }]), ...logLen(l, B), ...logByte(l, B, LENS[B] + 50)],
    callee: (l) => [...setLen(l, 0, LENS[B] + 100), ...put(l, 0, LENS[B] + 50, 0x47), ...put(l, 0, 7, 0x48)],
    calleeLens: [LENS[B]],
  },
  {
    name: 'the callee shrinks its account, and the caller finds the freed tail zeroed',
    caller: (l) => [...invoke(l, CALLEE, [{ i: B, writable: true }]), ...logLen(l, B), ...logByte(l, B, 5), ...logByte(l, B, 20)],
    callee: (l) => [...put(l, 0, 5, 0x49), ...put(l, 0, 20, 0x4a), ...setLen(l, 0, 10)],
    calleeLens: [LENS[B]],
  },
  {
    name: 'the callee grows its account past the realloc limit',
    caller: (l) => invoke(l, CALLEE, [{ i: B, writable: true }]),
    callee: (l) => setLen(l, 0, LENS[B] + ROOM + 1),
    calleeLens: [LENS[B]],
  },
  {
    name: 'the caller invokes itself: both store to the same pages of its account',
    caller: (l) => [
      ...put(l, A, 4096 + 10, 1),
      ...invoke(l, SELF, [{ i: A, writable: true }]),
      ...put(l, A, 4096 + 30, 4),
      ...logByte(l, A, 4096 + 20),
      ...logByte(l, A, LENS[A] - 1),
    ],
    callerInner: (l) => [...logByte(l, 0, 4096 + 10), ...put(l, 0, 4096 + 20, 2), ...fill(l, 0, LENS[A] - 8, 8, 3)],
  },
  {
    name: 'the caller changes a read-only account',
    caller: (l) => put(l, R, 8000, 1),
  },
  {
    name: 'the caller changes a read-only account and changes it back',
    caller: (l) => [...put(l, R, 8000, 1), ...put(l, R, 8000, 0)],
  },
  {
    name: 'the caller changes a read-only account, then passes it to a CPI',
    caller: (l) => [...put(l, R, 4000, 7), ...invoke(l, CALLEE, [{ i: R, writable: false }])],
    callee: () => [],
    calleeLens: [LENS[R]],
  },
  {
    name: 'the caller changes an account it does not own',
    caller: (l) => fill(l, B, 7000, 3, 1),
  },
  {
    name: 'the caller changes an account it does not own, then passes it to a CPI',
    caller: (l) => [...memset(l, B, 7000, 3, 1), ...invoke(l, CALLEE, [{ i: B, writable: true }])],
    callee: () => [],
    calleeLens: [LENS[B]],
  },
  {
    name: 'the callee changes an account it was passed read-only',
    caller: (l) => invoke(l, CALLEE, [{ i: B, writable: false }]),
    callee: (l) => put(l, 0, 3, 1),
    calleeLens: [LENS[B]],
  },
];

const pattern = (len: number, seed: number) => Uint8Array.from({ length: len }, (_, k) => (k * seed + (k >> 8)) & 0xff);

/** Accounts A and R (the caller's) and B (the callee's) on both sides, holding patterns (R zeros when `zeroR`). */
async function makeAccounts(d: Dual, callerId: Address, calleeId: Address, zeroR: boolean): Promise<Address[]> {
  const accounts: Address[] = [];
  for (const [i, owner] of [
    [A, callerId],
    [B, calleeId],
    [R, callerId],
  ] as const) {
    const { address } = await generateKeyPairSigner();
    accounts.push(address);
    setBoth(d, address, { lamports: 1_000_000_000n, owner, data: zeroR && i === R ? new Uint8Array(LENS[i]) : pattern(LENS[i], 7 + i) });
  }
  return accounts;
}

describe.each(['auto', 'jit', 'interpreter'] as const)('account data synced around CPIs (%s)', (engine) => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_, s) => {
    const d = await Dual.create();
    d.ours.withEngine(engine);
    // The callee runs at stack height 2.
    const calleeId = await deployBoth(d, program([], s.callee?.(inputLayout(s.calleeLens ?? [])) ?? []));
    const callerId = await deployBoth(d, program(s.caller(top), s.callerInner?.(inputLayout([LENS[A]]))));
    const accounts = await makeAccounts(d, callerId, calleeId, true);
    const ix: Instruction = {
      programAddress: callerId,
      accounts: [meta(accounts[A], true), meta(accounts[B], true), meta(accounts[R], false), meta(calleeId, false), meta(callerId, false)],
      data: new Uint8Array(0),
    };
    const seen = await d.expectSame([ix], accounts);
    expect(seen.logs.length).toBeGreaterThan(2);
  });
});

/**
 * The room to grow each account's data reads zero on every run, whatever the last run in the same
 * memory left there (the runtime rezeroes only what a run may have written): the caller stores
 * into its account's room, grows it and shrinks it back, and has the callee grow another account
 * (the runtime copies the grown data into the caller's room), then runs again on the same memory.
 */
describe.each(['auto', 'jit', 'interpreter'] as const)('the room to grow is zero on every run (%s)', (engine) => {
  it('after stores into it, a realloc and back, and a callee growing an account', async () => {
    const d = await Dual.create();
    d.ours.withEngine(engine);
    const grown = inputLayout([LENS[B]]);
    // Whole pages of the room: the ones the runtime's copy covers from end to end.
    const calleeId = await deployBoth(
      d,
      program([], [...setLen(grown, 0, LENS[B] + ROOM), ...put(grown, 0, LENS[B] + 50, 0x47), ...put(grown, 0, LENS[B] + 9000, 0x47)]),
    );
    const lens = [...LENS, 36, 36];
    const dataAddr = INPUT + 8 + lens.reduce((sum, len) => sum + 88 + len + ROOM + pad8(len) + 8, 0) + 8;
    const room = [0, 100, 5000, ROOM - 1];
    const storeRoom = room.flatMap((off) => put(top, A, LENS[A] + off, 0x5a));
    const callerId = await deployBoth(
      d,
      program([
        ...room.flatMap((off) => logByte(top, A, LENS[A] + off)),
        ...logByte(top, B, LENS[B] + 50),
        ...logByte(top, B, LENS[B] + 9000),
        `lddw r1, ${hex(dataAddr)}`,
        'ldxb r6, [r1+0]',
        'jeq r6, 0, done',
        'jeq r6, 2, realloc',
        ...storeRoom,
        ...invoke(top, CALLEE, [{ i: B, writable: true }]),
        'mov64 r0, 1',
        'exit',
        'realloc:',
        ...setLen(top, A, LENS[A] + ROOM),
        ...storeRoom,
        ...setLen(top, A, LENS[A]),
        'done:',
      ]),
    );
    const accounts = await makeAccounts(d, callerId, calleeId, false);
    // Modes: 1 stores into the room and fails after the CPI, 2 reallocs and succeeds, 0 only logs;
    // `swapped` lays A and R out the other way round (the bytes logged are then other fields').
    const runs = [
      [0, false],
      [1, false],
      [0, false],
      [1, false],
      [0, true],
      [2, false],
      [0, false],
      [2, false],
      [0, true],
      [1, false],
      [0, false],
    ] as const;
    for (const [k, [mode, swapped]] of runs.entries()) {
      const [first, third] = swapped ? [R, A] : [A, R];
      const ix: Instruction = {
        programAddress: callerId,
        accounts: [
          meta(accounts[first], first === A),
          meta(accounts[B], true),
          meta(accounts[third], third === A),
          meta(calleeId, false),
          meta(callerId, false),
        ],
        data: Uint8Array.of(mode, k),
      };
      const seen = await d.expectSame([ix], accounts);
      expect(seen.error === undefined).toBe(mode !== 1);
      if (!swapped) expect(seen.logs.some((line) => line.includes('0x5a') || line.includes('0x47'))).toBe(false);
    }
  });
});
