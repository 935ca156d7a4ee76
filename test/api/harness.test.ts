/** The Mollusk-style harness on our C programs: results, checks, chains and readable failures. */
import { describe, expect, it } from 'vitest';
import { AccountRole, address, generateKeyPairSigner } from '@solana/kit';
import { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { inspect } from 'node:util';
import { LiteSVM } from 'litesvm';
import { Check, CheckFailure, ComputeBudget, InstructionHarness, SVM } from '../../src/index.js';
import { programElf, u64 } from '../helpers/encoding.js';
import { SYSVAR } from '../../src/runtime/ids.js';
import { encodeRent } from '../../src/runtime/sysvars.js';

describe('InstructionHarness', async () => {
  const program = (await generateKeyPairSigner()).address;
  const callee = (await generateKeyPairSigner()).address;
  const [a, b] = [(await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address];
  const harness = new InstructionHarness().addProgram(program, programElf('accounts')).addProgram(callee, programElf('cpi_callee'));
  const owned = (lamports: bigint) => ({ lamports, data: new Uint8Array(4), programAddress: program, executable: false });
  const move = (n: bigint) => ({
    programAddress: program,
    accounts: [
      { address: a, role: AccountRole.WRITABLE },
      { address: b, role: AccountRole.WRITABLE },
    ],
    data: Uint8Array.from([2, ...u64(n)]),
  });

  it('runs an instruction and validates lamports, data, owner and units', () => {
    const r = harness.processAndValidate(
      move(100n),
      [
        [a, owned(1_000_000_000n)],
        [b, owned(1_000_000_000n)],
      ],
      [
        Check.success(),
        Check.account(a).lamports(999_999_900n).data([0, 0, 0, 0]).owner(program).space(4).build(),
        Check.account(b).lamports(1_000_000_100n).build(),
      ],
    );
    expect(r.computeUnitsConsumed).toBeGreaterThan(0n);
    expect(r.logs[0]).toBe(`Program ${program} invoke [1]`);
    harness.processAndValidate(
      move(100n),
      [
        [a, owned(1_000_000_000n)],
        [b, owned(1_000_000_000n)],
      ],
      [Check.computeUnits(r.computeUnitsConsumed)],
    );
  });

  it('reports every failed check with expected and actual values', () => {
    const run = () =>
      harness.processAndValidate(
        move(5n),
        [
          [a, owned(10n)],
          [b, owned(10n)],
        ],
        [Check.account(a).lamports(4n).build(), Check.err('InvalidArgument')],
      );
    expect(run).toThrow(CheckFailure);
    try {
      run();
    } catch (e) {
      expect((e as CheckFailure).mismatches).toEqual([`account ${a} lamports: expected 4, got 5`, 'result: expected InvalidArgument, got success']);
    }
  });

  it('checks errors: builtin variants and custom codes', () => {
    harness.processAndValidate(
      { programAddress: program, accounts: [{ address: a, role: AccountRole.WRITABLE }], data: Uint8Array.of(7) },
      [[a, owned(10n)]],
      [Check.err('UnbalancedInstruction')],
    );
    harness.processAndValidate({ programAddress: callee, accounts: [], data: Uint8Array.of(1) }, [], [Check.err({ custom: 42 })]);
  });

  it('checks return data, accepts web3.js instructions, and runs chains on shared state', () => {
    const ix = new TransactionInstruction({ programId: new PublicKey(callee), keys: [], data: Buffer.from([0, 1, 2, 3]) });
    harness.processAndValidate(ix, [], [Check.success(), Check.returnData([3, 2, 1])]);
    const r = harness.processChain(
      [move(1n), move(2n), move(3n)],
      [
        [a, owned(100n)],
        [b, owned(100n)],
      ],
    );
    expect(r.account(a)?.lamports).toBe(94n);
    expect(r.account(address(b))?.lamports).toBe(106n);
    // Emptied of lamports but still holding its 4 bytes: not closed.
    expect(() =>
      harness.processAndValidate(
        move(1n),
        [
          [a, owned(1n)],
          [b, owned(1n)],
        ],
        [Check.account(a).closed().build()],
      ),
    ).toThrow(`account ${a} space: expected 0, got 4`);
  });
});

describe('Check.rentExempt / Check.allRentExempt', async () => {
  const program = (await generateKeyPairSigner()).address;
  const [a, b, empty] = [(await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address];
  const harness = new InstructionHarness().addProgram(program, programElf('accounts'));
  const owned = (lamports: bigint, size = 4) => ({ lamports, data: new Uint8Array(size), programAddress: program, executable: false });
  // Moves `n` lamports from a to b; `empty` is named but not given (a zero-lamport system account).
  const move = (n: bigint) => ({
    programAddress: program,
    accounts: [
      { address: a, role: AccountRole.WRITABLE },
      { address: b, role: AccountRole.WRITABLE },
      { address: empty, role: AccountRole.READONLY },
    ],
    data: Uint8Array.from([2, ...u64(n)]),
  });
  const minimum = new SVM().minimumBalanceForRentExemption(4);
  const failures = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      return (e as CheckFailure).mismatches;
    }
    return [];
  };

  it('measures against the rent sysvar, with the thresholds of SVM and LiteSVM', () => {
    expect(minimum).toBe(new LiteSVM().minimumBalanceForRentExemption(4n));
    const accounts = (aLamports: bigint): [string, ReturnType<typeof owned>][] => [
      [a, owned(aLamports)],
      [b, owned(minimum)],
    ];
    harness.processAndValidate(move(1n), accounts(minimum + 1n), [Check.success(), Check.account(a).rentExempt().build(), Check.allRentExempt()]);
    expect(
      failures(() => harness.processAndValidate(move(1n), accounts(minimum), [Check.account(a).rentExempt().build(), Check.account(b).rentExempt().build()])),
    ).toEqual([`account ${a} rent exempt: expected at least ${minimum} lamports for 4 bytes, got ${minimum - 1n}`]);
    expect(failures(() => harness.processAndValidate(move(1n), accounts(minimum), [Check.allRentExempt()]))).toEqual([
      `account ${a} rent exempt: expected at least ${minimum} lamports for 4 bytes, got ${minimum - 1n}`,
    ]);
  });

  it('counts emptied system accounts as exempt, but not emptied program-owned ones', () => {
    const r = harness.processAndValidate(
      move(minimum),
      [
        [a, owned(minimum, 0)],
        [b, owned(minimum)],
      ],
      [Check.success(), Check.account(empty).rentExempt().build()],
    );
    expect(r.account(empty)?.lamports).toBe(0n);
    // The program and loader accounts the runtime adds are not resulting accounts (the loader holds 1 lamport).
    expect(r.resultingAccounts().map(([k]) => k)).toEqual([a, b, empty]);
    expect(
      failures(() =>
        harness.processAndValidate(
          move(minimum),
          [
            [a, owned(minimum, 0)],
            [b, owned(minimum)],
          ],
          [Check.allRentExempt()],
        ),
      ),
    ).toEqual([`account ${a} rent exempt: expected at least ${new SVM().minimumBalanceForRentExemption(0)} lamports for 0 bytes, got 0`]);
  });

  it('follows a replaced rent sysvar', () => {
    const dearer = new InstructionHarness().addProgram(program, programElf('accounts'));
    const rent = dearer.runtime.rent;
    dearer.runtime.setSysvarAccount(SYSVAR.rent, encodeRent({ ...rent, lamportsPerByteYear: rent.lamportsPerByteYear * 2n }));
    const run = () =>
      dearer.processAndValidate(
        move(0n),
        [
          [a, owned(minimum)],
          [b, owned(2n * minimum)],
        ],
        [Check.allRentExempt()],
      );
    expect(failures(run)).toEqual([`account ${a} rent exempt: expected at least ${2n * minimum} lamports for 4 bytes, got ${minimum}`]);
  });

  it('fails on an account the run did not involve', async () => {
    const stranger = (await generateKeyPairSigner()).address;
    expect(
      failures(() =>
        harness.processAndValidate(
          move(1n),
          [
            [a, owned(minimum)],
            [b, owned(minimum)],
          ],
          [Check.account(stranger).rentExempt().build()],
        ),
      ),
    ).toEqual([`account ${stranger} rent exempt: not among the resulting accounts`]);
  });
});

describe('HarnessContext', async () => {
  const program = (await generateKeyPairSigner()).address;
  const [a, b, reader] = [(await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address];
  const harness = new InstructionHarness().addProgram(program, programElf('accounts'));
  const owned = (lamports: bigint) => ({ lamports, data: new Uint8Array(4), programAddress: program, executable: false });
  const ix = (data: number[]) => ({
    programAddress: program,
    accounts: [
      { address: a, role: AccountRole.WRITABLE },
      { address: b, role: AccountRole.WRITABLE },
      { address: reader, role: AccountRole.READONLY },
    ],
    data: Uint8Array.from(data),
  });
  const move = (n: bigint) => ix([2, ...u64(n)]);
  const unbalanced = ix([7]);
  const lamports = (context: { account(k: string): { lamports: bigint } | undefined }) => [a, b].map((k) => context.account(k)?.lamports);

  it('carries accounts from one instruction to the next, as the same chain does in one run', () => {
    const context = harness.withContext([
      [a, owned(100n)],
      [b, owned(100n)],
    ]);
    context.process(move(1n));
    context.processAndValidate(move(2n), [Check.success(), Check.account(a).lamports(97n).build()]);
    const last = context.processChain([move(3n), move(4n)]);
    expect(lamports(context)).toEqual([90n, 110n]);
    const chain = harness.processChain(
      [move(1n), move(2n), move(3n), move(4n)],
      [
        [a, owned(100n)],
        [b, owned(100n)],
      ],
    );
    expect(lamports(chain)).toEqual(lamports(context));
    expect(last.account(a)).toEqual(context.account(a));
  });

  it('leaves the store unchanged when an instruction fails or a check does not hold', () => {
    const context = harness.withContext([
      [a, owned(100n)],
      [b, owned(100n)],
    ]);
    expect(context.process(unbalanced).error).toEqual({ kind: 'UnbalancedInstruction' });
    // The chain's first instruction succeeded, and the result shows it; the store does not.
    const chain = context.processChain([move(10n), unbalanced]);
    expect(chain.success).toBe(false);
    expect(chain.account(a)?.lamports).toBe(90n);
    expect(() => context.processAndValidate(move(10n), [Check.account(a).lamports(0n).build()])).toThrow(CheckFailure);
    expect(lamports(context)).toEqual([100n, 100n]);
  });

  it('starts missing accounts empty and stores them once written, not read-only ones', () => {
    const context = harness.withContext([[a, owned(100n)]]);
    expect(context.account(b)).toBeUndefined();
    context.processAndValidate(move(5n), [Check.success(), Check.account(b).lamports(5n).owner('11111111111111111111111111111111').build()]);
    expect([...context.accounts.keys()]).toEqual([a, b]);
    expect(context.account(reader)).toBeUndefined();
  });

  it('hands out copies and takes accounts in the harness input forms', () => {
    const context = harness.withContext();
    context.setAccount(a, owned(50n)).setAccount(address(b), { lamports: 7n, owner: program, data: [1, 2, 3, 4] });
    context.account(a)!.lamports = 1n;
    context.accounts.get(b)!.data[0] = 9;
    expect(context.account(a)?.lamports).toBe(50n);
    expect(context.account(b)?.data).toEqual(Uint8Array.of(1, 2, 3, 4));
    context.process(move(50n));
    expect(lamports(context)).toEqual([0n, 57n]);
  });
});

describe('Harness text', async () => {
  const program = (await generateKeyPairSigner()).address;
  const callee = (await generateKeyPairSigner()).address;
  const [a, b] = [(await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address];
  const harness = new InstructionHarness().addProgram(program, programElf('accounts')).addProgram(callee, programElf('cpi_callee'));
  const owned = (lamports: bigint) => ({ lamports, data: new Uint8Array(4), programAddress: program, executable: false });
  const ix = (data: number[]) => ({
    programAddress: program,
    accounts: [
      { address: a, role: AccountRole.WRITABLE },
      { address: b, role: AccountRole.WRITABLE },
    ],
    data: Uint8Array.from(data),
  });
  const accountLines = (lamportsA: bigint, lamportsB: bigint) => [
    `  ${a}: ${lamportsA} lamports, 4 bytes, owner ${program}`,
    `  ${b}: ${lamportsB} lamports, 4 bytes, owner ${program}`,
  ];

  it('shows a result: outcome, units, logs, return data and resulting accounts', () => {
    const r = harness.processChain(
      [ix([2, ...u64(3n)]), ix([7])],
      [
        [a, owned(10n)],
        [b, owned(10n)],
      ],
    );
    const text = [
      `InstructionResult: failed at instruction 1 with UnbalancedInstruction, ${r.computeUnitsConsumed} compute units, ${r.logs.length} log lines, no return data`,
      ...accountLines(7n, 13n),
    ].join('\n');
    expect(String(r)).toBe(text);
    expect(inspect(r)).toBe(text);
    const returned = harness.process({ programAddress: callee, accounts: [], data: Uint8Array.of(0, 1, 2, 3) }, []);
    expect(`${returned}`).toBe(
      `InstructionResult: success, ${returned.computeUnitsConsumed} compute units, ${returned.logs.length} log lines, return data 030201 (3 bytes)`,
    );
    expect(inspect(harness.process({ programAddress: callee, accounts: [], data: Uint8Array.of(1) }, []))).toMatch(
      /^InstructionResult: failed at instruction 0 with Custom\(42\), /,
    );
  });

  it('cuts long return data and shows the store of a context', () => {
    const data = Uint8Array.from({ length: 40 }, (_, i) => i);
    const r = harness.process({ programAddress: callee, accounts: [], data: Uint8Array.of(0, ...data.slice().reverse()) }, []);
    expect(String(r)).toContain(`return data ${Buffer.from(data.subarray(0, 32)).toString('hex')}… (40 bytes)`);
    const context = harness.withContext([
      [a, owned(10n)],
      [b, owned(10n)],
    ]);
    context.process(ix([2, ...u64(4n)]));
    const text = ['HarnessContext: 2 stored accounts', ...accountLines(6n, 14n)].join('\n');
    expect(String(context)).toBe(text);
    expect(inspect(context)).toBe(text);
  });
});

describe('InstructionHarness.withComputeBudget', () => {
  it('re-prices syscalls and replaces the unit limit', async () => {
    const logging = (await generateKeyPairSigner()).address;
    const ix = { programAddress: logging, accounts: [], data: Uint8Array.from([1]) };
    const plain = new InstructionHarness().addProgram(logging, programElf('logging')).process(ix, []);
    const budget = new ComputeBudget();
    budget.log64Units += 50n; // logging.c logs one sol_log_64_ line and one pubkey
    budget.logPubkeyUnits += 7n;
    const harness = new InstructionHarness().addProgram(logging, programElf('logging')).withComputeBudget(budget);
    expect(harness.process(ix, []).computeUnitsConsumed).toBe(plain.computeUnitsConsumed + 57n);
    budget.computeUnitLimit = plain.computeUnitsConsumed - 1n;
    const starved = harness.withComputeBudget(budget).process(ix, []);
    expect(starved.logs.at(-1)).toBe(`Program ${logging} failed: Computational budget exceeded`);
  });
});
