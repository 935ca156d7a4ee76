/**
 * The programs LiteSVM deploys in `new LiteSVM()` and `withDefaultPrograms()`: SPL Token,
 * Token-2022, Memo v1 and v2, the Associated Token Account program, and the core-BPF Address
 * Lookup Table and Stake programs. websvm ships none of their ELFs; a {@link ProgramSource}
 * supplies them: a directory of dumped programs, the installed `litesvm` package, or your own.
 */
import { toText } from '../arguments.js';
import { WebsvmError } from '../errors.js';
import { nodeModule, processEnv, requireNodeFs, type NodeFs } from '../platform.js';
import { PROGRAMDATA_METADATA_SIZE, programDataAddress } from '../runtime/loader-state.js';
import { fetchClusterAccounts } from './cluster-accounts.js';
import { BPF_LOADER_UPGRADEABLE } from '../runtime/ids.js';
import { DEFAULT_PROGRAM_LOADERS } from '../runtime/litesvm-release.js';

/** One of LiteSVM's default programs. */
export interface DefaultProgram {
  /** The file name a directory source looks for (`<name>.so`). */
  readonly name: string;
  readonly programId: string;
  /** The loader LiteSVM deploys it with. */
  readonly loader: string;
}

/** The file name a directory source looks for, by program id (`solana program dump` names). */
const PROGRAM_NAMES: Readonly<Record<string, string>> = {
  TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA: 'spl_token',
  TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb: 'spl_token_2022',
  Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo: 'spl_memo_v1',
  MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr: 'spl_memo',
  ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL: 'spl_associated_token_account',
  AddressLookupTab1e1111111111111111111111111: 'address_lookup_table',
  Stake11111111111111111111111111111111111111: 'stake',
};

/**
 * LiteSVM's default programs with the loaders it uses (copied from its release); a program
 * without a known name is looked up by its id.
 */
export const DEFAULT_PROGRAMS: readonly DefaultProgram[] = DEFAULT_PROGRAM_LOADERS.map(([programId, loader]) => ({
  name: PROGRAM_NAMES[programId] ?? programId,
  programId,
  loader,
}));

/**
 * An ELF for a default program and the loader to deploy it with. `elf` may be a getter: websvm
 * reads it only when the program's accounts are first read or the program first runs.
 */
export interface ProgramElf {
  readonly elf: Uint8Array;
  readonly loader: string;
}

/** A program whose ELF is read from `file` on first use (then kept). */
function elfFile(fs: NodeFs, file: string, loader: string): ProgramElf {
  let bytes: Uint8Array | undefined;
  return {
    loader,
    get elf() {
      return (bytes ??= new Uint8Array(fs.readFileSync(file)));
    },
  };
}

/** Supplies the ELF of a default program, or undefined when it has none. */
export type ProgramSource = (program: DefaultProgram) => ProgramElf | undefined;

/**
 * ELFs from a directory (Node only): `<name>.so` or `<programId>.so`, e.g. the output of
 * `solana program dump <programId> <programId>.so`. Deployed with LiteSVM's loaders.
 */
export function programsFromDirectory(dir: string): ProgramSource {
  const fs = requireNodeFs('reading programs from a directory');
  const read = new Map<string, ProgramElf | undefined>(); // the same bytes every time, so loading is cached
  return (p) => {
    if (!read.has(p.programId)) {
      const file = [`${dir}/${p.name}.so`, `${dir}/${p.programId}.so`].find((f) => fs.existsSync(f));
      read.set(p.programId, file === undefined ? undefined : elfFile(fs, file, p.loader));
    }
    return read.get(p.programId);
  };
}

/**
 * The default programs as deployed on the cluster behind `rpcUrl` (mainnet-beta's
 * `https://api.mainnet-beta.solana.com`, or a local validator's), with the loaders they have there:
 * fetched once by `getMultipleAccounts` (program accounts, then the ProgramData of upgradeable
 * ones), so `new SVM().withDefaultPrograms(await programsFromRpc(url))` needs neither litesvm nor
 * dumped files. A program the cluster does not have is left out. Throws `WebsvmError` kind
 * `FetchFailed` when the RPC cannot be reached or answers with an error.
 */
