/**
 * Types looked at through the debug information they came from: references resolved, typedefs
 * and qualifiers seen through, sizes, and the names C writes them with. Malformed debug
 * information may make types refer to themselves; every walk here is bounded.
 */
import { ENCODING, type DebugType, type TypeRef } from './types.js';

/** Typedefs, qualifiers and nested arrays followed at most. */
const MAX_HOPS = 16;

/** The 64-bit integer types expressions compute in (a register reads as `unsigned long`). */
export const LONG: DebugType = { kind: 'base', name: 'long', size: 8, encoding: ENCODING.signed };
export const UNSIGNED_LONG: DebugType = { kind: 'base', name: 'unsigned long', size: 8, encoding: ENCODING.unsigned };

export class TypeView {
  constructor(
    /** The type with an id, in the debug information the ids are of. */
    private readonly byId: (id: number) => DebugType | undefined,
  ) {}

  resolve(ref: TypeRef | undefined): DebugType | undefined {
    return typeof ref === 'number' ? this.byId(ref) : ref;
  }

  /** `t` without its typedefs and qualifiers (itself where they lead nowhere). */
  stripped(t: DebugType): DebugType {
    let at: DebugType | undefined = t;
    for (let hop = 0; at?.kind === 'alias' && hop < MAX_HOPS; hop++) at = this.resolve(at.target);
    return at ?? t;
  }

  /** Bytes of a value of `t` (0 where that is unknown). */
  sizeOf(t: DebugType | undefined, hops = 0): number {
    const s = t && hops < MAX_HOPS ? this.stripped(t) : undefined;
    if (!s || s.kind === 'alias') return 0;
    if (s.kind === 'array') return s.counts.reduce((n, c) => n * c, 1) * this.sizeOf(this.resolve(s.element), hops + 1);
    return s.size;
  }

  /** The element type of an array, one dimension in (an array itself, for the rows of a matrix). */
  elementOf(t: Extract<DebugType, { kind: 'array' }>): DebugType | undefined {
    return t.counts.length > 1 ? { kind: 'array', element: t.element, counts: t.counts.slice(1) } : this.resolve(t.element);
  }

  /** Whether a value of `t` is a number: an integer, boolean, enumeration or float. */
  isScalar(t: DebugType | undefined): boolean {
    return t !== undefined && this.stripped(t).kind === 'base';
  }

  /** A type as C writes it. */
  nameOf(t: DebugType | undefined, hops = 0): string | undefined {
    if (!t || hops > MAX_HOPS) return undefined;
    const inner = (ref: TypeRef | undefined) => this.nameOf(this.resolve(ref), hops + 1);
    switch (t.kind) {
      case 'base':
        return t.name;
      case 'pointer':
        return `${inner(t.target) ?? 'void'} *`;
      case 'struct':
        return t.name ?? (t.union ? 'union' : 'struct');
      case 'array':
        return `${inner(t.element) ?? '?'}${t.counts.map((c) => `[${c}]`).join('')}`;
      case 'alias':
        return t.name ?? `${t.qualifier ?? ''} ${inner(t.target) ?? 'void'}`.trim();
    }
  }
}

/** A pointer to `target`, as `&x` or a cast makes one. */
export const pointerTo = (target: DebugType | undefined): DebugType => ({ kind: 'pointer', size: 8, target });
