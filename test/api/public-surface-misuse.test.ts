/**
 * Every public entry point of the package — each export of `websvm`, `websvm/validator` and
 * `websvm/anchor`: functions, constructors, static methods, and every method of an instance of
 * each exported class — called with arguments of the wrong type and out of range. A call may
 * succeed (plenty of values are fine somewhere) or throw; what it throws must be a `WebsvmError`
 * of a kind the entry point's row below allows. The surface is listed from the modules
 * themselves, so a new export or method is driven without being added here.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, SystemProgram, Transaction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import * as main from '../../src/index.js';
import * as anchor from '../../src/anchor/index.js';
import * as validator from '../../src/validator/index.js';
import { InstructionFailure, TransactionFailure } from '../../src/runtime/errors.js';
import { thrown } from '../helpers/errors.js';

const { SVM, WebsvmError } = main;
const ADDRESS = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const dir = mkdtempSync(join(tmpdir(), 'websvm-surface-'));

/**
 * Wrong types and out-of-range values, made afresh for each call (a method may write into what it
 * is given); strings that are paths stay inside `dir` (some methods write files).
 */
const bad = (): unknown[] => [
  undefined,
  null,
  NaN,
  -1,
  1.5,
  2 ** 64,
  -1n,
  2n ** 64n,
  '',
  join(dir, '0OIl'), // neither an address nor an existing file
  {},
  [],
  [1, 2],
  () => 0,
  new Uint8Array(3),
  true,
  Symbol('misuse'),
  { toBase58: () => 'bogus' },
];

/** The argument lists each entry point gets: none, each bad value alone, after a valid address, and three times. */
const argumentLists = (): unknown[][] => [[], ...bad().map((v) => [v]), ...bad().map((v) => [ADDRESS, v]), ...bad().map((v) => [v, v, v])];

/** The kinds an entry point may refuse misuse with, unless its row says otherwise. */
const ARGUMENT_KINDS = ['InvalidArgument', 'InvalidAddress'];

/**
 * Entry points whose refusals have other kinds too, keyed `module.function`, `module.new Class`,
 * `module.Class.staticMethod` or `module.Class#method`.
 */