export async function programsFromRpc(rpcUrl: string): Promise<ProgramSource> {
  toText(rpcUrl, 'rpcUrl', 'an RPC URL');
  const fetchAccounts = async (addresses: string[]) => {
    try {
      return await fetchClusterAccounts(rpcUrl, addresses);
    } catch (e) {
      if (e instanceof WebsvmError && e.kind === 'FetchFailed')
        throw new WebsvmError('FetchFailed', `cannot fetch the default programs from ${rpcUrl}: ${e.message}`);
      throw e;
    }
  };
  const ids = DEFAULT_PROGRAMS.map((p) => p.programId);
  const programs = await fetchAccounts(ids);
  const upgradeable = ids.flatMap((id, i) => {
    const account = programs[i];
    const programData = account?.owner === BPF_LOADER_UPGRADEABLE ? programDataAddress(account.data) : undefined;
    return programData ? [{ id, programData }] : [];
  });
  const programData = upgradeable.length ? await fetchAccounts(upgradeable.map((u) => u.programData)) : [];
  const found = new Map<string, ProgramElf>();
  ids.forEach((id, i) => {
    const account = programs[i];
    if (account && account.owner !== BPF_LOADER_UPGRADEABLE) found.set(id, { elf: account.data, loader: account.owner });
  });
  upgradeable.forEach(({ id }, i) => {
    const data = programData[i];
    if (data) found.set(id, { elf: data.data.subarray(PROGRAMDATA_METADATA_SIZE), loader: BPF_LOADER_UPGRADEABLE });
  });
  return (p) => found.get(p.programId);
}

let fromEnvironment: ProgramSource | null | undefined;

/**
 * Where `new SVM()` and `withDefaultPrograms()` look when given no source: the directory named by
 * `WEBSVM_PROGRAMS`, else the installed `litesvm` package; undefined when neither is there.
 */
export function defaultProgramSource(): ProgramSource | undefined {
  if (fromEnvironment === undefined) {
    const dir = processEnv().WEBSVM_PROGRAMS;
    fromEnvironment = (dir ? programsFromDirectory(dir) : programsFromLiteSvm()) ?? null;
  }
  return fromEnvironment ?? undefined;
}

/** The part of the `litesvm` package this module reads. */
interface LiteSvmModule {
  LiteSVM: new () => {
    getAccount(address: string): { exists: boolean; data: Uint8Array; programAddress: string };
  };
}

let fromLiteSvm: Map<string, ProgramElf> | null | undefined;

/**
 * The ELFs bundled in the installed `litesvm` package (Node only), with the loaders LiteSVM uses;
 * undefined when the package cannot be found. This is how a test suite moving from LiteSVM keeps
 * its default programs while `litesvm` is still installed. Loading the native package costs about
 * 0.4 s, so the ELFs are kept in `node_modules/.cache/websvm/litesvm-<version>/` for the next
 * process.
 */
export function programsFromLiteSvm(): ProgramSource | undefined {
  if (fromLiteSvm === undefined) fromLiteSvm = readLiteSvmPrograms();
  const programs = fromLiteSvm;
  return programs ? (p) => programs.get(p.programId) : undefined;
}

type NodeRequire = ((id: string) => unknown) & { resolve(id: string): string };

function readLiteSvmPrograms(): Map<string, ProgramElf> | null {
  const proc = (globalThis as { process?: { cwd?: () => string; pid?: number } }).process;
  const nodeRequire = nodeModule<{ createRequire(from: string): NodeRequire }>('node:module');
  const fs = nodeModule<NodeFs>('node:fs');
  if (!nodeRequire || !fs || !proc?.cwd) return null;
  const load = nodeRequire.createRequire(`${proc.cwd()}/package.json`); // from the user's project
  let manifest: string;
  try {
    manifest = load.resolve('litesvm/package.json');
  } catch {
    return null;
  }
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
  const cache = `${manifest.slice(0, -'/litesvm/package.json'.length)}/.cache/websvm/litesvm-${version}`;
  return readCache(fs, cache) ?? extract(load, fs, cache, proc.pid ?? 0);
}

