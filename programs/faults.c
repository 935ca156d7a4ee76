/*
 * faults: data[0] selects an intentional failure —
 *   0 divide by zero, 1 read through a null pointer, 2 write into .rodata, 3 unbounded recursion
 *   (call depth), 4 endless loop (compute budget), 5 abort(), 6 sol_panic_, 7 read past the input,
 *   8 custom error 42, 9 builtin error InvalidAccountData.
 */
#include "include/websvm.h"

static const uint8_t constant[8] = {1, 2, 3, 4, 5, 6, 7, 8};

__attribute__((noinline)) static uint64_t deeper(uint64_t n) { return n == ~0UL ? 0 : deeper(n + 1) + 1; }

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t choice = ix.data_len ? ix.data[0] : 0;
  volatile uint64_t zero = ix.data_len > 1 ? ix.data[1] : 0;
  switch (choice) {
  case 0:
    return 100 / zero;
  case 1:
    return *(volatile uint64_t *)zero;
  case 2:
    *(volatile uint8_t *)&constant[zero] = 9;
    return 0;
  case 3:
    return deeper(zero);
  case 4:
    for (volatile uint64_t i = 0;; i++) {
    }
  case 5:
    abort();
  case 6:
    sol_panic_("faults.c", 8, 42, 7);
  case 7:
    return *(volatile const uint8_t *)(ix.program_id + 32 + 4096 * (zero + 1));
  case 8:
    return 42;
  default:
    return ERROR_INVALID_ACCOUNT_DATA;
  }
}
