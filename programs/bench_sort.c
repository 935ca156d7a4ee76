/* bench_sort: insertion sort of data[0] * 16 pseudo-random u64 on the heap (max 4096), then verifies order; returns the median's low 32 bits (custom error) or InvalidArgument if unsorted. */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t n = ix.data_len ? ix.data[0] * 16 : 256;
  if (n > 4000) n = 4000;
  uint64_t *a = heap_alloc(n * 8);
  if (!a) return ERROR_INVALID_ARGUMENT;
  uint64_t x = 88172645463325252UL;
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    a[i] = x;
  }
  for (uint64_t i = 1; i < n; i++) {
    uint64_t v = a[i], j = i;
    while (j > 0 && a[j - 1] > v) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = v;
  }
  for (uint64_t i = 1; i < n; i++)
    if (a[i - 1] > a[i]) return ERROR_INVALID_ARGUMENT;
  return (a[n / 2] & 0xffffffff) | 1;
}
