/**
 * The linker's handling of debug information: the DWARF (`.debug_*`) and BTF sections of every
 * object are merged into one section per name and relocated against the linked program, so that
 * debuggers and websvm's own source mapping read addresses of the final `.text`.
 */
import { R_BPF_64_ABS32, R_BPF_64_ABS64, R_BPF_64_NODYLD32, SHF_ALLOC, SHT_PROGBITS, SHT_REL } from '../elf/layouts.js';
import type { UnloadedSection } from '../elf/writer.js';
import { mergeBtf } from './btf.js';
import { LinkError } from './errors.js';
import { relocationsOf, type ObjectFile, type ObjSymbol } from './object.js';

/** Whether a section of an object is debug information the linker keeps. */
export const isDebugSection = (name: string, type: number, flags: number): boolean =>
  type === SHT_PROGBITS && (flags & SHF_ALLOC) === 0 && (name.startsWith('.debug_') || name === '.BTF' || name === '.BTF.ext');

/** Where a symbol of the program ended up: its address, and its offset in its output section. */
export interface PlacedSymbol {
  address: number;
  offset: number;
}

/**
 * The debug sections of `objs`, merged and relocated. `place` gives the final place of a symbol
 * that lies in the program (text or rodata), or undefined.
 */
export function mergeDebugSections(objs: readonly ObjectFile[], place: (objectIndex: number, sym: ObjSymbol) => PlacedSymbol | undefined): UnloadedSection[] {
  // Layout: each name's chunks in object order, each at its own alignment.
  const merged = new Map<string, { align: number; length: number }>();
  const chunkAt = new Map<string, number>(); // `${object}:${section}` → offset in the merged section
  objs.forEach((obj, oi) =>
    obj.sections.forEach((s, si) => {
      if (!isDebugSection(s.name, s.type, s.flags)) return;
      const m = merged.get(s.name) ?? { align: 1, length: 0 };
      m.align = Math.max(m.align, s.align);
      m.length = Math.ceil(m.length / s.align) * s.align;
      chunkAt.set(`${oi}:${si}`, m.length);
      m.length += s.data.length;
      merged.set(s.name, m);
    }),
  );
  const chunks = new Map<string, Uint8Array>();
  objs.forEach((obj, oi) =>
    obj.sections.forEach((_, si) => {
      if (chunkAt.has(`${oi}:${si}`)) chunks.set(`${oi}:${si}`, relocatedChunk(obj, oi, si, chunkAt, place));
    }),
  );
  const out: UnloadedSection[] = [];
  for (const [name, m] of merged) {
    if (name === '.BTF.ext') continue; // merged with .BTF
    const parts = objs.flatMap((obj, oi) => obj.sections.flatMap((s, si) => (s.name === name && chunks.has(`${oi}:${si}`) ? [{ oi, si }] : [])));
    if (name === '.BTF') {
      const btf = mergeBtf(
        parts.map(({ oi, si }) => {
          const extIndex = objs[oi].sections.findIndex((s) => s.name === '.BTF.ext');
          return { file: objs[oi].file, btf: chunks.get(`${oi}:${si}`)!, ext: extIndex < 0 ? undefined : chunks.get(`${oi}:${extIndex}`) };
        }),
      );
      out.push({ name: '.BTF', type: SHT_PROGBITS, data: btf.btf, align: 4 });
      if (btf.ext) out.push({ name: '.BTF.ext', type: SHT_PROGBITS, data: btf.ext, align: 4 });
      continue;
    }
    const data = new Uint8Array(m.length);
    for (const { oi, si } of parts) data.set(chunks.get(`${oi}:${si}`)!, chunkAt.get(`${oi}:${si}`)!);
    out.push({ name, type: SHT_PROGBITS, data, align: m.align });
  }
  return out;
}

/** A copy of one object's debug section with its relocations applied (addends are implicit, REL). */
function relocatedChunk(
  obj: ObjectFile,
  oi: number,
  si: number,
  chunkAt: ReadonlyMap<string, number>,
  place: (objectIndex: number, sym: ObjSymbol) => PlacedSymbol | undefined,
): Uint8Array {
  const data = Uint8Array.from(obj.sections[si].data);
  const view = new DataView(data.buffer);
  for (const rel of obj.sections) {
    if (rel.type !== SHT_REL || rel.info !== si) continue;
    for (const { offset: at, type, sym: symbol } of relocationsOf(rel)) {
      const sym = obj.symbols[symbol];
      if (!sym) throw new LinkError('BadObject', `${obj.file}: relocation of ${obj.sections[si].name} against a missing symbol`);
      const width = type === R_BPF_64_ABS64 ? 8 : 4;
      if (at + width > data.length) throw new LinkError('BadObject', `${obj.file}: relocation outside ${obj.sections[si].name}`);
      const inDebug = chunkAt.get(`${oi}:${sym.shndx}`);
      const placed = inDebug === undefined ? place(oi, sym) : { address: inDebug + sym.value, offset: inDebug + sym.value };
      // A reference to something not linked (a discarded or undefined symbol) keeps its addend alone.
      if (type === R_BPF_64_ABS64) {
        view.setBigUint64(at, BigInt.asUintN(64, BigInt(placed?.address ?? 0) + view.getBigUint64(at, true)), true);
      } else if (type === R_BPF_64_ABS32 || type === R_BPF_64_NODYLD32) {
        const value = (type === R_BPF_64_ABS32 ? (placed?.address ?? 0) : (placed?.offset ?? 0)) + view.getUint32(at, true);
        if (value >= 2 ** 32) {
          throw new LinkError('UnsupportedRelocation', `${obj.file}: 32-bit relocation in ${obj.sections[si].name} cannot hold ${value.toString(16)}`);
        }
        view.setUint32(at, value, true);
      } else {
        throw new LinkError('UnsupportedRelocation', `${obj.file}: unsupported relocation type ${type} in ${obj.sections[si].name}`);
      }
    }
  }
  return data;
}
