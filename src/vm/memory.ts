/**
 * The VM memory map (solana-sbpf `memory_region.rs`, aligned mapping): the address space is cut
 * into 4 GiB slots selected by `vaddr >> 32`; slot k holds at most one region starting at k << 32.
 * Every region is backed by a window of ONE host buffer, so a JIT can hand the same buffer to
 * WebAssembly as its linear memory and syscalls see the same bytes whatever the engine.
 */
import { refused, toInteger } from '../arguments.js';
import { MM_INPUT_START, MM_REGION_SIZE, MM_STACK_START, MAX_CALL_DEPTH, STACK_FRAME_SIZE } from '../isa/constants.js';
import { manualStackFrameBump, type SBPFVersion } from '../isa/version.js';
import { EbpfError, hex } from './errors.js';
import { SyscallError } from '../syscalls/errors.js';
import { NO_BYTES } from '../runtime/bytes.js';

/** What a region is to be created with. */
export interface RegionSpec {
  /** Address-space slot (`vaddr >> 32`), 0..15. */
  slot: number;
  /** Size of the host backing in bytes. */
  length: number;
  /**
   * Initial contents: bytes (copied, at most `length`), or a writer that fills all `length` bytes
   * of the region in place (saving a copy; in a reused buffer it must write every byte).
   */
  contents?: Uint8Array | ((target: Uint8Array) => void);
  /** Stores allowed. */
  writable: boolean;
  /** Stack frame gaps (V0): the guest sees `length * 2` bytes, every other 4 KiB unmapped. */
  gapped?: boolean;
}

const SLOT_NAMES = ['allocated', 'program', 'stack', 'heap', 'input'];
const GAP_SHIFT = 12; // log2(STACK_FRAME_SIZE)

/** The address-space slot of the input region, the only region with store marks (see `MemoryMap.marksAt`). */
export const INPUT_SLOT = MM_INPUT_START / MM_REGION_SIZE;
/** log2 of the bytes one store mark covers (see `MemoryMap.marksAt`). */
export const MARK_SHIFT = 12;
/** A store marks the page it starts in; it may reach this many bytes into the next. */
export const STORE_OVERHANG = 7;
/** The first page whose mark can cover input byte `from`: a store from the page before may overhang into it. */
const firstPageOf = (from: number): number => Math.max(0, from - STORE_OVERHANG) >>> MARK_SHIFT;

/** Bytes of a read-only region a lazy map copies in together, on their first access. */
export const LAZY_CHUNK = 4096;

/** Which {@link LAZY_CHUNK}-byte chunks of one read-only region a buffer holds (1), and how many it lacks. */
interface RegionChunks {
  loaded: Uint8Array;
  missing: number;
}

/**
 * Per slot, the chunks of a read-only region a buffer holds — kept by the buffer's owner for the
 * maps it lays out there after this one (see `MemoryMap`'s `lazyReadOnly`).
 */
export type LoadedChunks = (RegionChunks | undefined)[];

/** A read-only region not yet wholly copied in: its contents and its chunks' state. */
interface DeferredRegion {
  source: Uint8Array;
  chunks: RegionChunks;
}

/** `isize::MAX`: the longest slice a syscall may translate. */
const I64_MAX = 0x7fff_ffff_ffff_ffffn;

/**
 * A buffer to lay a memory map in, and the only parts of it that may hold non-zero bytes from
 * earlier runs: host ranges `[dirty[2i], dirty[2i + 1])` (everything else is still zero).
 */
export interface Backing {
  buffer: ArrayBuffer;
  dirty: readonly number[];
  /** A DataView over the whole buffer, when the owner keeps one (making one per map costs ~1 µs before V8 optimises). */
  view?: DataView;
}

/**
 * Refuses arguments of {@link MemoryMap}'s constructor of the wrong types (kind `InvalidArgument`):
 * plain comparisons, as a map is made per invocation.
 */
