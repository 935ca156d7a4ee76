/**
 * `npm run lint` (via `lint:indexed-access`): type-checks the project with `noUncheckedIndexedAccess`
 * on and reports the errors of the folders held to it. The flag cannot be set per folder in
 * tsconfig.json (tsc applies it to the whole import graph, where the VM and runtime would need
 * hundreds of checks on hot paths), so this script filters the diagnostics by file instead.
 * Exits 1 when any file under those folders has one.
 */
import { relative, resolve } from 'node:path';
import ts from 'typescript';

/** Folders whose indexed reads must be checked (`arr[i]` is `T | undefined` there). */
const CHECKED_FOLDERS = ['src/api/', 'src/cli/', 'src/elf/', 'src/inspect/'];

const root = resolve(import.meta.dirname, '..');
const configPath = resolve(root, 'tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  { noUncheckedIndexedAccess: true, noEmit: true },
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
if (!config) throw new Error(`cannot read ${configPath}`);

const checked = (fileName: string) => CHECKED_FOLDERS.some((folder) => relative(root, fileName).replaceAll('\\', '/').startsWith(folder));
// Only the checked folders' files as roots: their imports are still type-checked, but only their own diagnostics are asked for.
const program = ts.createProgram({ rootNames: config.fileNames.filter(checked), options: config.options });
const diagnostics = program
  .getSourceFiles()
  .filter((file) => checked(file.fileName))
  .flatMap((file) => program.getSemanticDiagnostics(file).concat(program.getSyntacticDiagnostics(file)));

if (diagnostics.length > 0) {
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  console.error(`${diagnostics.length} error(s) with noUncheckedIndexedAccess under ${CHECKED_FOLDERS.join(', ')}`);
  process.exit(1);
}
console.log(`noUncheckedIndexedAccess: ${CHECKED_FOLDERS.join(', ')} clean`);