/** The cached programs, when a complete cache (its `loaders.json` is written last) is there. */
function readCache(fs: NodeFs, cache: string): Map<string, ProgramElf> | null {
  if (!fs.existsSync(`${cache}/loaders.json`)) return null;
  const loaders = JSON.parse(fs.readFileSync(`${cache}/loaders.json`, 'utf8')) as Record<string, string>;
  const programs = new Map<string, ProgramElf>();
  for (const p of DEFAULT_PROGRAMS) {
    const loader = loaders[p.name];
    if (loader) programs.set(p.programId, elfFile(fs, `${cache}/${p.name}.so`, loader));
  }
  return programs;
}

/** Reads the programs from a LiteSVM instance and caches them (best effort: files renamed into place). */
function extract(load: NodeRequire, fs: NodeFs, cache: string, pid: number): Map<string, ProgramElf> | null {
  let svm: InstanceType<LiteSvmModule['LiteSVM']>;
  try {
    svm = new (load('litesvm') as LiteSvmModule).LiteSVM();
  } catch {
    return null;
  }
  const programs = new Map<string, ProgramElf>();
  for (const p of DEFAULT_PROGRAMS) {
    const account = svm.getAccount(p.programId);
    if (!account.exists) continue;
    const loader = account.programAddress;
    if (loader !== BPF_LOADER_UPGRADEABLE) {
      programs.set(p.programId, { elf: account.data, loader });
      continue;
    }
    const programDataAt = programDataAddress(account.data);
    const programData = programDataAt === undefined ? undefined : svm.getAccount(programDataAt);
    if (programData?.exists) programs.set(p.programId, { elf: programData.data.subarray(PROGRAMDATA_METADATA_SIZE), loader });
  }
  try {
    fs.mkdirSync(cache, { recursive: true });
    const write = (file: string, data: string | Uint8Array) => {
      fs.writeFileSync(`${cache}/${file}.${pid}.tmp`, data);
      fs.renameSync(`${cache}/${file}.${pid}.tmp`, `${cache}/${file}`);
    };
    const loaders: Record<string, string> = {};
    for (const p of DEFAULT_PROGRAMS) {
      const found = programs.get(p.programId);
      if (!found) continue;
      write(`${p.name}.so`, found.elf);
      loaders[p.name] = found.loader;
    }
    write('loaders.json', JSON.stringify(loaders));
  } catch {
    // A read-only node_modules only costs the next process the extraction again.
  }
  return programs;
}

const warned = new Set<string>();

/**
 * Says, once per program and process (a Node warning, `process.emitWarning`), that a transaction
 * named one of LiteSVM's default programs which is not deployed because no source had it — the
 * transaction's own result stays what Agave gives (`InvalidProgramForExecution` and no logs).
 */
export function warnMissingDefaultPrograms(keys: readonly string[], deployed: (programId: string) => boolean): void {
  for (const p of DEFAULT_PROGRAMS) {
    if (warned.has(p.programId) || !keys.includes(p.programId) || deployed(p.programId)) continue;
    warned.add(p.programId);
    const proc = (globalThis as { process?: { emitWarning?: (message: string, type: string) => void } }).process;
    proc?.emitWarning?.(
      `a transaction names ${p.name} (${p.programId}), one of LiteSVM's default programs, which new SVM() could not deploy: set WEBSVM_PROGRAMS to a directory of dumped programs, install litesvm, pass a ProgramSource to withDefaultPrograms (programsFromRpc(url) fetches them from a cluster), or deploy it with addProgram`,
      'WebsvmWarning',
    );
  }
}
