/**
 * Source mapping of an sBPF program: from an instruction slot to function, file, line and column,
 * with inlined frames, read from the program's DWARF (or that of a separate `.debug` file), else
 * lines and functions from its BTF, else named from its symbol tables, else from the loader's
 * function registry. For the debugger it also gives what values are shown with: the variables
 * in scope at an instruction and the global variables (DWARF's), the parameters a function was
 * entered with (DWARF's or BTF's prototype, at the calling convention's registers), and the
 * types of them all (DWARF's, else BTF's).
 */
import { refused, toBytes, toChecked, toFields, toOptional } from '../arguments.js';
import { toExecutable, type Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';
import { readElfContents, type ElfContents, type FunctionSymbol } from './elf-sections.js';
import { readUnits, type CodeScope, type DebugInfo } from './info.js';
import type { AddressRange } from './ranges.js';
import type { DebugType } from './types.js';
import { readLineTable, type LineTable } from './line-program.js';
import { readBtf, type Btf } from './btf.js';
import { addressExpression, parameterExpressions, type UnitReferences } from './locations.js';
import { StringSections } from './strings.js';
import { TypeView } from './type-view.js';

/** Where an instruction comes from. */
export interface SourceFrame {
  /** Instruction slot: the failing instruction in the innermost frame, the call instruction in its callers. */
  pc: number;
  function?: string;
  file?: string;
  line?: number;
  column?: number;
  /** Whether the compiler inlined this frame into the next one (it has no sBPF call frame of its own). */
  inlined: boolean;
  /** The program the frame is in (in backtraces of transactions, where CPIs add programs). */
  programId?: string;
}

/** `function (file:line:column)`, or with the pc where no line is known. */
export function formatFrame(f: SourceFrame): string {
  if (typeof toFields(f, 'frame', 'a SourceFrame { pc, function?, file?, line?, column?, inlined }').pc !== 'number')
    throw refused('frame', 'a SourceFrame { pc, … }', f);
  // Line 0 marks code the compiler attributes to no line.
  const where = f.file === undefined ? `pc ${f.pc}` : f.line ? `${f.file}:${f.line}${f.column ? `:${f.column}` : ''}` : f.file;
  return `${f.function ?? '<unknown>'} (${where})${f.inlined ? ' [inlined]' : ''}`;
}

/** Frames innermost first: where a program stopped, then each caller at its call. */
export class Backtrace {
  constructor(readonly frames: readonly SourceFrame[]) {}
  /** The innermost frame. */
  get top(): SourceFrame | undefined {
    return this.frames[0];
  }
  /** One `at …` line per frame, under a `program …` line where the program changes. */
  toString(): string {
    return this.frames
      .flatMap((f, i) => [...(f.programId && f.programId !== this.frames[i - 1]?.programId ? [`  program ${f.programId}`] : []), `    at ${formatFrame(f)}`])
      .join('\n');
  }
}

/** A function of the program as slots: where it starts and where its code ends (exclusive). */
export interface FunctionExtent {
  name: string;
  /** Slot of its first instruction (its entry). */
  pc: number;
  /** Slot after its last instruction (of its first range, for a function DWARF splits in parts). */
  end: number;
}

/** A variable in scope at an instruction (see {@link SourceMap.variablesAt}), a global variable, or a parameter at a function's entry. */
export interface SourceVariable {
  name: string;
  parameter: boolean;
  /** The id of its type (see {@link SourceMap.type}). */
  type?: number;
  /** Its location expression there; undefined where it has none (optimized out). */
  location?: Uint8Array;
  /** The frame base expression of the function whose frame it is in. */
  frameBase?: Uint8Array;
  /** What its location expressions refer to in their unit. */
  unit?: UnitReferences;
}

/** Debug information of a program without any. */
const NO_DEBUG_INFO: Pick<DebugInfo, 'nameOf' | 'typeOf' | 'types'> = { nameOf: () => undefined, typeOf: () => undefined, types: new Map() };

/**
 * What the debugger shows values with, from DWARF where it has types, else from BTF: the types by
 * id, the global variables, and (from BTF) each function's parameters by its entry's address.
 */
interface ValueInfo {
  from: 'dwarf' | 'btf';
  types: ReadonlyMap<number, DebugType>;
  globals: SourceVariable[];
  prototypes: ReadonlyMap<number, { name: string; parameters: { name: string; type: number }[] }>;
}

const NO_VALUE_INFO: ValueInfo = { from: 'dwarf', types: new Map(), globals: [], prototypes: new Map() };

/** A line-table row with its file resolved, as looked up. */
interface Row {
  address: number;
  file?: string;
  line: number;
  column: number;
  endSequence: boolean;
}

/** Options of {@link SourceMap.fromElf}. */
export interface SourceMapOptions {
  /** The separate debug file of a stripped program (`prog.debug` beside `prog.so`). */
  debugFile?: Uint8Array;
  /** The loaded program, whose function registry names what no symbol table does. */
  exe?: Executable;
}

export class SourceMap {
  private constructor(
    /** `sh_addr` of `.text` in the file the DWARF came from: the address of slot 0. */
    private readonly textAddress: number,
    private readonly rows: Row[],
    private readonly tables: LineTable[],
    /** Each unit's subprograms, with the unit's file names (for call sites of inlined code). */
    private readonly scopes: { files: ReadonlyMap<number, string>; subprograms: CodeScope[] }[],
    private readonly info: Pick<DebugInfo, 'nameOf' | 'typeOf' | 'types'>,
    private readonly symbols: { pc: number; end: number; name: string }[],
    private readonly values: ValueInfo,
  ) {
    this.types = new TypeView((id) => values.types.get(id));
  }

  /** The types of {@link type}, resolved, sized and named. */
  readonly types: TypeView;
  /** Types by the names C gives them (see {@link typeNamed}), made on first use. */
  private typeNames: Map<string, DebugType> | undefined;

  /**
   * Reads the DWARF and symbols of a program's ELF (and of its debug file). Throws a
   * `DebugInfoError` when either is malformed; a program without debug information is fine.
   */
  static fromElf(elf: Uint8Array, opts: SourceMapOptions = {}): SourceMap {
    opts = toChecked<SourceMapOptions>(opts, 'opts', 'source map options { debugFile?, exe? } or undefined', 'opts', {
      debugFile: (v, name) => toOptional(v, name, toBytes),
      exe: (v, name) => toOptional(v, name, toExecutable),
    });
    const program = readElfContents(toBytes(elf, 'elf'));
    const debug = opts.debugFile ? readElfContents(opts.debugFile) : program;
    const dwarf = debug.sections.has('.debug_info') ? debug : program;
    const textAddress = (dwarf.sections.get('.text') ?? program.sections.get('.text'))?.addr ?? 0;
    const section = (name: string) => dwarf.sections.get(name)?.data ?? new Uint8Array(0);
    const strings = new StringSections(section('.debug_str'), section('.debug_line_str'), section('.debug_str_offsets'), section('.debug_addr'));
    const info = readUnits({
      info: section('.debug_info'),
      abbrev: section('.debug_abbrev'),
      ranges: section('.debug_ranges'),
      rnglists: section('.debug_rnglists'),
      loc: section('.debug_loc'),
      loclists: section('.debug_loclists'),
      strings,
    });
    const { units } = info;
    const tables: LineTable[] = [];
    const scopes: { files: ReadonlyMap<number, string>; subprograms: CodeScope[] }[] = [];
    for (const unit of units) {
      const table = unit.stmtList === undefined ? undefined : readLineTable(section('.debug_line'), unit.stmtList, strings, unit.compDir);
      if (table) tables.push(table);
      scopes.push({ files: table?.files ?? new Map(), subprograms: unit.scopes });
    }
    let rows: Row[] = tables
      .flatMap((t) => t.rows.map((r) => ({ address: r.address, file: t.files.get(r.file), line: r.line, column: r.column, endSequence: r.endSequence })))
      .sort((a, b) => a.address - b.address);
    // BTF serves where DWARF has no lines, or no types.
    const btfFile = [debug, program].find((f) => f.sections.has('.BTF'));
    const btf =
      btfFile && (rows.length === 0 || info.types.size === 0) ? readBtf(btfFile.sections.get('.BTF')!.data, btfFile.sections.get('.BTF.ext')?.data) : undefined;
    let btfFunctions: FunctionSymbol[] = [];
    if (rows.length === 0 && btf) ({ rows, functions: btfFunctions } = btfLines(btf, btfFile!, textAddress));
    const values = info.types.size > 0 || !btf ? dwarfValues(info) : btfValues(btf, btfFile!, textAddress, [program, debug]);
    return new SourceMap(textAddress, rows, tables, scopes, info, symbolRanges([program, debug], textAddress, opts.exe, btfFunctions), values);
  }

  /** A map with function names only: from the loader's registry. */
  static fromExecutable(exe: Executable): SourceMap {
    toExecutable(exe, 'exe');
    return new SourceMap(0, [], [], [], NO_DEBUG_INFO, symbolRanges([], 0, exe), NO_VALUE_INFO);
  }

  /** Whether DWARF line information was found. */
  get hasLines(): boolean {
    return this.rows.length > 0;
  }

  /** The line tables as read (one per compilation unit). */
  lineTables(): readonly LineTable[] {
    return this.tables;
  }

  /**
   * The source line of slot `pc` as the line table gives it (the innermost, inlined code's line);
   * undefined where the table has no row, or one with line 0 (code of no line).
   */
  lineAt(pc: number): { file: string; line: number } | undefined {
    const row = this.rowAt(this.textAddress + pc * INSN_SIZE);
    return row?.file !== undefined && row.line ? { file: row.file, line: row.line } : undefined;
  }

  /**
   * The program's functions with code: its DWARF subprograms (inlined copies are not functions of
   * their own) when it has DWARF, else its function symbols, one per entry slot, in slot order.
   */
  functions(): FunctionExtent[] {
    const toSlot = (address: number) => (address - this.textAddress) / INSN_SIZE;
    const fromDwarf = this.scopes.flatMap((unit) =>
      unit.subprograms.flatMap((s) => {
        const [start, end] = s.ranges[0]!; // scopes have at least one range
        const name = this.info.nameOf(s.entry) ?? this.symbolAt(toSlot(start));
        return name === undefined ? [] : [{ name, pc: toSlot(start), end: toSlot(end) }];
      }),
    );
    const byEntry = new Map<number, FunctionExtent>();
    for (const f of fromDwarf.length > 0 ? fromDwarf : this.symbols) if (Number.isInteger(f.pc) && !byEntry.has(f.pc)) byEntry.set(f.pc, f);
    return [...byEntry.values()].sort((a, b) => a.pc - b.pc);
  }

  /** The frames at slot `pc`, innermost (the inlined code itself) first. */
  locate(pc: number): SourceFrame[] {
    const address = this.textAddress + pc * INSN_SIZE;
    const row = this.rowAt(address);
    const { chain, files } = this.scopeChain(address);
    const line = row && { file: row.file, line: row.line, column: row.column };
    if (chain.length === 0) return [{ pc, function: this.symbolAt(pc), ...line, inlined: false }];
    // Innermost scope: the line table's location. Each inlined scope's call site is a location in the scope around it.
    const frames: SourceFrame[] = [];
    let location = line;
    for (let i = chain.length - 1; i >= 0; i--) {
      const scope = chain[i];
      frames.push({ pc, function: this.info.nameOf(scope.entry) ?? this.symbolAt(pc), ...location, inlined: scope.inlined });
      location = { file: files.get(scope.callFile), line: scope.callLine, column: scope.callColumn };
    }
    return frames;
  }

  /**
   * Where a breakpoint on `line` of `file` stops: the first line from `line` on that has code in
   * the file (paths match on their trailing components, so an absolute editor path finds the
   * DWARF's relative one), and the slots where execution enters that line: its statement rows
   * that follow a row of another line.
   */
  lineEntries(file: string, line: number): { line: number; pcs: number[] } | undefined {
    const entries = new Map<number, number[]>();
    for (const table of this.tables) {
      let previous: number | undefined;
      for (const row of table.rows) {
        const path = table.files.get(row.file);
        const here = row.endSequence || path === undefined || !samePath(path, file) ? undefined : row.line;
        if (here !== undefined && here >= line && row.isStmt && here !== previous) {
          const pcs = entries.get(here) ?? [];
          pcs.push((row.address - this.textAddress) / INSN_SIZE);
          entries.set(here, pcs);
        }
        previous = row.endSequence ? undefined : here;
      }
    }
    if (entries.size === 0) return undefined;
    const first = Math.min(...entries.keys());
    return { line: first, pcs: [...new Set(entries.get(first))].sort((a, b) => a - b) };
  }

  /** The entry slots of the functions named `name` (from the symbol tables or the loader's registry). */
  functionEntries(name: string): number[] {
    return [...new Set(this.symbols.filter((s) => s.name === name).map((s) => s.pc))];
  }

  /**
   * The backtrace of a program stopped at slot `pc` with call frames returning to `returnPcs`
   * (outermost first, as the VM keeps them).
   */
  backtrace(pc: number, returnPcs: readonly number[] = []): Backtrace {
    const frames = this.locate(pc);
    for (let i = returnPcs.length - 1; i >= 0; i--) frames.push(...this.locate(returnPcs[i] - 1));
    return new Backtrace(frames);
  }

  /**
   * The parameters and local variables in scope at slot `pc`, per frame of {@link locate} (the
   * innermost first), each with its type and where it is there: a DWARF location expression, and
   * the frame base of the function whose frame holds it.
   */
  variablesAt(pc: number): SourceVariable[][] {
    const address = this.textAddress + pc * INSN_SIZE;
    const { chain } = this.scopeChain(address);
    const frameBase = chain[0]?.frameBase;
    const inRange = (ranges: AddressRange[] | undefined) => !ranges || ranges.some(([start, end]) => address >= start && address < end);
    return chain
      .map((scope) =>
        scope.variables
          .filter((v) => inRange(v.ranges))
          .flatMap((v) => {
            const name = this.info.nameOf(v.entry);
            return name === undefined
              ? []
              : [{ name, parameter: v.parameter, type: this.info.typeOf(v.entry), location: v.location(address), frameBase, unit: v.unit }];
          }),
      )
      .reverse();
  }

  /** The VM address of `address`, an address of the ELF as linked, in the program loaded as `exe`. */
  vmAddress(address: bigint, exe: Executable): bigint {
    return BigInt.asUintN(64, address + BigInt(exe.textVaddr - this.textAddress));
  }

  /** The type with id `id` (as variables and other types give them): a `.debug_info` offset, or a BTF type id where types come from BTF. */
  type(id: number): DebugType | undefined {
    return this.values.types.get(id);
  }

  /**
   * The type C names `name`: a typedef, a base type (`unsigned long`), `struct point`, `union u`,
   * `enum e` — or a structure or union by its tag alone (`point`).
   */
  typeNamed(name: string): DebugType | undefined {
    if (!this.typeNames) {
      const names = new Map<string, DebugType>();
      const add = (key: string, t: DebugType) => {
        const known = names.get(key);
        // A declaration without members gives way to the definition.
        if (!known || (known.kind === 'struct' && known.members.length === 0 && t.kind === 'struct' && t.members.length > 0)) names.set(key, t);
      };
      for (const t of this.values.types.values()) {
        if (t.kind === 'struct' && t.name) {
          add(`${t.union ? 'union' : 'struct'} ${t.name}`, t);
          add(t.name, t);
        } else if ((t.kind === 'base' || t.kind === 'alias') && t.name) add(t.name, t);
      }
      this.typeNames = names;
    }
    return this.typeNames.get(name.trim().replace(/\s+/g, ' '));
  }

  /** The program's global variables, each at its address in the ELF as linked. */
  globals(): readonly SourceVariable[] {
    return this.values.globals;
  }

  /**
   * The parameters the function holding slot `pc` is entered with, each with its type and the
   * location the sBPF calling convention gives it at the function's first instruction (see
   * `parameterExpressions`): from the DWARF subprogram, or else from the BTF prototype. Undefined
   * where neither is known, or where the compiler changed how the function is called (a DWARF
   * `DW_CC_nocall`, or a BTF function whose entry a symbol of another name marks, such as a
   * `.specialized` copy).
   */
  argumentsAt(pc: number): SourceVariable[] | undefined {
    const address = this.textAddress + pc * INSN_SIZE;
    let parameters: { name: string; type?: number }[] | undefined;
    if (this.values.from === 'dwarf') {
      const subprogram = this.scopeChain(address).chain[0];
      if (!subprogram?.conventional) return undefined;
      parameters = subprogram.variables.filter((v) => v.parameter).map((v) => ({ name: this.info.nameOf(v.entry) ?? '?', type: this.info.typeOf(v.entry) }));
    } else {
      const entry = this.functions().find((f) => pc >= f.pc && pc < f.end)?.pc;
      const prototype = entry === undefined ? undefined : this.values.prototypes.get(this.textAddress + entry * INSN_SIZE);
      if (!prototype) return undefined;
      parameters = prototype.parameters;
    }
    const expressions = parameterExpressions(
      parameters.map((p) => {
        const t = this.types.resolve(p.type);
        return { size: this.types.sizeOf(t), aggregate: t !== undefined && this.types.stripped(t).kind === 'struct' };
      }),
    );
    return parameters.map((p, i) => ({ name: p.name, parameter: true, type: p.type, location: expressions[i] }));
  }

  /** The row in effect at `address`: the last one at or before it, unless that ends a sequence. */
  private rowAt(address: number): Row | undefined {
    const rows = this.rows;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid].address <= address) lo = mid + 1;
      else hi = mid;
    }
    const row = rows[lo - 1];
    return row && !row.endSequence ? row : undefined;
  }

  /** The subprogram containing `address` and the inlined subroutines within it that do, outermost first. */
  private scopeChain(address: number): { chain: CodeScope[]; files: ReadonlyMap<number, string> } {
    const contains = (s: CodeScope) => s.ranges.some(([start, end]) => address >= start && address < end);
    for (const unit of this.scopes) {
      let inside = unit.subprograms.find(contains);
      if (!inside) continue;
      const chain: CodeScope[] = [];
      while (inside) {
        chain.push(inside);
        inside = inside.children.find(contains);
      }
      return { chain, files: unit.files };
    }
    return { chain: [], files: new Map() };
  }

  /** The name of the function symbol covering slot `pc`. */
  private symbolAt(pc: number): string | undefined {
    let best: { pc: number; end: number; name: string } | undefined;
    for (const s of this.symbols) if (s.pc <= pc && pc < s.end && (!best || s.pc > best.pc)) best = s;
    return best?.name;
  }
}

