/*
 * typed: parameters and locals of several types (integers, a pointer, a struct with an array and
 * a pointer in it), for the debugger's typed values. Built with debug information like every
 * program folder (`clang-19 -g -O1`); inspect() is compiled without optimisation, so its variables
 * live in its stack frame, while the entrypoint's are where -O1 puts them.
 * It returns 0 when inspect() sums what it was given as expected, else 1.
 */
#include "../include/websvm.h"

typedef struct {
  uint32_t id;
  short delta;
  uint8_t tag;
  uint64_t amounts[3];
  const uint8_t *data;
} Entry;

__attribute__((noinline, optnone)) uint64_t inspect(Entry *entry, uint64_t scale) {
  Entry copy = *entry;
  int64_t balance = -7;
  uint64_t sum = 0;
  for (int i = 0; i < 3; i++) sum += copy.amounts[i] * scale;
  balance += (int64_t)sum;
  sol_log_64_(sum, (uint64_t)balance, copy.id, (uint64_t)copy.delta, copy.tag);
  return sum;
}

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  Entry entry = {.id = 0x01020304, .delta = -5, .tag = ix.data_len ? ix.data[0] : 9, .amounts = {10, 20, 30}, .data = ix.data};
  return inspect(&entry, 2) == 120 ? SUCCESS : 1;
}
