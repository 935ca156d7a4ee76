/* logging: sol_log_, sol_log_64_, sol_log_pubkey (its program id), sol_log_data and sol_log_compute_units_; returns 0. */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  LOG("hello from websvm");
  sol_log_64_(1, 2, 3, ix.data_len, 0xdeadbeef);
  sol_log_pubkey(ix.program_id);
  SolBytes fields[2] = {{ix.data, ix.data_len}, {(const uint8_t *)"event", 5}};
  sol_log_data(fields, 2);
  sol_log_compute_units_();
  return SUCCESS;
}
