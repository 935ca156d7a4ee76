/**
 * `npm run prepare:programs`: fetches real compiled programs for the benchmarks, never committed.
 * Light Protocol publishes its on-chain programs on npm (`@lightprotocol/zk-compression-cli`:
 * Anchor and pinocchio `bin/*.so`, and `accounts/*.json` dumps of the state its test validator
 * starts with) and the Anchor IDLs of two of them as TypeScript types in its client libraries.
 * Each package is taken with `npm pack` at a pinned version into a git-ignored cache; a package
 * already there is not fetched again, so running this twice costs nothing.
 *
 * Layout of {@link REAL_PROGRAMS_DIR}: `programs/<name>.so`, `accounts/<file>.json` (the dumps as
 * published: `{ pubkey, account: { lamports, data: [base64, 'base64'], owner, executable } }`) and
 * `idl/<program name>.json` (old-format Anchor IDLs: `isMut`/`isSigner`, camelCase names).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';

/**
 * Where the prepared files live (inside node_modules, so git and npm publishing ignore them);
 * `WEBSVM_REAL_PROGRAMS_DIR` names it for code bundled elsewhere (the cold benchmark's child).
 */
export const REAL_PROGRAMS_DIR =
  process.env.WEBSVM_REAL_PROGRAMS_DIR ?? fileURLToPath(new URL('../node_modules/.cache/websvm/real-programs/', import.meta.url));

/** One npm package and what to take from its tarball. */
interface Source {
  name: string;
  version: string;
  /** Copies what is wanted from the unpacked `package/` directory into the cache. */
  take(unpacked: string): void;
}

const SOURCES: Source[] = [
  {
    name: '@lightprotocol/zk-compression-cli',
    version: '0.28.3',
    take(unpacked) {
      copyMatching(join(unpacked, 'bin'), join(REAL_PROGRAMS_DIR, 'programs'), (f) => f.endsWith('.so'));
      copyMatching(join(unpacked, 'accounts'), join(REAL_PROGRAMS_DIR, 'accounts'), (f) => f.endsWith('.json'));
    },
  },
  { name: '@lightprotocol/stateless.js', version: '0.23.3', take: (unpacked) => writeIdls(join(unpacked, 'dist/types/index.d.ts')) },
  { name: '@lightprotocol/compressed-token', version: '0.23.3', take: (unpacked) => writeIdls(join(unpacked, 'dist/types/index.d.ts')) },
];

/** Fetches every package not yet in the cache; returns {@link REAL_PROGRAMS_DIR}. */
export function prepareRealPrograms(): string {
  for (const source of SOURCES) {
    const marker = join(REAL_PROGRAMS_DIR, 'fetched', `${source.name.replace('/', '+')}@${source.version}`);
    if (existsSync(marker)) continue;
    const work = mkdtempSync(join(tmpdir(), 'websvm-real-programs-'));
    try {
      const tarball = execFileSync('npm', ['pack', `${source.name}@${source.version}`, '--pack-destination', work, '--silent'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop()!;
      execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
      source.take(join(work, 'package'));
      mkdirSync(join(REAL_PROGRAMS_DIR, 'fetched'), { recursive: true });
      writeFileSync(marker, '');
      console.error(`fetched ${source.name}@${source.version}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return REAL_PROGRAMS_DIR;
}

function copyMatching(from: string, to: string, wanted: (file: string) => boolean): void {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter(wanted)) copyFileSync(join(from, file), join(to, file));
}

/**
 * The libraries declare each IDL as a type literal (`type LightSystemProgram = { version: '1.2.0';
 * name: 'light_system_program'; instructions: [...] }`); every such type becomes
 * `idl/<name>.json`.
 */
function writeIdls(declarations: string): void {
  // Loaded here only: a cache already filled should not pay for the compiler.
  const ts = createRequire(import.meta.url)('typescript') as typeof TS;
  const file = ts.createSourceFile(declarations, readFileSync(declarations, 'utf8'), ts.ScriptTarget.Latest);
  mkdirSync(join(REAL_PROGRAMS_DIR, 'idl'), { recursive: true });
  let written = 0;
  file.forEachChild((node) => {
    if (!ts.isTypeAliasDeclaration(node) || !ts.isTypeLiteralNode(node.type)) return;
    const members = new Set(node.type.members.map((m) => (m.name as TS.Identifier | undefined)?.text));
    if (!members.has('name') || !members.has('instructions')) return;
    const value = literalValue(ts, node.type) as { name: string };
    writeFileSync(join(REAL_PROGRAMS_DIR, 'idl', `${value.name}.json`), JSON.stringify(value, null, 1));
    written++;
  });
  if (written === 0) throw new Error(`no IDL type found in ${declarations}`);
}

/** The JSON value a literal type spells: objects, tuples, strings, numbers and booleans. */
function literalValue(ts: typeof TS, type: TS.TypeNode): unknown {
  if (ts.isTypeLiteralNode(type)) {
    return Object.fromEntries(
      type.members.filter(ts.isPropertySignature).map((m) => [(m.name as TS.Identifier | TS.StringLiteral).text, literalValue(ts, m.type!)]),
    );
  }
  if (ts.isTupleTypeNode(type)) return type.elements.map((e) => literalValue(ts, e));
  if (ts.isLiteralTypeNode(type)) {
    const l = type.literal;
    if (ts.isStringLiteral(l)) return l.text;
    if (ts.isNumericLiteral(l)) return Number(l.text);
    if (l.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (l.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isPrefixUnaryExpression(l) && ts.isNumericLiteral(l.operand)) return -Number(l.operand.text);
  }
  throw new Error(`unexpected type in an IDL: ${ts.SyntaxKind[type.kind]}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(prepareRealPrograms());