function checkMapArguments(version: unknown, regions: unknown, opts: unknown): void {
  toInteger(version, 'version', 0, 5, 'an SBPFVersion (0 to 5)');
  if (!Array.isArray(regions)) throw refused('regions', 'an array of region specs', regions);
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i] as Partial<RegionSpec> | null;
    const fits =
      typeof r === 'object' &&
      r !== null &&
      Number.isInteger(r.slot) &&
      (r.slot as number) >= 0 &&
      (r.slot as number) < 16 &&
      Number.isInteger(r.length) &&
      (r.length as number) >= 0 &&
      typeof r.writable === 'boolean';
    if (!fits) throw refused(`regions[${i}]`, 'a region spec { slot (0 to 15), length, writable, contents?, gapped? }', r);
  }
  if (typeof opts !== 'object' || opts === null) throw refused('opts', 'memory map options or undefined', opts);
}

/** A memory map over one contiguous host buffer. */
export class MemoryMap {
  /** The host backing of every region. */
  readonly bytes: Uint8Array;
  /** DataView over {@link bytes}, little-endian accessors. */
  readonly view: DataView;
  /** Per slot: host offset of the region start (-1 when the slot is empty). */
  readonly hostStart: number[];
  /** Per slot: host length. */
  readonly hostLength: number[];
  /** Per slot: stores allowed. */
  readonly writable: boolean[];
  /** Per slot: frame gaps. */
  readonly gapped: boolean[];
  /**
   * Per slot, the host bytes this map's run may have written: `[dirtyLow, dirtyHigh)` (empty when
   * low ≥ high). Kept per region, since one range over all would span the whole stack and heap
   * whenever the input (laid out after them) is written, and the next run would zero all of it.
   */
  readonly dirtyLow: number[];
  readonly dirtyHigh: number[];
  /**
   * The host offset of the input region's store marks (-1 when there is no writable input): one
   * byte per 2^{@link MARK_SHIFT} bytes of the region, set when the program (its code or a syscall
   * for it) stores to a byte of that page; a store marks the page its first byte is in. The
   * runtime's own writes ({@link slice} with `mark` false) leave them, so it can tell which account
   * bytes a program may have changed since it wrote them (see {@link writtenSpans}). Only the input
   * is marked: account data lives nowhere else, and stores to the stack and heap stay as cheap as
   * they were. The marks follow the regions.
   */
  readonly marksAt: number = -1;
  /** Bit k: slot k is a read-only region with chunks still to copy in ({@link deferred}). */
  private deferredSlots = 0;
  private readonly deferred: (DeferredRegion | undefined)[] = [];

