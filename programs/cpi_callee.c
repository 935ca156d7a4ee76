/*
 * cpi_callee.c — the other side of cpi.c.
 *   0 [payload…]: sets the payload, reversed, as return data
 *   1: fails with custom error 42
 *   2: invokes the program in account 0 (its caller: re-entrancy, which the runtime refuses)
 *   anything else: returns the payload as-is in return data and logs its stack height
 */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Account accounts[2];
  Instruction ix = parse_input(input, accounts, 2);
  if (ix.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  const uint8_t *d = ix.data;
  switch (d[0]) {
  case 0: {
    uint8_t out[64];
    uint64_t n = ix.data_len - 1 < sizeof(out) ? ix.data_len - 1 : sizeof(out);
    for (uint64_t i = 0; i < n; i++) out[i] = d[ix.data_len - 1 - i];
    sol_set_return_data(out, n);
    return SUCCESS;
  }
  case 1:
    return 42;
  case 2: {
    uint8_t data[2] = {3, 0};
    SolInstruction call = {accounts[0].key, NULL, 0, data, 2};
    return sol_invoke_signed_c(&call, NULL, 0, NULL, 0);
  }
  default:
    sol_log_64_(sol_get_stack_height(), 0, 0, 0, 0);
    sol_set_return_data(d, ix.data_len);
    return SUCCESS;
  }
}
