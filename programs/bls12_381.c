/*
 * bls12_381.c — the BLS12-381 syscalls (SIMD-0388), reporting what they return.
 *   0 [curve] [compressed point]: sol_curve_decompress
 *   1 [curve] [point]: sol_curve_validate_point
 *   2 [curve] [op] [left] [right]: sol_curve_group_op (left is a 32-byte scalar for op 2, padded
 *     to a point's size; points are 96 bytes for G1 ids and 192 for G2 ids)
 *   3 [curve] [n] [n G1 points] [n G2 points]: sol_curve_pairing_map
 * Each logs the status with sol_log_64_ and the output buffer (initially 0xa5) with sol_log_data.
 */
#include "include/websvm.h"

uint64_t sol_curve_decompress(uint64_t curve_id, const uint8_t *point, uint8_t *result);
uint64_t sol_curve_pairing_map(uint64_t curve_id, uint64_t count, const uint8_t *g1, const uint8_t *g2, uint8_t *result);

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  if (ix.data_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;
  const uint8_t *d = ix.data;
  uint64_t point = (d[1] & 0x7f) == 6 ? 192 : 96;
  uint8_t out[576];
  for (int i = 0; i < 576; i++) out[i] = 0xa5;
  uint64_t status, shown = point;
  if (d[0] == 0) {
    status = sol_curve_decompress(d[1], d + 2, out);
  } else if (d[0] == 1) {
    status = sol_curve_validate_point(d[1], d + 2, out);
  } else if (d[0] == 2) {
    status = sol_curve_group_op(d[1], d[2], d + 3, d + 3 + point, out);
  } else {
    status = sol_curve_pairing_map(d[1], d[2], d + 3, d + 3 + 96 * d[2], out);
    shown = 576;
  }
  SolBytes fields[1] = {{out, shown}};
  sol_log_64_(status, 0, 0, 0, 0);
  sol_log_data(fields, 1);
  return SUCCESS;
}
