/** Byte-building helpers the tests share: instruction data, little-endian integers, our programs' ELFs. */
import { readFileSync } from 'node:fs';
import { address, getAddressEncoder, type Address } from '@solana/kit';

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

/** `elf` with every `.debug_*` section renamed `.nodbg_*`: the same program, its BTF kept, without DWARF. */
export function withoutDwarf(elf: Uint8Array): Uint8Array {
  const out = elf.slice();
  const text = Buffer.from(out.buffer);
  for (let at = text.indexOf('.debug_'); at >= 0; at = text.indexOf('.debug_', at + 1)) out.set(Buffer.from('.nodbg_'), at);
  return out;
}

/** SPL Token Mint data (82 bytes): `authority` mints, `supply`, 6 decimals, initialized. */
export function splMintData(authority: Address, supply = 0n): Uint8Array {
  const d = new Uint8Array(82);
  const v = new DataView(d.buffer);
  v.setUint32(0, 1, true);
  d.set(getAddressEncoder().encode(authority), 4);
  v.setBigUint64(36, supply, true);
  d[44] = 6;
  d[45] = 1;
  return d;
}

/** SPL Token Account data (165 bytes): `mint`, `owner`, `amount`, initialized. */
export function splTokenAccountData(mint: Address, owner: Address, amount: bigint): Uint8Array {
  const d = new Uint8Array(165);
  d.set(getAddressEncoder().encode(mint), 0);
  d.set(getAddressEncoder().encode(owner), 32);
  new DataView(d.buffer).setBigUint64(64, amount, true);
  d[108] = 1;
  return d;
}
