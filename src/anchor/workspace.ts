/**
 * An Anchor workspace loaded into an {@link SVM} (Node only), as `anchor test` would start its
 * validator: the programs of `Anchor.toml`'s `[programs.<cluster>]` from `target/deploy/<name>.so`
 * (with their IDLs from `target/idl/<name>.json`), the extra programs of `[[test.genesis]]` and
 * the account files of `[[test.validator.account]]`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SVM, WebsvmError } from '../index.js';
import { fileAccess, refused, toChecked, toInstance, toOptional, toPath, toText } from '../arguments.js';
import { parseToml, type TomlTable } from './toml.js';

/** One program of the workspace. */
export interface WorkspaceProgram {
  /** Its name in `Anchor.toml` (the crate's name, as `target/deploy/<name>.so` spells it). */
  name: string;
  programId: string;
  /** The ELF's path. */
  elf: string;
  /** `target/idl/<name>.json`, parsed, when the build wrote one. */
  idl?: { address?: string; [field: string]: unknown };
}

/** What {@link readWorkspace} finds. */
export interface Workspace {
  programs: WorkspaceProgram[];
  /** `[[test.genesis]]`: further programs (ELF path relative to the workspace). */
  genesis: { programId: string; elf: string }[];
  /** `[[test.validator.account]]`: account JSON files (`solana account --output json`). */
  accountFiles: string[];
}

/** Options of {@link fromWorkspace}. */
export interface WorkspaceOptions {
  /** The SVM to deploy into (a new `SVM` by default). */
  svm?: SVM;
  /** Which `[programs.<cluster>]` table names the program ids (`localnet` by default). */
  cluster?: string;
}

/** Reads `Anchor.toml` in `dir` and what it names, without deploying anything. */
export function readWorkspace(dir: string, cluster = 'localnet'): Workspace {
  const root = resolve(toPath(dir, 'dir'));
  if (typeof cluster !== 'string') throw refused('cluster', 'a cluster name', cluster);
  const tomlPath = join(root, 'Anchor.toml');
  if (!existsSync(tomlPath)) throw new WebsvmError('NotAnAnchorWorkspace', `${root} is not an Anchor workspace: it has no Anchor.toml`, { root });
  const toml = parseToml(fileAccess('read', tomlPath, () => readFileSync(tomlPath, 'utf8')));
  const programsTable = table(table(toml.programs)[cluster]);
  const programs = Object.entries(programsTable).map(([name, id]) => {
    const programId = typeof id === 'string' ? id : String(table(id).address);
    const elf = join(root, 'target', 'deploy', `${name}.so`);
    if (!existsSync(elf)) {
      throw new WebsvmError('ProgramNotBuilt', `Anchor.toml names program ${name} (${programId}), but ${elf} does not exist: run anchor build`, {
        name,
        programId,
        elf,
      });
    }
    const idlPath = join(root, 'target', 'idl', `${name}.json`);
    const idl = existsSync(idlPath) ? readIdl(idlPath) : undefined;
    return { name, programId, elf, idl };
  });
  const test = table(toml.test);
  const genesis = list(test.genesis).map((g) => ({ programId: String(g.address), elf: resolve(root, String(g.program)) }));
  const accountFiles = list(table(test.validator).account).map((a) => resolve(root, String(a.filename)));
  return { programs, genesis, accountFiles };
}

/**
 * An SVM with the workspace deployed: the programs of `[programs.localnet]` (or `options.cluster`),
 * those of `[[test.genesis]]`, and the accounts of `[[test.validator.account]]`.
 */
export function fromWorkspace(dir: string, options: WorkspaceOptions = {}): SVM {
  const { svm: given, cluster } = toChecked<WorkspaceOptions>(options, 'options', 'workspace options { svm?, cluster? } or undefined', 'options', {
    svm: (v, name) => toOptional(v, name, (s, at) => toInstance(s, at, SVM, 'an SVM')),
    cluster: (v, name) => toOptional(v, name, toText),
  });
  const svm = given ?? new SVM();
  const workspace = readWorkspace(dir, cluster);
  for (const program of [...workspace.programs, ...workspace.genesis]) svm.addProgramFromFile(program.programId, program.elf);
  for (const file of workspace.accountFiles) svm.loadAccountJson(fileAccess('read', file, () => readFileSync(file, 'utf8')));
  return svm;
}

/** The IDL in the JSON file `path`; a file that cannot be read or parsed is a `FileError` or an `InvalidIdl`. */
function readIdl(path: string): WorkspaceProgram['idl'] {
  const text = fileAccess('read', path, () => readFileSync(path, 'utf8'));
  try {
    return JSON.parse(text) as WorkspaceProgram['idl'];
  } catch (e) {
    throw new WebsvmError('InvalidIdl', `${path}: ${(e as Error).message}`, { path }, { cause: e });
  }
}

const table = (value: unknown): TomlTable => (value && typeof value === 'object' && !Array.isArray(value) ? (value as TomlTable) : {});
const list = (value: unknown): TomlTable[] => (Array.isArray(value) ? value.map(table) : []);