/** Whether two paths name the same file: equal on every trailing component the shorter one has. */
function samePath(a: string, b: string): boolean {
  const x = a.split('/').filter((p) => p !== '' && p !== '.');
  const y = b.split('/').filter((p) => p !== '' && p !== '.');
  const n = Math.min(x.length, y.length);
  for (let i = 1; i <= n; i++) if (x[x.length - i] !== y[y.length - i]) return false;
  return n > 0;
}

/**
 * Line rows and functions from BTF (the compact format clang emits for BPF beside DWARF) of
 * `file`: each line record holds from its instruction to the next record, the last to the end
 * of `.text`.
 */
function btfLines({ functions, lines }: Btf, file: ElfContents, textAddress: number): { rows: Row[]; functions: FunctionSymbol[] } {
  const rows: Row[] = lines.map((l) => ({ address: textAddress + l.offset, file: l.file, line: l.line, column: l.column, endSequence: false }));
  rows.sort((a, b) => a.address - b.address);
  const textEnd = textAddress + (file.sections.get('.text')?.data.length ?? 0);
  if (rows.length > 0) rows.push({ address: Math.max(textEnd, rows[rows.length - 1]!.address + INSN_SIZE), line: 0, column: 0, endSequence: true });
  return { rows, functions: functions.map((f) => ({ name: f.name, address: textAddress + f.offset, size: 0 })) };
}

