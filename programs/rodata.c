/* rodata: string and lookup tables in .rodata reached with lddw; logs a table entry and returns a CRC-8 of the selected string. */
#include "include/websvm.h"

static const char greeting[] = "websvm reads .rodata";
static const uint8_t crc_table[16] = {0x00, 0x07, 0x0e, 0x09, 0x1c, 0x1b, 0x12, 0x15, 0x38, 0x3f, 0x36, 0x31, 0x24, 0x23, 0x2a, 0x2d};

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t n = ix.data_len ? ix.data[0] % sizeof(greeting) : sizeof(greeting) - 1;
  sol_log_(greeting, n);
  uint8_t crc = 0;
  for (uint64_t i = 0; i < n; i++) {
    crc = (uint8_t)(crc << 4) ^ crc_table[(crc >> 4) ^ ((uint8_t)greeting[i] >> 4)];
    crc = (uint8_t)(crc << 4) ^ crc_table[(crc >> 4) ^ ((uint8_t)greeting[i] & 15)];
  }
  return crc;
}
