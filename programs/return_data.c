/*
 * return_data: sets the instruction data (reversed) as return data, reads it back with
 * sol_get_return_data and logs the length and first bytes. data[0] = 0xff asks to set 1025
 * bytes (fails "Return data too large (1025 > 1024)").
 */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint8_t buffer[64], back[64], id[32];
  uint64_t n = ix.data_len > 64 ? 64 : ix.data_len;
  for (uint64_t i = 0; i < n; i++) buffer[i] = ix.data[n - 1 - i];
  if (n && ix.data[0] == 0xff) sol_set_return_data((const uint8_t *)HEAP_START, 1025);
  sol_set_return_data(buffer, n);
  uint64_t total = sol_get_return_data(back, 8, id);
  sol_log_64_(total, n ? back[0] : 0, read_u64(id) == read_u64(ix.program_id), 0, 0);
  return SUCCESS;
}
