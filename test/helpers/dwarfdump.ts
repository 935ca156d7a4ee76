/**
 * LLVM's view of debug information, for comparing websvm's DWARF reader with it: the line tables
 * of `llvm-dwarfdump --debug-line`, and the frames `llvm-symbolizer --inlining` gives each
 * instruction. `npm run build:programs` commits both as JSON, for machines without LLVM.
 */
import { execFileSync } from 'node:child_process';

/** One row of a line table as llvm-dwarfdump prints it. */
export interface DumpedRow {
  address: string;
  line: number;
  column: number;
  file: number;
  endSequence: boolean;
}

/** One line table: file names by index, then rows. */
export interface DumpedLineTable {
  offset: string;
  files: Record<number, string>;
  rows: DumpedRow[];
}

/** The name of the llvm-dwarfdump binary the project builds with. */
export const DWARFDUMP = process.env.LLVM_DWARFDUMP ?? 'llvm-dwarfdump-19';

/** Parses `llvm-dwarfdump --debug-line` text. */
export function parseDebugLine(text: string): DumpedLineTable[] {
  const tables: DumpedLineTable[] = [];
  let fileIndex = -1;
  for (const line of text.split('\n')) {
    const table = /^debug_line\[(0x[0-9a-f]+)\]/.exec(line);
    if (table) {
      tables.push({ offset: table[1], files: {}, rows: [] });
      continue;
    }
    const current = tables[tables.length - 1];
    if (!current) continue;
    const file = /^file_names\[\s*(\d+)\]:/.exec(line);
    if (file) fileIndex = Number(file[1]);
    const name = /^\s+name: "(.*)"$/.exec(line);
    if (name && fileIndex >= 0) current.files[fileIndex] = name[1];
    const row = /^(0x[0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s*(.*)$/.exec(line);
    if (row) {
      current.rows.push({ address: row[1], line: Number(row[2]), column: Number(row[3]), file: Number(row[4]), endSequence: row[5].includes('end_sequence') });
    }
  }
  return tables;
}

/** `llvm-dwarfdump --debug-line` of a file, parsed; undefined when the tool is not installed. */
export function dumpDebugLine(path: string): DumpedLineTable[] | undefined {
  try {
    return parseDebugLine(execFileSync(DWARFDUMP, ['--debug-line', path], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The name of the llvm-symbolizer binary. */
export const SYMBOLIZER = process.env.LLVM_SYMBOLIZER ?? 'llvm-symbolizer-19';

/**
 * `llvm-symbolizer --inlining` of each of `count` instructions from `textAddress`: per slot, its
 * frames innermost first as `function file:line:column`; undefined when the tool is not installed.
 */
export function symbolizeSlots(path: string, textAddress: number, count: number): string[][] | undefined {
  const addresses = Array.from({ length: count }, (_, pc) => `0x${(textAddress + 8 * pc).toString(16)}`);
  let out: string;
  try {
    out = execFileSync(SYMBOLIZER, ['--obj', path, '--inlining', ...addresses], { encoding: 'utf8', maxBuffer: 1 << 26 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return out
    .trimEnd()
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      return Array.from({ length: lines.length / 2 }, (_, i) => `${lines[2 * i]} ${lines[2 * i + 1]}`);
    });
}