const KINDS: Record<string, string[]> = {
  'main.assertInternal': ['Internal', 'InvalidAddress', 'InvalidArgument'],
  'main.SVM.fromBytes': ['InvalidAddress', 'InvalidArgument', 'InvalidSnapshot'],
  'main.SVM.loadFromFile': ['FileError', 'InvalidAddress', 'InvalidArgument'],
  'main.SVM#withDefaultPrograms': ['InvalidAddress', 'InvalidArgument', 'Unsupported'],
  'main.SVM#loadAccountJson': ['InvalidAccountJson', 'InvalidAddress', 'InvalidArgument'],
  'main.SVM#loadAccountsFromDirectory': ['FileError', 'InvalidAddress', 'InvalidArgument'],
  'main.SVM#saveToFile': ['FileError', 'InvalidAddress', 'InvalidArgument'],
  'main.Coverage#writeLcov': ['FileError', 'InvalidArgument'],
  'main.CoverageReport#writeLcov': ['FileError', 'InvalidArgument'],
  'main.SVM#addProgram': ['InvalidAddress', 'InvalidArgument', 'ValueOutOfBounds'],
  'main.SVM#addProgramFromFile': ['FileError', 'InvalidAddress', 'InvalidArgument'],
  'main.SVM#sendTransaction': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction', 'MalformedTransaction'],
  'main.SVM#simulateTransaction': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction', 'MalformedTransaction'],
  'main.SVM#getSlotHistory': ['InvalidAddress', 'InvalidArgument', 'SysvarNotFound'],
  'main.SVM#getStakeHistory': ['InvalidAddress', 'InvalidArgument', 'SysvarNotFound'],
  'main.LiteSVM.fromBytes': ['InvalidAddress', 'InvalidArgument', 'InvalidSnapshot'],
  'main.LiteSVM.loadFromFile': ['FileError', 'InvalidAddress', 'InvalidArgument'],
  'main.LiteSVM#withDefaultPrograms': ['InvalidAddress', 'InvalidArgument', 'Unsupported'],
  'main.LiteSVM#loadAccountJson': ['InvalidAccountJson', 'InvalidAddress', 'InvalidArgument'],
  'main.LiteSVM#saveToFile': ['FileError', 'InvalidAddress', 'InvalidArgument'],
  'main.LiteSVM#addProgram': ['InvalidAddress', 'InvalidArgument', 'ValueOutOfBounds'],
  'main.LiteSVM#addProgramFromFile': ['FileError', 'InvalidAddress', 'InvalidArgument'],
  'main.LiteSVM#sendTransaction': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction', 'MalformedTransaction'],
  'main.LiteSVM#simulateTransaction': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction', 'MalformedTransaction'],
  'main.LiteSVM#getSlotHistory': ['InvalidAddress', 'InvalidArgument', 'SysvarNotFound'],
  'main.LiteSVM#getStakeHistory': ['InvalidAddress', 'InvalidArgument', 'SysvarNotFound'],
  'anchor.WebsvmConnection#sendRawTransaction': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction'],
  'anchor.WebsvmConnection#sendTransaction': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction'],
  'anchor.WebsvmConnection#send': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction', 'MalformedTransaction'],
  'anchor.WebsvmConnection#simulateTransaction': ['InvalidAddress', 'InvalidArgument', 'InvalidTransaction', 'MalformedTransaction'],
  'anchor.readWorkspace': ['InvalidAddress', 'InvalidArgument', 'NotAnAnchorWorkspace'],
  'main.loadElf': ['InvalidAddress', 'InvalidArgument', 'ValueOutOfBounds'],
  'main.assemble': ['InvalidAddress', 'InvalidArgument', 'InvalidInstruction', 'ParseError'],
  'main.parse': ['InvalidAddress', 'InvalidArgument', 'ParseError'],
  'main.assembleToElf': ['InvalidAddress', 'InvalidArgument', 'InvalidInstruction', 'ParseError'],
  'main.new MemoryMap': ['InvalidAddress', 'InvalidArgument', 'InvalidMemoryRegion'],
  'main.SyscallRegistry#register': ['InvalidAddress', 'InvalidArgument', 'SymbolHashCollision'],
  'main.verifyText': ['InvalidAddress', 'InvalidArgument', 'NoProgram', 'ProgramLengthNotMultiple'],
  'main.link': ['InvalidAddress', 'InvalidArgument', 'NoEntrypoint'],
  'main.linkWithDebugFile': ['InvalidAddress', 'InvalidArgument', 'NoEntrypoint'],
  'main.InstructionHarness#addProgram': ['InvalidAddress', 'InvalidArgument', 'ValueOutOfBounds'],
  'main.new AnchorProgram': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.AnchorProgram#encodeType': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.AnchorProgram#decodeType': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.AnchorProgram#instruction': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.AnchorProgram#decodeAccount': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.AnchorProgram#encodeAccount': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.AnchorProgram#errorCode': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.AnchorProgram#errorCheck': ['InvalidAddress', 'InvalidArgument', 'InvalidIdl'],
  'main.programsFromRpc': ['FetchFailed', 'InvalidAddress', 'InvalidArgument'],
  'main.SourceMap.fromElf': ['InvalidAddress', 'InvalidArgument', 'MalformedElf'],
  'anchor.fromWorkspace': ['InvalidAddress', 'InvalidArgument', 'NotAnAnchorWorkspace'],
};

/** Error classes are constructed by websvm; their constructors convert the message as `Error`'s does (a Symbol throws). */
const isErrorClass = (key: string) => /^main\.new \w*Error$/.test(key);

