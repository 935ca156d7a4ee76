/** CRC-32 (IEEE 802.3, as zlib and PNG compute it), to detect damaged saved state. */

/** The remainder of each byte value, for the reflected polynomial 0xEDB88320; built on first use, not at import. */
let table: Uint32Array | undefined;

const remainders = (): Uint32Array =>
  Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });

/** The CRC-32 of `bytes`, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  const t = (table ??= remainders());
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
