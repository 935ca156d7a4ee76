/*
 * pda: derives a program address from ("websvm", instruction data) and its own program id with
 * sol_try_find_program_address, logs it and its bump, re-derives it with
 * sol_create_program_address, and logs whether the two agree. data[0] = 0xff asks for 17 seeds
 * (fails: seed too long for address generation); 0xfe passes a 33-byte seed.
 */
#include "include/websvm.h"

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t len = ix.data_len > 32 ? 32 : ix.data_len;
  SolBytes seeds[17];
  for (int i = 0; i < 17; i++) seeds[i] = (SolBytes){(const uint8_t *)"websvm", 6};
  seeds[1] = (SolBytes){ix.data, len};
  uint64_t count = 2;
  if (ix.data_len && ix.data[0] == 0xff) count = 17;
  if (ix.data_len && ix.data[0] == 0xfe) seeds[1].len = 33;
  uint8_t address[32], again[32], bump = 0;
  uint64_t found = sol_try_find_program_address(seeds, count, ix.program_id, address, &bump);
  sol_log_64_(found, bump, 0, 0, 0);
  if (found) return 1;
  sol_log_pubkey(address);
  SolBytes with_bump[3] = {seeds[0], seeds[1], {&bump, 1}};
  uint64_t created = sol_create_program_address(with_bump, 3, ix.program_id, again);
  int same = 0;
  sol_memcmp_(address, again, 32, &same);
  sol_log_64_(created, same == 0, 0, 0, 0);
  return SUCCESS;
}
