/**
 * DWARF line programs (`.debug_line`, versions 2 to 5): the header with its directory and file
 * tables, then the state machine that turns the opcodes into rows (address → file, line, column).
 */
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';
import { readForm, type FormSizes } from './forms.js';
import type { StringSections } from './strings.js';

/** One row of a line table. */
export interface LineRow {
  address: number;
  /** Index into {@link LineTable.files} (numbering as the table's version has it). */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  /** The first address past a sequence (this row holds no location of its own). */
  endSequence: boolean;
}

/** One unit's line table: files by index and rows in program order. */
export interface LineTable {
  /** Offset of the table in `.debug_line`. */
  offset: number;
  version: number;
  /** Path of each file (its directory joined in), by index; DWARF 5 counts from 0, earlier versions from 1. */
  files: Map<number, string>;
  rows: LineRow[];
}

const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_set_column = 5;
const DW_LNS_negate_stmt = 6;
const DW_LNS_const_add_pc = 8;
const DW_LNS_fixed_advance_pc = 9;
const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;
const DW_LNE_define_file = 3;
const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;
const SECTION = '.debug_line';

/** `dir/name` (just `name` when absolute), with `x/..` steps taken out. */
function joinPath(dir: string | undefined, name: string): string {
  const joined = !dir || name.startsWith('/') ? name : `${dir.replace(/\/$/, '')}/${name}`;
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else if (part !== '.' || out.length === 0) out.push(part);
  }
  return out.join('/');
}

/** Reads the line table at `offset` of `.debug_line`; `compDir` names directory 0 before DWARF 5. */
export function readLineTable(section: Uint8Array, offset: number, strings: StringSections, compDir: string | undefined): LineTable {
  const c = new Cursor(SECTION, section, offset);
  const { end, is64 } = c.unitLength();
  const version = c.u16();
  if (version < 2 || version > 5) throw malformed(SECTION, `unsupported version ${version} at ${offset}`);
  let addressSize = 8;
  if (version >= 5) {
    addressSize = c.u8();
    c.u8(); // segment selector size
  }
  const headerLength = c.offset(is64);
  const programStart = c.at + headerLength;
  if (programStart > end) throw malformed(SECTION, `header longer than its unit at ${offset}`);
  const minInstLength = c.u8();
  if (version >= 4) c.u8(); // maximum operations per instruction (VLIW only)
  const defaultIsStmt = c.u8() !== 0;
  const lineBase = c.i8();
  const lineRange = c.u8();
  const opcodeBase = c.u8();
  if (lineRange === 0) throw malformed(SECTION, `line_range 0 at ${offset}`);
  const standardLengths = [0];
  for (let i = 1; i < opcodeBase; i++) standardLengths.push(c.u8());

  const files = new Map<number, string>();
  const dirs: (string | undefined)[] = [compDir];
  if (version >= 5) {
    const sizes = { is64, addressSize, version };
    const dirEntries = readEntryTable(c, sizes, strings);
    const names = readEntryTable(c, sizes, strings);
    // Directory 0 is the compilation directory; the others are relative to it unless absolute.
    const dirPaths = dirEntries.map((d, i) => (i === 0 ? d.path : joinPath(dirEntries[0].path, d.path ?? '')));
    names.forEach((f, i) => files.set(i, joinPath(dirPaths[f.dir ?? 0], f.path ?? '')));
  } else {
    for (let d = c.cstring(); d; d = c.cstring()) dirs.push(joinPath(compDir, d));
    for (let name = c.cstring(), index = 1; name; name = c.cstring(), index++) {
      const dir = c.uleb();
      c.uleb(); // modification time
      c.uleb(); // length
      files.set(index, joinPath(dirs[dir], name));
    }
  }
  c.at = programStart;
  const header = { version, minInstLength, defaultIsStmt, lineBase, lineRange, opcodeBase, standardLengths, files, dirs };
  return { offset, version, files, rows: runProgram(c, end, header) };
}

/** A DWARF 5 directory or file entry: its path and directory index, other fields read past. */
interface Entry {
  path?: string;
  dir?: number;
}

function readEntryTable(c: Cursor, sizes: FormSizes, strings: StringSections): Entry[] {
  const formatCount = c.u8();
  const format: [type: number, form: number][] = [];
  for (let i = 0; i < formatCount; i++) format.push([c.uleb(), c.uleb()]);
  const count = c.uleb();
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const entry: Entry = {};
    for (const [type, form] of format) {
      const value = readForm(c, form, sizes);
      if (type === DW_LNCT_path) entry.path = strings.text(value, sizes);
      else if (type === DW_LNCT_directory_index && value.kind === 'constant') entry.dir = value.value;
    }
    entries.push(entry);
  }
  return entries;
}

interface Header {
  version: number;
  minInstLength: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  standardLengths: number[];
  files: Map<number, string>;
  /** Directories by index, for DWARF 4's define_file. */
  dirs: (string | undefined)[];
}

/** The line-number state machine over the opcodes up to `end`. */
function runProgram(c: Cursor, end: number, h: Header): LineRow[] {
  const rows: LineRow[] = [];
  let address = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = h.defaultIsStmt;
  const reset = () => {
    address = 0;
    file = 1;
    line = 1;
    column = 0;
    isStmt = h.defaultIsStmt;
  };
  const emit = (endSequence: boolean) => rows.push({ address, file, line, column, isStmt, endSequence });
  while (c.at < end) {
    const opcode = c.u8();
    if (opcode >= h.opcodeBase) {
      const adjusted = opcode - h.opcodeBase;
      address += Math.floor(adjusted / h.lineRange) * h.minInstLength;
      line += h.lineBase + (adjusted % h.lineRange);
      emit(false);
      continue;
    }
    switch (opcode) {
      case 0: {
        const length = c.uleb();
        const next = c.at + length;
        if (length === 0 || next > end) throw malformed(SECTION, `extended opcode of ${length} bytes at ${c.at}`);
        const sub = c.u8();
        if (sub === DW_LNE_end_sequence) {
          emit(true);
          reset();
        } else if (sub === DW_LNE_set_address) {
          address = c.uint(length - 1);
        } else if (sub === DW_LNE_define_file && h.version <= 4) {
          const name = c.cstring();
          const dir = c.uleb();
          h.files.set(h.files.size + 1, joinPath(h.dirs[dir], name));
        }
        c.at = next; // set_discriminator and unknown opcodes carry nothing we use
        break;
      }
      case DW_LNS_copy:
        emit(false);
        break;
      case DW_LNS_advance_pc:
        address += c.uleb() * h.minInstLength;
        break;
      case DW_LNS_advance_line:
        line += c.sleb();
        break;
      case DW_LNS_set_file:
        file = c.uleb();
        break;
      case DW_LNS_set_column:
        column = c.uleb();
        break;
      case DW_LNS_negate_stmt:
        isStmt = !isStmt;
        break;
      case DW_LNS_const_add_pc:
        address += Math.floor((255 - h.opcodeBase) / h.lineRange) * h.minInstLength;
        break;
      case DW_LNS_fixed_advance_pc:
        address += c.u16();
        break;
      default:
        // set_basic_block, prologue_end, epilogue_begin, set_isa and unknown ones: skip their operands.
        for (let i = 0; i < h.standardLengths[opcode]; i++) c.uleb();
    }
  }
  return rows;
}