  /**
   * @param headerBytes bytes reserved before the first region (the JIT keeps its state there)
   * @param backing an external buffer to place everything in (a WebAssembly memory's buffer);
   *   it must hold `headerBytes` plus every region. Reused buffers are not zeroed: the writable
   *   regions without contents are, where they meet the backing's dirty part (zeroing the rest
   *   would only cost time and fault in pages the run may never touch).
   * @param readOnlyLoaded the read-only regions of a reused buffer already hold their contents
   *   (the same program ran in it before, and nothing writes them)
   * @param lazyReadOnly copy each read-only region in a chunk at a time, on the first access to
   *   the chunk, instead of now; the chunks marked here are in place already, and the map marks
   *   those it copies (a run reads a few kilobytes of a megabyte program's image, and copying the
   *   whole into fresh pages cost its first run ~2 ms of page faults). For maps only translation
   *   reads (the interpreter's, not the JIT's).
   */
  constructor(
    readonly version: SBPFVersion,
    regions: readonly RegionSpec[],
    opts: { headerBytes?: number; backing?: (size: number) => Backing; readOnlyLoaded?: boolean; lazyReadOnly?: LoadedChunks } = {},
  ) {
    checkMapArguments(version, regions, opts);
    let total = opts.headerBytes ?? 0;
    let slots = 0;
    for (let i = 0; i < regions.length; i++) if (regions[i].slot >= slots) slots = regions[i].slot + 1;
    // Arrays of the slots' count (a map is made per invocation: grown by push, each would take 17),
    // filled in one loop (six `fill` calls cost ~4 times as much).
    this.hostStart = new Array<number>(slots);
    this.hostLength = new Array<number>(slots);
    this.writable = new Array<boolean>(slots);
    this.gapped = new Array<boolean>(slots);
    this.dirtyLow = new Array<number>(slots);
    this.dirtyHigh = new Array<number>(slots);
    for (let s = 0; s < slots; s++) {
      this.hostStart[s] = -1;
      this.hostLength[s] = 0;
      this.writable[s] = false;
      this.gapped[s] = false;
      this.dirtyLow[s] = Number.MAX_SAFE_INTEGER;
      this.dirtyHigh[s] = 0;
    }
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i];
      if (this.hostStart[r.slot] !== -1) throw new EbpfError('InvalidMemoryRegion', `Invalid memory region at index ${r.slot}`);
      this.hostStart[r.slot] = total;
      this.hostLength[r.slot] = r.length;
      this.writable[r.slot] = r.writable;
      this.gapped[r.slot] = r.gapped === true;
      total += r.length;
    }
    const marksFrom = total;
    if (this.writable[INPUT_SLOT]) {
      this.marksAt = total;
      total += (this.hostLength[INPUT_SLOT] >>> MARK_SHIFT) + 1;
    }
    const backing = opts.backing?.(total);
    this.bytes = backing ? new Uint8Array(backing.buffer, 0, total) : new Uint8Array(total);
    this.view = backing?.view ?? new DataView(this.bytes.buffer);
    // A byte per 4 KiB of input: a loop costs less than a `fill` call.
    if (backing) for (let at = marksFrom; at < total; at++) this.bytes[at] = 0;
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i];
      const at = this.hostStart[r.slot];
      if (typeof r.contents === 'function') {
        r.contents(this.bytes.subarray(at, at + r.length));
      } else if (r.contents) {
        if (!r.writable && opts.lazyReadOnly) this.defer(r.slot, r.contents.subarray(0, r.length), opts.lazyReadOnly);
        else if (r.writable || !opts.readOnlyLoaded) this.bytes.set(r.contents.subarray(0, r.length), at);
      } else if (backing && r.writable) {
        // A fresh stack and heap for every invocation, as the reference gives.
        const { dirty } = backing;
        for (let i = 0; i < dirty.length; i += 2) {
          const from = Math.max(at, dirty[i]);
          const to = Math.min(at + r.length, dirty[i + 1]);
          if (from < to) this.bytes.fill(0, from, to);
        }
      }
      if (r.contents && r.writable) this.noteWritten(r.slot, at, at + r.length);
    }
  }

  /** Leaves read-only `source` to be copied into `slot` a chunk at a time, but for the chunks `loaded` marks as in place. */
  private defer(slot: number, source: Uint8Array, loaded: LoadedChunks): void {
    const count = Math.ceil(source.length / LAZY_CHUNK);
    let chunks = loaded[slot];
    if (chunks?.loaded.length !== count) loaded[slot] = chunks = { loaded: new Uint8Array(count), missing: count };
    if (chunks.missing === 0) return;
    this.deferred[slot] = { source, chunks };
    this.deferredSlots |= 1 << slot;
  }

  /**
   * While the read-only region in `slot` is copied in lazily, which of its chunks are in place (1)
   * — the map's own record, not to be changed; undefined once the whole region is.
   */
  lazyChunks(slot: number): Uint8Array | undefined {
    return (this.deferredSlots >>> slot) & 1 ? this.deferred[slot]!.chunks.loaded : undefined;
  }

  /** Copies in the chunks of the read-only region in `slot` that bytes `[from, from + len)` of it touch (for readers that translate on their own). */
  loadChunks(slot: number, from: number, len: number): void {
    if ((this.deferredSlots >>> slot) & 1) this.copyIn(slot, from, len);
  }

  /** Copies in the chunks of the deferred region in `slot` that host bytes `[from, from + len)` of it touch. */
  private copyIn(slot: number, from: number, len: number): void {
    const { source, chunks } = this.deferred[slot]!;
    const at = this.hostStart[slot];
    const last = Math.min(Math.floor((from + Math.max(len, 1) - 1) / LAZY_CHUNK), chunks.loaded.length - 1);
    for (let c = Math.floor(from / LAZY_CHUNK); c <= last; c++) {
      if (chunks.loaded[c]) continue;
      this.bytes.set(source.subarray(c * LAZY_CHUNK, (c + 1) * LAZY_CHUNK), at + c * LAZY_CHUNK);
      chunks.loaded[c] = 1;
      chunks.missing--;
    }
    if (chunks.missing === 0) {
      this.deferred[slot] = undefined;
      this.deferredSlots &= ~(1 << slot);
    }
  }

  /** Copies in everything still deferred (for readers of {@link bytes} that do not translate). */
  loadAll(): void {
    for (let slot = 0; this.deferredSlots !== 0; slot++) if ((this.deferredSlots >>> slot) & 1) this.copyIn(slot, 0, this.hostLength[slot]);
  }

  /** Records that host bytes `[from, to)` of the region in `slot` were written. */
  noteWritten(slot: number, from: number, to: number): void {
    if (from < this.dirtyLow[slot]) this.dirtyLow[slot] = from;
    if (to > this.dirtyHigh[slot]) this.dirtyHigh[slot] = to;
  }

  /**
   * Marks input bytes `[from, from + len)` as stored to: the pages from the first byte's on, as far
   * as a store's overhang does not reach (the page its first byte is in, for a store of up to 8
   * bytes, as compiled code marks it).
   */
  private mark(from: number, len: number): void {
    const at = this.marksAt;
    const first = from >>> MARK_SHIFT;
    const last = Math.max(first, (from + len - 1 - STORE_OVERHANG) >> MARK_SHIFT);
    this.bytes.fill(1, at + first, at + last + 1);
  }

  /**
   * The parts of input bytes `[from, to)` that a store of the program may have changed: `[start,
   * end)` pairs, empty when none (every other byte is as the runtime last wrote it). `firstPage`:
   * where to start looking, when {@link firstStoredPage} has found it (the pages before it are
   * then not looked at twice).
   */
  writtenSpans(from: number, to: number, firstPage = firstPageOf(from)): number[] {
    const spans: number[] = [];
    if (from >= to) return spans;
    const at = this.marksAt;
    const last = (to - 1) >>> MARK_SHIFT;
    for (let p = firstPage; p <= last; p++) {
      if (this.bytes[at + p] === 0) continue;
      const start = Math.max(from, p << MARK_SHIFT);
      const end = Math.min(to, ((p + 1) << MARK_SHIFT) + STORE_OVERHANG);
      if (spans.length > 0 && spans[spans.length - 1] >= start) spans[spans.length - 1] = end;
      else spans.push(start, end);
    }
    return spans;
  }

  /**
   * The first marked page through which a store of the program may have changed input bytes
   * `[from, to)`, -1 when none ({@link writtenSpans} empty), without a list.
   */
  firstStoredPage(from: number, to: number): number {
    if (from >= to) return -1;
    const at = this.marksAt;
    const last = at + ((to - 1) >>> MARK_SHIFT);
    for (let p = at + firstPageOf(from); p <= last; p++) if (this.bytes[p] !== 0) return p - at;
    return -1;
  }

  /**
   * Clears the marks of the pages a store could only have reached input bytes `[from, to)`
   * through: the runtime has made those bytes what it wants them to be.
   */
  clearMarks(from: number, to: number): void {
    const first = (from + (1 << MARK_SHIFT) - 1) >>> MARK_SHIFT;
    const end = (to - STORE_OVERHANG) >> MARK_SHIFT; // pages before this one end by `to` less the overhang
    if (first < end) this.bytes.fill(0, this.marksAt + first, this.marksAt + end);
  }

  /** Host window of the region in `slot` (empty if none). */
  region(slot: number): Uint8Array {
    if ((this.deferredSlots >>> slot) & 1) this.copyIn(slot, 0, this.hostLength[slot]);
    const start = this.hostStart[slot] ?? -1;
    return start < 0 ? new Uint8Array(0) : this.bytes.subarray(start, start + this.hostLength[slot]);
  }

  /**
   * Host offset of `[addr, addr + len)`, or -1 when the access is not allowed. `hi`/`lo` are the
   * two 32-bit halves of the address. As in the reference, a gapped region only checks whether the
   * *start* lies in a gap.
   */
  translateParts(hi: number, lo: number, len: number, store: boolean, mark = true): number {
    return this.translateAt(hi, lo, 0, len, store, mark);
  }

  /**
   * {@link translateParts} of the address `(hi, lo) + off` (wrapping at 2^64), halves given as
   * int32 or uint32: the interpreter's loads and stores, in one call (a program's first runs make
   * thousands of them before V8 has optimised anything).
   */
  translateAt(hi: number, lo: number, off: number, len: number, store: boolean, mark = true): number {
    lo = (lo >>> 0) + off;
    if (lo >= 0x1_0000_0000) {
      lo -= 0x1_0000_0000;
      hi++;
    } else if (lo < 0) {
      lo += 0x1_0000_0000;
      hi--;
    }
    hi >>>= 0;
    if (hi >= this.hostStart.length) return -1;
    const start = this.hostStart[hi];
    if (start < 0 || (store && !this.writable[hi])) return -1;
    let inRegion = lo;
    if (this.gapped[hi]) {
      if ((lo >>> GAP_SHIFT) & 1) return -1;
      inRegion = ((lo >>> (GAP_SHIFT + 1)) << GAP_SHIFT) | (lo & (STACK_FRAME_SIZE - 1));
    }
    if (inRegion + len > this.hostLength[hi]) return -1;
    if ((this.deferredSlots >>> hi) & 1) this.copyIn(hi, inRegion, len);
    const host = start + inRegion;
    if (store) {
      this.noteWritten(hi, host, host + len);
      if (mark && hi === INPUT_SLOT) this.mark(inRegion, len);
    }
    return host;
  }

  /**
   * Host offset of a guest access, or throws the reference's access violation; `mark`: see
   * {@link slice}. `addr` may be a number when it is a safe integer (no BigInt made for it).
   */
  translate(addr: bigint | number, len: number, store: boolean, mark = true): number {
    // Halves from one Number conversion when it is exact (bigint shifts and masks cost ~60 ns more; syscalls translate dozens of addresses).
    const n = Number(addr);
    const host =
      n >= 0 && n <= Number.MAX_SAFE_INTEGER
        ? this.translateParts(Math.floor(n / 0x1_0000_0000), n >>> 0, len, store, mark)
        : this.translateParts(Number(BigInt(addr) >> 32n), Number(BigInt(addr) & 0xffffffffn), len, store, mark);
    if (host < 0) throw this.accessViolation(BigInt(addr), len, store);
    return host;
  }

  /** Reads `size` (1, 2, 4 or 8) bytes little-endian. */
  load(addr: bigint, size: number): bigint {
    const o = this.translate(addr, size, false);
    switch (size) {
      case 1:
        return BigInt(this.bytes[o]);
      case 2:
        return BigInt(this.view.getUint16(o, true));
      case 4:
        return BigInt(this.view.getUint32(o, true));
      default:
        return this.view.getBigUint64(o, true);
    }
  }

  /** Writes the low `size` bytes of `value` little-endian. */
  store(addr: bigint, size: number, value: bigint): void {
    const o = this.translate(addr, size, true);
    switch (size) {
      case 1:
        this.bytes[o] = Number(value & 0xffn);
        break;
      case 2:
        this.view.setUint16(o, Number(value & 0xffffn), true);
        break;
      case 4:
        this.view.setUint32(o, Number(value & 0xffffffffn), true);
        break;
      default:
        this.view.setBigUint64(o, BigInt.asUintN(64, value), true);
    }
  }

  /**
   * A host view of a guest slice (for syscalls), as Agave's `translate_slice` gives it: empty for
   * length 0, SyscallError `InvalidLength` past `isize::MAX` bytes, else an access violation on a
   * bad range. A bigint length is a register value taken as is (it may exceed any region).
   * `mark` false: a store by the runtime itself, which leaves the store marks as they are.
   */
  slice(addr: bigint, len: number | bigint, store: boolean, mark = true): Uint8Array {
    const o = this.sliceAt(addr, len, store, mark);
    return o < 0 ? NO_BYTES : this.bytes.subarray(o, o + Number(len));
  }

  /**
   * {@link slice} as the host offset of its first byte in {@link bytes} (and {@link view}), or -1
   * for an empty slice (nothing translated): the same checks and errors, without making a view.
   */
  sliceAt(addr: bigint, len: number | bigint, store: boolean, mark = true): number {
    if (typeof len === 'bigint') {
      if (len === 0n) return -1;
      if (len > I64_MAX) throw new SyscallError('InvalidLength');
      if (len > 0xffff_ffffn) throw this.accessViolation(addr, len, store); // longer than any region
      len = Number(len);
    }
    return len === 0 ? -1 : this.translate(addr, len, store, mark);
  }

  /** The error the reference reports for a failed access (`generate_access_violation`). */
  accessViolation(addr: bigint, len: number | bigint, store: boolean): EbpfError {
    const signed = BigInt.asIntN(64, addr);
    const frame = (signed - BigInt(MM_STACK_START)) / BigInt(STACK_FRAME_SIZE); // truncates like checked_div
    if (!manualStackFrameBump(this.version) && frame >= -1n && frame <= BigInt(MAX_CALL_DEPTH)) {
      return new EbpfError('StackAccessViolation', `Access violation in stack frame ${frame} at address ${hex(addr)} of size ${len}`);
    }
    const slot = Number(addr >> 32n);
    let name = 'unallocated';
    if (slot < this.hostStart.length && this.hostStart[slot] >= 0) {
      const vmLen = this.hostLength[slot] * (this.gapped[slot] ? 2 : 1);
      if ((addr & 0xffffffffn) < BigInt(vmLen)) name = SLOT_NAMES[slot] ?? 'allocated';
    }
    return new EbpfError('AccessViolation', `Access violation ${store ? 'writing' : 'reading'} ${len} bytes at address ${hex(addr)} (in ${name} region)`);
  }
}

