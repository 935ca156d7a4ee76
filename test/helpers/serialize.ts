/** ABIv1 input with no accounts: count, instruction data, program id (SBPF_SEMANTICS §11). */
export function serializeNoAccounts(data: Uint8Array, programId: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 8 + data.length + 32);
  const v = new DataView(out.buffer);
  v.setBigUint64(8, BigInt(data.length), true);
  out.set(data, 16);
  out.set(programId, 16 + data.length);
  return out;
}
