/** BigInt helpers modulo m, for constants and the few scalar operations done outside WebAssembly. */

/** v mod m, in [0, m). */
export function modulo(v: bigint, m: bigint): bigint {
  const r = v % m;
  return r < 0n ? r + m : r;
}

/** base^exponent mod m, by square-and-multiply (exponent ≥ 0). */
export function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  for (base = modulo(base, m); exponent > 0n; exponent >>= 1n, base = (base * base) % m) if (exponent & 1n) result = (result * base) % m;
  return result;
}

/** a⁻¹ mod m for a coprime to m, by the extended Euclidean algorithm. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, modulo(a, m), 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return modulo(t0, m);
}
