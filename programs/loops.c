/* loops: nested counting loops sized by data[0] and data[1]; returns the count modulo 2^32 + 1 as a custom error (0 ⇒ success when either size is 0). */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  if (ix.data_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;
  uint64_t total = 0;
  for (uint64_t i = 0; i < ix.data[0]; i++)
    for (uint64_t j = 0; j < ix.data[1]; j++) total += i ^ j;
  return total & 0xffffffff;
}
