/** Byte-building helpers the tests share: instruction data, little-endian integers, our programs' ELFs. */
import { readFileSync } from 'node:fs';
import { address } from '@solana/kit';

/** The System program's address. */
export const SYSTEM_PROGRAM = address('11111111111111111111111111111111');

/** Concatenates single bytes (numbers) and byte arrays. */
export const bytes = (...parts: (number | ArrayLike<number>)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : Array.from(p))));

/** A little-endian u32. */
export const u32 = (v: number) => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);

/** A little-endian u64. */
export const u64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

/** The committed ELF of one of our C programs (`programs/bin/<name>.so`). */
export const programElf = (name: string) => new Uint8Array(readFileSync(new URL(`../../programs/bin/${name}.so`, import.meta.url)));
