/* bench_recursive: recursive fib(n) and Ackermann A(2, n mod 12), n = data[0] mod 26 (keeps the call depth below 64); returns their sum (custom error). */
#include "include/websvm.h"

__attribute__((noinline)) static uint64_t fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((noinline)) static uint64_t ack(uint64_t m, uint64_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t n = ix.data_len ? ix.data[0] % 26 : 10;
  return fib(n) + ack(2, n % 12) + 1;
}
