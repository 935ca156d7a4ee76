/*
 * bn254.c — the alt_bn128 syscalls, reporting what they return.
 *   0 [op] [input…]: sol_alt_bn128_group_op(op, input); logs the status and 128 result bytes
 *   1 [op] [input…]: sol_alt_bn128_compression(op, input); logs the status and 128 result bytes
 *   2 [endianness] [n] [params] [32-byte inputs…]: sol_poseidon(params, endianness, n inputs);
 *     an input count above what the data holds passes zero-length slices
 */
#include "include/websvm.h"

uint64_t sol_alt_bn128_group_op(uint64_t op, const uint8_t *input, uint64_t input_len, uint8_t *result);
uint64_t sol_alt_bn128_compression(uint64_t op, const uint8_t *input, uint64_t input_len, uint8_t *result);
uint64_t sol_poseidon(uint64_t parameters, uint64_t endianness, const SolBytes *vals, uint64_t vals_len, uint8_t *result);

uint64_t entrypoint(const uint8_t *input) {
  Account accounts[1];
  Instruction ix = parse_input(input, accounts, 1);
  if (ix.data_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;
  uint8_t out[128] = {0};
  const uint8_t *d = ix.data;
  if (d[0] == 2) {
    if (ix.data_len < 4) return ERROR_INVALID_INSTRUCTION_DATA;
    SolBytes vals[16];
    uint64_t n = d[2] > 16 ? 16 : d[2];
    uint64_t have = (ix.data_len - 4) / 32;
    for (uint64_t i = 0; i < n; i++) {
      vals[i].addr = d + 4 + 32 * i;
      vals[i].len = i < have ? 32 : 0;
    }
    uint64_t status = sol_poseidon(d[3], d[1], vals, d[2], out);
    sol_log_64_(status, 0, 0, 0, 0);
    SolBytes field = {out, 32};
    sol_log_data(&field, 1);
    return SUCCESS;
  }
  uint64_t status = d[0] == 0 ? sol_alt_bn128_group_op(d[1], d + 2, ix.data_len - 2, out) : sol_alt_bn128_compression(d[1], d + 2, ix.data_len - 2, out);
  sol_log_64_(status, 0, 0, 0, 0);
  SolBytes field = {out, sizeof(out)};
  sol_log_data(&field, 1);
  return SUCCESS;
}