/** A valid instance of each exported class whose methods are driven; `undefined`: its instances come only from websvm itself and are listed in NO_INSTANCE. */
const svmWithHistory = () => SVM.default();
const transfer = () => {
  const svm = new SVM();
  const payer = Keypair.generate();
  svm.airdrop(payer.publicKey.toBase58(), 10n ** 9n);
  const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 10 ** 7 }));
  tx.recentBlockhash = svm.latestBlockhash();
  tx.sign(payer);
  return { svm, tx };
};
const harness = () => new main.InstructionHarness();
const INSTANCES: Record<string, () => object> = {
  'main.Account': () => new main.Account(1n, new Uint8Array(1), new Uint8Array(32), false, 0n),
  'main.AccountCheck': () => main.Check.account(ADDRESS),
  'main.AnchorProgram': () => new main.AnchorProgram({ name: 'p', instructions: [{ name: 'go', accounts: [], args: [] }] }, ADDRESS),
  'main.Check': () => main.Check.success(),
  'main.Clock': () => svmWithHistory().getClock(),
  'main.ComputeBudget': () => new main.ComputeBudget(),
  'main.ComputeUnitBencher': () => new main.ComputeUnitBencher(harness(), { outDir: dir }),
  'main.Coverage': () => new main.Coverage(),
  'main.CoverageReport': () => new main.Coverage().report(),
  'main.EpochRewards': () => svmWithHistory().getEpochRewards(),
  'main.EpochSchedule': () => svmWithHistory().getEpochSchedule(),
  'main.FailedTransactionMetadata': () => {
    const { svm, tx } = transfer();
    tx.recentBlockhash = ADDRESS;
    return svm.sendTransaction(tx);
  },
  'main.FeatureSet': () => main.FeatureSet.mainnet(),
  'main.HarnessContext': () => harness().withContext(),
  'main.InstructionHarness': harness,
  'main.InstructionResult': () => harness().process({ programId: ADDRESS, keys: [], data: new Uint8Array(0) }, []),
  'main.LiteSVM': () => main.LiteSVM.default(),
  'main.Rent': () => main.Rent.default(),
  'main.SVM': svmWithHistory,
  'main.SimulatedTransactionInfo': () => {
    const { svm, tx } = transfer();
    return svm.simulateTransaction(tx);
  },
  'main.SlotHash': () => new main.SlotHash(1n, ADDRESS),
  'main.SlotHistory': () => new SVM().getSlotHistory(),
  'main.StakeHistory': () => new main.StakeHistory(),
  'main.StakeHistoryEntry': () => new main.StakeHistoryEntry(1n, 2n, 3n),
  'main.SyscallRegistry': () => new main.SyscallRegistry(),
  'main.TransactionMetadata': () => {
    const { svm, tx } = transfer();
    return svm.sendTransaction(tx);
  },
  'anchor.KeypairWallet': () => new anchor.KeypairWallet(Keypair.generate()),
  'anchor.WebsvmConnection': () => new anchor.WebsvmConnection(svmWithHistory()),
  'anchor.WebsvmProvider': () => new anchor.WebsvmProvider(new SVM()),
};

/** Classes without a driven instance, and why. */
const NO_INSTANCE: Record<string, string> = {
  'main.MemoryMap': 'a VM-level building block (its constructor is driven)',
  'main.Interpreter': 'a VM-level building block (its constructor is driven)',
  'main.InstructionErrorCustom': 'a result value: fields only',
  'main.TransactionErrorInstructionError': 'a result value: fields only',
  'main.TransactionErrorDuplicateInstruction': 'a result value: fields only',
  'main.TransactionErrorInsufficientFundsForRent': 'a result value: fields only',
  'main.TransactionErrorProgramExecutionTemporarilyRestricted': 'a result value: fields only',
  'main.CompiledInstruction': 'a result value: accessors without arguments',
  'main.InnerInstruction': 'a result value: accessors without arguments',
  'main.TransactionReturnData': 'a result value: accessors without arguments',
  'main.Backtrace': 'made by websvm from debug information: accessors without arguments',
  'main.SourceMap': 'made by websvm from debug information (its static makers are driven)',
  'main.Profile': 'made by websvm from a profiled run: accessors without arguments',
  'main.ProfileNode': 'made by websvm from a profiled run: accessors without arguments',
  'main.Profiler': 'made by websvm for a profiled run',
};

const MODULES = { main, validator, anchor } as Record<string, Record<string, unknown>>;
const isClass = (f: unknown) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

/** A call of an entry point with some arguments. */
type Call = (args: unknown[]) => unknown;

/** Each entry point: its key and what makes its call (a method's on a fresh instance, which all its calls share). */
function surface(): [string, () => Call][] {
  const out: [string, () => Call][] = [];
  for (const [moduleName, exports] of Object.entries(MODULES)) {
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function') continue;
      const key = `${moduleName}.${name}`;
      if (!isClass(value)) {
        out.push([key, () => (args) => (value as (...a: unknown[]) => unknown)(...args)]);
        continue;
      }
      out.push([`${moduleName}.new ${name}`, () => (args) => new (value as new (...a: unknown[]) => unknown)(...args)]);
      for (const member of Object.getOwnPropertyNames(value)) {
        const method = (value as unknown as Record<string, unknown>)[member];
        if (typeof method === 'function') out.push([`${key}.${member}`, () => (args) => (method as (...a: unknown[]) => unknown).apply(value, args)]);
      }
      const make = INSTANCES[key];
      if (!make) continue;
      for (const member of methodsOf((value as { prototype: object }).prototype)) {
        out.push([
          `${key}#${member}`,
          () => {
            const instance = make() as Record<string, (...a: unknown[]) => unknown>;
            return (args) => instance[member](...args);
          },
        ]);
      }
    }
  }
  return out;
}

