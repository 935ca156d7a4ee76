/**
 * What websvm copies from a LiteSVM release, read from the installed `litesvm` package: its
 * version and the Agave version its native binary was built from, the feature ids and mainnet
 * activation slots, the default slot and sysvars, the default programs and their loaders, and
 * the compute-budget defaults. `npm run sync:litesvm` writes it to src/runtime/litesvm-release.ts;
 * test/api/litesvm-release.test.ts reads it again and names any constant that drifted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ComputeBudget, FeatureSet, LiteSVM } from 'litesvm';
import bs58 from 'bs58';
import type { Clock, EpochRewards, EpochSchedule, Rent } from '../src/runtime/sysvars.js';
import { loadExistingProgram, programElf } from '../src/runtime/program-loader.js';
import { verify } from '../src/verifier/index.js';
import type { Account } from '../src/runtime/accounts.js';

/** Everything the generated module holds, constant by constant. */
export interface LiteSvmRelease {
  LITESVM_VERSION: string;
  AGAVE_VERSION: string;
  ALL_FEATURES: string[];
  MAINNET_FEATURES: [string, bigint][];
  DEFAULT_CLOCK: Clock;
  DEFAULT_RENT: Rent;
  DEFAULT_EPOCH_SCHEDULE: EpochSchedule;
  DEFAULT_EPOCH_REWARDS: EpochRewards;
  DEFAULT_LAST_RESTART_SLOT: bigint;
  /** Program id and loader of each program `new LiteSVM()` deploys, by program id. */
  DEFAULT_PROGRAM_LOADERS: [string, string][];
  /** Program id and ProgramData address of each upgradeable program `new LiteSVM()` deploys. */
  DEFAULT_PROGRAM_DATA: [string, string][];
  /** Every field of `new ComputeBudget()`. */
  DEFAULT_COMPUTE_BUDGET: Record<string, bigint | number>;
  /** The fields of Agave's `FeatureSnapshot` in declaration order, each with the feature id it reads. */
  FEATURE_SNAPSHOT: [string, string][];
  /** SHA-256 (hex) of each default program's ELF, every one loaded and verified by websvm here. */
  VERIFIED_DEFAULT_ELFS: string[];
}

const FEATURE_PROGRAM = 'Feature111111111111111111111111111111111111';
const SBPF_LOADERS = [
  'BPFLoader1111111111111111111111111111111111',
  'BPFLoader2111111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
];

/** The installed package's version and the Agave its binary was built from. */
function versions(): { LITESVM_VERSION: string; AGAVE_VERSION: string } {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('litesvm/package.json');
  const LITESVM_VERSION = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  // The native binary keeps the source paths of the crates it was built from.
  const modules = dirname(dirname(manifest));
  for (const dir of readdirSync(modules).filter((d) => d.startsWith('litesvm-'))) {
    for (const file of readdirSync(join(modules, dir)).filter((f) => f.endsWith('.node'))) {
      const found = /solana-program-runtime-(\d+\.\d+\.\d+)/.exec(readFileSync(join(modules, dir, file)).toString('latin1'));
      if (found) return { LITESVM_VERSION, AGAVE_VERSION: found[1] };
    }
  }
  throw new Error('no litesvm native binary found next to the litesvm package');
}

/** The `FeatureSnapshot { name: bool, … }` that ends a `FeatureSet`'s `toString()`, as [name, value] pairs. */
function snapshotFields(features: FeatureSet): [string, string][] {
  const found = /snapshot: FeatureSnapshot \{ (.*) \} \}\)$/.exec(features.toString());
  if (!found) throw new Error('litesvm FeatureSet.toString() has no FeatureSnapshot');
  return found[1].split(', ').map((field) => field.split(': ') as [string, string]);
}

/** Each snapshot field with the one feature whose activation alone sets it, in the snapshot's order. */
function featureSnapshot(): [string, string][] {
  const fieldFeature = new Map<string, string>();
  for (const id of FeatureSet.allEnabled().getActiveFeatures()) {
    const alone = new FeatureSet();
    alone.activate(id, 0n);
    for (const [name, value] of snapshotFields(alone)) if (value === 'true') fieldFeature.set(name, bs58.encode(id));
  }
  return snapshotFields(new FeatureSet()).map(([name]) => {
    const id = fieldFeature.get(name);
    if (id === undefined) throw new Error(`no feature sets the FeatureSnapshot field ${name}`);
    return [name, id];
  });
}

