/*
 * syscalls: exercises the memory, hashing and compute-unit syscalls and logs what they produce.
 * data[0] = 1 makes an overlapping sol_memcpy_ (fails "Overlapping copy"); 2 hashes 20 001 slices
 * (fails "Hashing too many sequences"); 3 calls the feature-gated sol_remaining_compute_units; otherwise 0.
 */
#include "include/websvm.h"

static uint64_t first_u64(const uint8_t *p) { return read_u64(p); }

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint8_t hash[32];
  SolBytes parts[2] = {{ix.data, ix.data_len / 2}, {ix.data + ix.data_len / 2, ix.data_len - ix.data_len / 2}};
  sol_sha256(parts, 2, hash);
  sol_log_64_(first_u64(hash), first_u64(hash + 8), first_u64(hash + 16), first_u64(hash + 24), 256);
  sol_keccak256(parts, 2, hash);
  sol_log_64_(first_u64(hash), first_u64(hash + 8), first_u64(hash + 16), first_u64(hash + 24), 3);

  uint8_t a[64], b[64];
  sol_memset_(a, 0x5a, sizeof(a));
  sol_memcpy_(b, a, sizeof(a));
  b[40] = 0x11;
  sol_memmove_(a + 8, a, 32);
  int cmp = 0;
  sol_memcmp_(a, b, sizeof(a), &cmp);
  sol_log_64_(first_u64(a), first_u64(b + 40), (uint64_t)(int64_t)cmp, 0, 0);
  // data[0] = 3: sol_remaining_compute_units, feature-gated off in LiteSVM's defaults (unsupported instruction).
  if (ix.data_len && ix.data[0] == 3) sol_log_64_(sol_remaining_compute_units(), 0, 0, 0, 0);

  if (ix.data_len && ix.data[0] == 1) sol_memcpy_(a + 4, a, 16);
  if (ix.data_len && ix.data[0] == 2) sol_sha256(parts, 20001, hash);
  return SUCCESS;
}
