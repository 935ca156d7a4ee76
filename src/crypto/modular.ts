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

/**
 * The inverses mod m of `values` (each coprime to m) with one modular inverse: products of the
 * prefixes, the inverse of the whole product, then back to each value (Montgomery's trick).
 */
export function inverseAll(values: readonly bigint[], m: bigint): bigint[] {
  const prefix: bigint[] = [];
  let product = 1n;
  for (const v of values) {
    prefix.push(product);
    product = (product * v) % m;
  }
  let inverse = modInverse(product, m);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (inverse * prefix[i]) % m;
    inverse = (inverse * values[i]) % m;
  }
  return out;
}