/** Reads the release data from the installed `litesvm` package. */
export function readLiteSvmRelease(): LiteSvmRelease {
  const svm = new LiteSVM();
  const clock = svm.getClock();
  const rent = svm.getRent();
  const schedule = svm.getEpochSchedule();
  const rewards = svm.getEpochRewards();
  const budget = new ComputeBudget();
  const budgetFields = Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(budget)))
    .filter(([, d]) => d.get)
    .map(([name]) => name)
    .sort();
  return {
    ...versions(),
    ALL_FEATURES: FeatureSet.allEnabled()
      .getActiveFeatures()
      .map((id) => bs58.encode(id))
      .sort(),
    MAINNET_FEATURES: svm
      .getProgramAccounts(FEATURE_PROGRAM as never)
      .map((a): [string, bigint] => [a.address, new DataView(a.data.buffer, a.data.byteOffset).getBigUint64(1, true)])
      .sort(([a], [b]) => (a < b ? -1 : 1)),
    DEFAULT_CLOCK: {
      slot: clock.slot,
      epochStartTimestamp: clock.epochStartTimestamp,
      epoch: clock.epoch,
      leaderScheduleEpoch: clock.leaderScheduleEpoch,
      unixTimestamp: clock.unixTimestamp,
    },
    DEFAULT_RENT: { lamportsPerByteYear: rent.lamportsPerByteYear, exemptionThreshold: rent.exemptionThreshold, burnPercent: rent.burnPercent },
    DEFAULT_EPOCH_SCHEDULE: {
      slotsPerEpoch: schedule.slotsPerEpoch,
      leaderScheduleSlotOffset: schedule.leaderScheduleSlotOffset,
      warmup: schedule.warmup,
      firstNormalEpoch: schedule.firstNormalEpoch,
      firstNormalSlot: schedule.firstNormalSlot,
    },
    DEFAULT_EPOCH_REWARDS: {
      distributionStartingBlockHeight: rewards.distributionStartingBlockHeight,
      numPartitions: rewards.numPartitions,
      parentBlockhash: rewards.parentBlockhash,
      totalPoints: rewards.totalPoints,
      totalRewards: rewards.totalRewards,
      distributedRewards: rewards.distributedRewards,
      active: rewards.active,
    },
    DEFAULT_LAST_RESTART_SLOT: svm.getLastRestartSlot(),
    DEFAULT_PROGRAM_LOADERS: SBPF_LOADERS.flatMap((loader) =>
      svm
        .getProgramAccounts(loader as never)
        .filter((a) => a.executable)
        .map((a): [string, string] => [a.address, loader]),
    ).sort(([a], [b]) => (a < b ? -1 : 1)),
    DEFAULT_PROGRAM_DATA: svm
      .getProgramAccounts('BPFLoaderUpgradeab1e11111111111111111111111' as never)
      .filter((a) => a.executable)
      .map((a): [string, string] => [a.address, bs58.encode(a.data.subarray(4, 36))])
      .sort(([a], [b]) => (a < b ? -1 : 1)),
    DEFAULT_COMPUTE_BUDGET: Object.fromEntries(budgetFields.map((name) => [name, (budget as unknown as Record<string, bigint | number>)[name]])),
    FEATURE_SNAPSHOT: featureSnapshot(),
    VERIFIED_DEFAULT_ELFS: verifiedDefaultElfs(svm),
  };
}

/** The default programs' ELFs as `svm` holds them, each loaded and verified (throws when one fails), by content hash. */
function verifiedDefaultElfs(svm: LiteSVM): string[] {
  // LiteSVM's accounts in websvm's shape, so programElf finds each ELF where its loader keeps it.
  const account = (owner: string, data: ArrayLike<number>): Account => ({ lamports: 0n, data: new Uint8Array(data), owner, executable: false, rentEpoch: 0n });
  const lookup = (address: string) => {
    const found = svm.getAccount(address as never);
    return found.exists ? account(found.programAddress, found.data) : undefined;
  };
  return SBPF_LOADERS.flatMap((loader) =>
    svm
      .getProgramAccounts(loader as never)
      .filter((a) => a.executable)
      .map((a) => {
        const elf = programElf(account(loader, a.data), lookup);
        if (!elf) throw new Error(`${a.address}: no ELF where its loader keeps it`);
        const exe = loadExistingProgram(elf);
        verify(exe);
        return exe.contentHash;
      }),
  ).sort();
}

/** A value as TypeScript source (bigints with an `n`, objects and arrays spread over lines). */
function literal(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) {
    const inline = `[${value.map((v) => literal(v)).join(', ')}]`;
    if (value.every((v) => typeof v !== 'object') && inline.length <= 100) return inline;
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    return `{\n${Object.entries(value)
      .map(([k, v]) => `${inner}${k}: ${literal(v, inner)},`)
      .join('\n')}\n${indent}}`;
  }
  return String(value);
}

