/* bench_checksum: Adler-32 over the instruction data, repeated data[0] + 1 times; returns the checksum (custom error). */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t rounds = ix.data_len ? ix.data[0] + 1 : 1;
  uint64_t a = 1, b = 0;
  for (uint64_t r = 0; r < rounds; r++)
    for (uint64_t i = 0; i < ix.data_len; i++) {
      a = (a + ix.data[i]) % 65521;
      b = (b + a) % 65521;
    }
  return (b << 16) | a;
}
