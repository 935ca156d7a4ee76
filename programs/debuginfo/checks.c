/* Checks on the instruction data: sums with weights, order. */
#include "debuginfo.h"

static inline uint64_t clamp(uint64_t value) { return value > 200 ? 200 : value; }

uint64_t checked_sum(const uint8_t *values, uint64_t count) {
  uint64_t total = 0;
  for (uint64_t i = 0; i < count; i++) total += weigh(clamp(values[i]), i);
  return total;
}

void require_sorted(const uint8_t *values, uint64_t count) {
  for (uint64_t i = 1; i < count; i++) {
    if (values[i - 1] > values[i]) sol_panic_("checks.c", 8, 14, 36);
  }
}