const DOCS: Record<keyof LiteSvmRelease, string> = {
  LITESVM_VERSION: 'The `litesvm` release websvm matches.',
  AGAVE_VERSION: 'The Agave version that LiteSVM release runs.',
  ALL_FEATURES: 'Every feature id of that Agave version.',
  MAINNET_FEATURES: "LiteSVM's default (mainnet) features and their activation slots.",
  DEFAULT_CLOCK: 'The Clock sysvar a new LiteSVM starts with (its slot is the latest activation slot LiteSVM knows).',
  DEFAULT_RENT: 'The Rent sysvar a new LiteSVM starts with.',
  DEFAULT_EPOCH_SCHEDULE: 'The EpochSchedule sysvar a new LiteSVM starts with.',
  DEFAULT_EPOCH_REWARDS: 'The EpochRewards sysvar a new LiteSVM starts with.',
  DEFAULT_LAST_RESTART_SLOT: 'The LastRestartSlot sysvar a new LiteSVM starts with.',
  DEFAULT_PROGRAM_LOADERS: 'The programs a new LiteSVM deploys and the loader of each.',
  DEFAULT_PROGRAM_DATA: 'The ProgramData address of each upgradeable default program (a derivation a new SVM would otherwise pay).',
  DEFAULT_COMPUTE_BUDGET: "Every field of LiteSVM's `new ComputeBudget()`.",
  FEATURE_SNAPSHOT: "The fields of Agave's `FeatureSnapshot` (ending a FeatureSet's `toString()`), each with the feature it reads.",
  VERIFIED_DEFAULT_ELFS:
    "SHA-256 of each default program's ELF, loaded and verified by websvm when this file was written: the same bytes, loaded as an existing program, pass again, so loading skips the verifier's pass for them.",
};

const TYPES: Partial<Record<keyof LiteSvmRelease, string>> = {
  ALL_FEATURES: 'readonly string[]',
  MAINNET_FEATURES: 'readonly (readonly [string, bigint])[]',
  DEFAULT_PROGRAM_LOADERS: 'readonly (readonly [string, string])[]',
  DEFAULT_PROGRAM_DATA: 'readonly (readonly [string, string])[]',
  FEATURE_SNAPSHOT: 'readonly (readonly [string, string])[]',
  VERIFIED_DEFAULT_ELFS: 'readonly string[]',
};

/** The source of src/runtime/litesvm-release.ts. */
export function renderLiteSvmRelease(release: LiteSvmRelease): string {
  const constants = (Object.keys(DOCS) as (keyof LiteSvmRelease)[]).map((name) => {
    const type = TYPES[name] ? `: ${TYPES[name]}` : '';
    const value = literal(release[name]);
    return `/** ${DOCS[name]} */\nexport const ${name}${type} = ${value};\n`;
  });
  return ['/** Generated by `npm run sync:litesvm` (scripts/sync-litesvm.ts) from the installed litesvm package; do not edit. */', '', ...constants].join('\n');
}

/** Short descriptions of how `next` differs from `previous`, one per changed constant. */
export function describeChanges(previous: Partial<LiteSvmRelease>, next: LiteSvmRelease): string[] {
  const changes: string[] = [];
  for (const name of Object.keys(DOCS) as (keyof LiteSvmRelease)[]) {
    const before = previous[name];
    const after = next[name];
    if (literal(before) === literal(after)) continue;
    if (name === 'ALL_FEATURES') {
      const [was, is] = [new Set(before as string[]), new Set(after as string[])];
      changes.push(
        `${name}: ${is.size} ids (was ${was.size}); new ${[...is].filter((id) => !was.has(id)).join(', ') || 'none'}; gone ${[...was].filter((id) => !is.has(id)).join(', ') || 'none'}`,
      );
    } else if (name === 'MAINNET_FEATURES') {
      const [was, is] = [new Map(before as [string, bigint][]), new Map(after as [string, bigint][])];
      const listed = (m: Map<string, bigint>, other: Map<string, bigint>) =>
        [...m]
          .filter(([id, slot]) => other.get(id) !== slot)
          .map(([id, slot]) => `${id}@${slot}`)
          .join(', ') || 'none';
      changes.push(`${name}: ${is.size} active (was ${was.size}); now ${listed(is, was)}; before ${listed(was, is)}`);
    } else {
      changes.push(`${name}: ${literal(before).replace(/\s+/g, ' ')} -> ${literal(after).replace(/\s+/g, ' ')}`);
    }
  }
  return changes;
}
