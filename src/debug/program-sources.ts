/**
 * Where source mapping finds a loaded program's ELF and debug file: loaders remember the ELF of
 * each executable they make, debug files are registered by the program they describe, and each
 * executable's {@link SourceMap} is built once, on first use (after a failure, typically).
 */
import { toBytes, toChecked, toEach, toInteger, toOptional, toText } from '../arguments.js';
import { sha256Hex } from '../crypto/sha256.js';
import { toExecutable, type Executable } from '../executable.js';
import { DebugInfoError } from './errors.js';
import { Backtrace, SourceMap } from './source-map.js';

const elves = new WeakMap<Executable, Uint8Array>();
const maps = new WeakMap<Executable, SourceMap>();
/** Debug files by the content hash of the program ELF they belong to. */
const debugFiles = new Map<string, Uint8Array>();

/** Where a program's separate debug file may lie, by convention: `prog.debug`, then `prog.so.debug`. */
export function debugFilePaths(programPath: string): string[] {
  return [toText(programPath, 'programPath', 'a program file path').replace(/\.so$/, '.debug'), `${programPath}.debug`].filter((p) => p !== programPath);
}

/** Records the ELF an executable was loaded from (it is read only when a source map is asked for). */
export function rememberProgramElf(exe: Executable, elf: Uint8Array): void {
  elves.set(toExecutable(exe, 'exe'), toBytes(elf, 'elf'));
}

/**
 * Registers the separate debug file (`prog.debug`, as `websvm link --debug-file` or
 * `cargo build-sbf --debug` write) of the program ELF `elf`: every executable loaded from those
 * bytes is then mapped to source through it.
 */
export function registerDebugFile(elf: Uint8Array, debugFile: Uint8Array): void {
  debugFiles.set(sha256Hex(toBytes(elf, 'elf')), toBytes(debugFile, 'debugFile'));
}

/**
 * The source map of a loaded program: from its ELF's DWARF (or its registered debug file) when
 * known, else names from the loader's registry. Malformed debug information degrades to names;
 * this never throws.
 */
export function sourceMapOf(exe: Executable): SourceMap {
  toExecutable(exe, 'exe');
  let map = maps.get(exe);
  if (map) return map;
  const elf = elves.get(exe);
  try {
    map = elf ? SourceMap.fromElf(elf, { exe, debugFile: debugFiles.get(exe.contentHash) }) : SourceMap.fromExecutable(exe);
  } catch (e) {
    if (!(e instanceof DebugInfoError)) throw e;
    map = SourceMap.fromExecutable(exe);
  }
  maps.set(exe, map);
  return map;
}

/** The backtrace of a failed run of `exe` (an `execute` error: its `pc` and call frames). */
/** An instruction slot index. */
const toSlotIndex = (value: unknown, name: string): number => toInteger(value, name, 0, 2 ** 32 - 1, 'an instruction slot index');

export function backtraceOf(exe: Executable, error: { pc?: number; returnPcs?: readonly number[] }): Backtrace | undefined {
  toExecutable(exe, 'exe');
  const { pc, returnPcs } = toChecked(error, 'error', 'an execute() error { pc?, returnPcs? }', 'error', {
    pc: (v, name) => toOptional(v, name, toSlotIndex),
    returnPcs: (v, name) => toOptional(v, name, (list, at) => toEach(list, at, 'an array of slot indexes', toSlotIndex)),
  });
  return pc === undefined ? undefined : sourceMapOf(exe).backtrace(pc, returnPcs);
}

/** Where a program of a transaction stopped with a VM error (the runtime's record of it). */
export interface FaultSite {
  programId: string;
  exe: Executable;
  /** The failing instruction's slot. */
  pc: number;
  /** Return slots of its call frames, outermost first. */
  returnPcs: readonly number[];
}

/**
 * One backtrace across programs: each failing program's frames, innermost program first (a CPI
 * callee before the caller whose invoke failed with it), each frame naming its program.
 */
export function backtraceOfFaults(faults: readonly FaultSite[] | undefined): Backtrace | undefined {
  if (faults === undefined) return undefined;
  const sites = toEach(faults, 'faults', 'an array of fault sites or undefined', (f, name) =>
    toChecked<FaultSite>(f, name, 'a fault site { programId, exe, pc, returnPcs }', name, {
      programId: toText,
      exe: toExecutable,
      pc: toSlotIndex,
      returnPcs: (v, at) => toEach(v, at, 'an array of slot indexes', toSlotIndex),
    }),
  );
  if (!sites.length) return undefined;
  return new Backtrace(
    sites.flatMap((f) =>
      sourceMapOf(f.exe)
        .backtrace(f.pc, f.returnPcs)
        .frames.map((frame) => ({ ...frame, programId: f.programId })),
    ),
  );
}