/**
 * What a reused buffer may still hold from the runs it served, for the next map's {@link Backing}:
 * what the last run wrote (its map's dirty ranges), the read-only regions its map copied in when
 * the next map lays out another program, and anything past that map that an earlier, larger
 * layout wrote.
 */
export class BufferDirt {
  private last: MemoryMap | undefined;
  /** End of the part of the buffer any run may have written. */
  private written = 0;
  /** A view of the last buffer given, for the maps laid out in it. */
  private view: DataView | undefined;

  /** The backing for the next map in `buffer`; `sameProgram`: the last map laid out the same program. */
  backing(buffer: ArrayBuffer, sameProgram: boolean): Backing {
    let view = this.view;
    if (view?.buffer !== buffer) this.view = view = new DataView(buffer);
    const last = this.last;
    if (!last) return { buffer, dirty: [0, this.written], view };
    // Within the last map, only its runs' writes and what it copied in are non-zero: the same
    // program finds its read-only regions in place, another finds them to clear (its own layout
    // differs), but not the stack and heap the last run never reached.
    const dirty: number[] = [];
    for (let slot = 0; slot < last.dirtyLow.length; slot++) {
      if (!sameProgram && !last.writable[slot] && last.hostStart[slot] >= 0) dirty.push(last.hostStart[slot], last.hostStart[slot] + last.hostLength[slot]);
      else if (last.dirtyLow[slot] < last.dirtyHigh[slot]) dirty.push(last.dirtyLow[slot], last.dirtyHigh[slot]);
    }
    // The marks follow the regions.
    const marksFrom = last.marksAt >= 0 ? last.marksAt : last.bytes.length;
    const lastEnd = last.bytes.length;
    if (marksFrom < lastEnd) dirty.push(marksFrom, lastEnd);
    if (this.written > lastEnd) dirty.push(lastEnd, this.written);
    return { buffer, dirty, view };
  }

  /** Records the map laid out in the buffer for the run starting now. */
  used(map: MemoryMap): void {
    this.last = map;
    this.written = Math.max(this.written, map.bytes.length);
  }

  /** The buffer was replaced by a fresh, zeroed one. */
  reset(): void {
    this.last = undefined;
    this.written = 0;
  }
}
