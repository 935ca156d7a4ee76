/*
 * accounts.c — account edits the runtime must apply or reject after the program returns.
 *   0 [n]: grows account 0's data by n bytes (realloc) and fills the new bytes with 0x5A
 *   1: grows account 0's data by 10 241 bytes (beyond the realloc limit)
 *   2 [lamports u64]: moves lamports from account 0 to account 1
 *   3: takes one lamport from account 0 (not owned by this program) and gives it to account 1
 *   4: writes into account 0's data (read-only)
 *   5: writes into account 0's data (not owned by this program)
 *   6: assigns account 0 to account 1's key (data not zeroed)
 *   7: adds one lamport to account 0 only (unbalanced)
 *   8: zeroes account 0's data and assigns it to account 1's key
 *   9 [n]: shrinks account 0's data by n bytes
 *  10: grows account 0's data by one byte (not owned by this program)
 *  11: moves one lamport from account 1 to account 0 (read-only)
 *  12: loops forever (the compute budget runs out)
 */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Account a[2];
  Instruction ix = parse_input(input, a, 2);
  if (ix.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  const uint8_t *d = ix.data;
  switch (d[0]) {
  case 0: {
    uint64_t old = a[0].data_len;
    *serialized_len(&a[0]) = old + d[1];
    for (uint64_t i = old; i < old + d[1]; i++) a[0].data[i] = 0x5A;
    return SUCCESS;
  }
  case 1:
    *serialized_len(&a[0]) = a[0].data_len + MAX_PERMITTED_DATA_INCREASE + 1;
    return SUCCESS;
  case 2: {
    uint64_t x = read_u64(d + 1);
    *a[0].lamports -= x;
    *a[1].lamports += x;
    return SUCCESS;
  }
  case 3:
    *a[0].lamports -= 1;
    *a[1].lamports += 1;
    return SUCCESS;
  case 4:
  case 5:
    a[0].data[0] ^= 0xFF;
    return SUCCESS;
  case 6:
  case 8: {
    if (d[0] == 8)
      for (uint64_t i = 0; i < a[0].data_len; i++) a[0].data[i] = 0;
    uint8_t *owner = (uint8_t *)a[0].owner;
    for (int i = 0; i < 32; i++) owner[i] = a[1].key[i];
    return SUCCESS;
  }
  case 7:
    *a[0].lamports += 1;
    return SUCCESS;
  case 9:
    *serialized_len(&a[0]) = a[0].data_len - d[1];
    return SUCCESS;
  case 10:
    *serialized_len(&a[0]) = a[0].data_len + 1;
    return SUCCESS;
  case 11:
    *a[1].lamports -= 1;
    *a[0].lamports += 1;
    return SUCCESS;
  case 12: {
    volatile uint64_t spin = 0;
    for (;;) spin++;
  }
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
