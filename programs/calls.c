/* calls: several non-inlined functions with 5 arguments and callee-saved registers; returns a checksum as a custom error. */
#include "include/websvm.h"

__attribute__((noinline)) static uint64_t mix(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e) {
  return (a * 31 + b) ^ (c * 17 + d) ^ (e << 3);
}
__attribute__((noinline)) static uint64_t twice(uint64_t x) { return mix(x, x + 1, x + 2, x + 3, x + 4) + mix(x, 1, 2, 3, 4); }

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t acc = 7;
  for (uint64_t i = 0; i < ix.data_len; i++) acc = twice(acc + ix.data[i]) & 0xffffff;
  return acc;
}
