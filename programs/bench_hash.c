/* bench_hash: compute-bound FNV-1a/xorshift mixing loop, iterations = u64 at data[0..8]; returns the low 32 bits of the hash (custom error). */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t n = ix.data_len >= 8 ? read_u64(ix.data) : 1000;
  uint64_t h = 0xcbf29ce484222325UL;
  for (uint64_t i = 0; i < n; i++) {
    h ^= i & 0xff;
    h *= 0x100000001b3UL;
    h ^= h << 13;
    h ^= h >> 7;
    h ^= h << 17;
  }
  return (h & 0xffffffff) | 1;
}