/** The methods of a prototype chain up to (not including) Object's and Error's. */
function methodsOf(proto: object): string[] {
  const names = new Set<string>();
  for (let p: object | null = proto; p && p !== Object.prototype && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (name !== 'constructor' && typeof d?.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/** What `call(args)` did: nothing thrown, or the error (awaiting a returned promise, and stopping a started validator). */
async function outcome(call: Call, args: unknown[]): Promise<unknown> {
  try {
    const result = call(args);
    if (result instanceof Promise) {
      const settled = await Promise.race([result, new Promise((resolve) => setTimeout(() => resolve('timed out'), 5_000))]);
      if (settled === 'timed out') return new Error('the promise did not settle within 5 s');
      if (typeof (settled as { stop?: unknown })?.stop === 'function') await (settled as { stop(): Promise<void> }).stop();
    }
    return undefined;
  } catch (e) {
    return e;
  }
}

const shown = (v: unknown) =>
  typeof v === 'bigint' ? `${v}n` : typeof v === 'symbol' || typeof v === 'function' ? String(v) : (JSON.stringify(v) ?? String(v));

describe('one error family', () => {
  it('src throws no plain Error, TypeError or RangeError, and no class extends Error but WebsvmError', () => {
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts')) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/new (Type|Range|Syntax)?Error\(|extends (Type|Range)?Error\b/.test(line) && !line.includes('class WebsvmError<'))
                offenders.push(`${path}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    walk(fileURLToPath(new URL('../../src', import.meta.url)));
    expect(offenders).toEqual([]);
  });

  it("the runtime's control-flow failures are WebsvmErrors with the variant as context", () => {
    const instruction = new InstructionFailure({ kind: 'Custom', code: 7 });
    expect(instruction).toBeInstanceOf(WebsvmError);
    expect([instruction.kind, instruction.message, instruction.context.error]).toEqual([
      'InstructionError',
      'custom program error: 0x7',
      { kind: 'Custom', code: 7 },
    ]);
    const transaction = new TransactionFailure({ kind: 'BlockhashNotFound' });
    expect(transaction).toBeInstanceOf(WebsvmError);
    expect([transaction.kind, transaction.message, transaction.context.error]).toEqual([
      'TransactionError',
      'Blockhash not found',
      { kind: 'BlockhashNotFound' },
    ]);
  });

  it('an argument refusal carries the argument, what it must be and the value as context', () => {
    const e = thrown(WebsvmError, () => new SVM().airdrop(ADDRESS, -1n));
    expect(main.isWebsvmError(e, 'InvalidArgument')).toBe(true);
    expect(e.context).toEqual({ argument: 'lamports', expected: 'an unsigned 64-bit integer', value: -1n });
  });
});

describe('misuse of every public entry point', () => {
  const entries = surface();

  it('lists an instance (or a reason) for every exported class', () => {
    const classes = Object.entries(MODULES).flatMap(([m, exports]) =>
      Object.entries(exports)
        .filter(([, v]) => isClass(v))
        .map(([n]) => `${m}.${n}`),
    );
    const errors = classes.filter((c) => {
      const v = c.startsWith('main.') ? MODULES.main[c.slice(5)] : undefined;
      return v === WebsvmError || (typeof v === 'function' && (v as { prototype: object }).prototype instanceof WebsvmError);
    });
    const missing = classes.filter((c) => !(c in INSTANCES) && !(c in NO_INSTANCE) && !errors.includes(c));
    expect(missing).toEqual([]);
  });

  it.each(entries.map(([key]) => [key]))('%s: refuses misuse with a typed WebsvmError', async (key) => {
    const call = entries.find(([k]) => k === key)![1]();
    const allowed = KINDS[key] ?? ARGUMENT_KINDS;
    const untyped: string[] = [];
    const otherKinds: string[] = [];
    for (const args of argumentLists()) {
      const e = await outcome(call, args);
      if (e === undefined) continue;
      const what = `${key}(${args.map(shown).join(', ')})`;
      if (!(e instanceof WebsvmError)) untyped.push(`${what} threw an untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      else if (!allowed.includes(e.kind)) otherKinds.push(`${what} threw kind ${e.kind}: ${e.message}`);
    }
    expect(otherKinds).toEqual([]);
    if (!isErrorClass(key)) expect(untyped).toEqual([]);
  });
});
