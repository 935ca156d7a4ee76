/* recursion: fib(data[0]) computed recursively (depth data[0] < 64); returns fib(n) as a custom error (0 for n = 0). */
#include "include/websvm.h"

__attribute__((noinline)) static uint64_t fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  if (ix.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  return fib(ix.data[0]);
}
