/*
 * debuginfo: a program of several functions in several files, built with debug information
 * (`clang-19 -g -O1`) so that tests can check source lines, function names and backtraces.
 * data[0] selects what it does —
 *   0 sums data[1..] through calls into checks.c and math.c and returns 0,
 *   1 writes through a bad pointer three calls deep (access violation in math.c),
 *   2 divides by data[1] (zero: divide by zero in math.c),
 *   3 panics in checks.c (sol_panic_),
 *   4 returns custom error 7.
 */
#include "../include/websvm.h"
#include "debuginfo.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t choice = ix.data_len ? ix.data[0] : 0;
  const uint8_t *args = ix.data + 1;
  uint64_t count = ix.data_len ? ix.data_len - 1 : 0;
  switch (choice) {
  case 0:
    sol_log_64_(checked_sum(args, count), 0, 0, 0, 0);
    return SUCCESS;
  case 1:
    return scatter(args, count);
  case 2:
    return average(args, count);
  case 3:
    require_sorted(args, count);
    return SUCCESS;
  default:
    return 7;
  }
}
