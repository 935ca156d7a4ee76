/* Arithmetic and stores for the debuginfo program. */
#include "debuginfo.h"

__attribute__((noinline)) uint64_t weigh(uint64_t value, uint64_t index) { return value * (index + 1); }

__attribute__((noinline)) void store_at(uint64_t address, uint64_t value) {
  *(volatile uint64_t *)address = value;
}

uint64_t scatter(const uint8_t *values, uint64_t count) {
  uint64_t address = 0x10;
  for (uint64_t i = 0; i < count; i++) address += weigh(values[i], i);
  store_at(address, count);
  return SUCCESS;
}

uint64_t average(const uint8_t *values, uint64_t count) {
  volatile uint64_t divisor = count ? values[0] : 1;
  uint64_t sum = 0;
  for (uint64_t i = 0; i < count; i++) sum += values[i];
  sol_log_64_(sum / divisor, sum, count, 0, 0);
  return SUCCESS;
}