/** Values from DWARF: its types and its units' global variables. */
function dwarfValues(info: DebugInfo): ValueInfo {
  const globals = info.units.flatMap((unit) =>
    unit.globals.flatMap((g) => {
      const name = info.nameOf(g.entry);
      return name === undefined ? [] : [{ name, parameter: false, type: info.typeOf(g.entry), location: g.location, unit: g.unit }];
    }),
  );
  return { from: 'dwarf', types: info.types, globals, prototypes: new Map() };
}

/**
 * Values from BTF: its types, its functions' prototypes, and the variables of its data sections
 * at their addresses. A linker writes a variable's offset as its address (as lld and
 * `websvm link` do, the relocation against the variable resolved); an unlinked one as the offset
 * in its section: an offset outside the section is taken as that. clang gives a copy of a
 * function it specialised (`f.specialized.1`, parameters dropped) the FUNC of the original: a
 * prototype is kept only where a symbol of `symbolFiles` of its name marks the entry, or no
 * symbol does and no other entry has a FUNC of that name.
 */
function btfValues(btf: Btf, file: ElfContents, textAddress: number, symbolFiles: ElfContents[]): ValueInfo {
  const globals = btf.variables.flatMap((v) => {
    const section = file.sections.get(v.section);
    if (!section) return [];
    const inside = v.offset >= section.addr && v.offset < section.addr + section.data.length;
    return [{ name: v.name, parameter: false, type: v.type, location: addressExpression(inside ? v.offset : section.addr + v.offset) }];
  });
  const symbolNames = new Map<number, string[]>();
  for (const s of symbolFiles.flatMap((f) => f.functions)) symbolNames.set(s.address, [...(symbolNames.get(s.address) ?? []), s.name]);
  const entries = new Map<string, number>();
  for (const f of btf.functions) entries.set(f.name, (entries.get(f.name) ?? 0) + 1);
  const prototypes = new Map(
    btf.functions.flatMap((f) => {
      const named = symbolNames.get(textAddress + f.offset);
      return (named ? named.includes(f.name) : entries.get(f.name) === 1) ? [[textAddress + f.offset, f] as const] : [];
    }),
  );
  return { from: 'btf', types: btf.types, globals, prototypes };
}

/** Function symbols as slot ranges: from the ELF symbol tables and BTF, then the loader's registry (each up to the next function). */
function symbolRanges(
  files: ElfContents[],
  textAddress: number,
  exe: Executable | undefined,
  btf: FunctionSymbol[] = [],
): { pc: number; end: number; name: string }[] {
  const fromElf = [...files.flatMap((f) => f.functions), ...btf].map((s: FunctionSymbol) => ({
    pc: (s.address - textAddress) / INSN_SIZE,
    size: s.size / INSN_SIZE,
    name: s.name,
  }));
  const fromRegistry = exe ? [...exe.functions.values()].map((f) => ({ pc: f.pc, size: 0, name: f.name })) : [];
  const all = [...fromElf, ...fromRegistry].filter((s) => Number.isInteger(s.pc) && s.pc >= 0);
  const starts = [...new Set(all.map((s) => s.pc))].sort((a, b) => a - b);
  const next = new Map(starts.map((pc, i) => [pc, starts[i + 1] ?? (exe ? exe.text.length / INSN_SIZE : Infinity)]));
  return all.map((s) => ({ pc: s.pc, end: s.size > 0 ? s.pc + s.size : next.get(s.pc)!, name: s.name }));
}
