/* stack: arrays on the stack passed down a call chain; returns a checksum of the filled arrays as a custom error. */
#include "include/websvm.h"

__attribute__((noinline)) static void fill(uint64_t *a, uint64_t n, uint64_t seed) {
  for (uint64_t i = 0; i < n; i++) a[i] = seed = seed * 6364136223846793005UL + 1442695040888963407UL;
}
__attribute__((noinline)) static uint64_t level(uint64_t depth, uint64_t seed) {
  uint64_t local[32];
  fill(local, 32, seed);
  uint64_t sum = depth ? level(depth - 1, local[7]) : 0;
  for (uint64_t i = 0; i < 32; i++) sum += local[i] >> 40;
  return sum;
}

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t depth = ix.data_len ? ix.data[0] % 40 : 3;
  return level(depth, 12345) & 0xffffffff;
}
