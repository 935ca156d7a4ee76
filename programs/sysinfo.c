/*
 * sysinfo.c — sysvar, invocation and cryptography syscalls, reporting what they return.
 *   0: logs every sysvar getter's fields
 *   1 [id 32] [offset u64] [len u64]: sol_get_sysvar; logs the status and the bytes (len <= 64)
 *   2 [index]: stack height and sol_get_processed_sibling_instruction(index)
 *   3: sol_get_epoch_stake, total and for account 0
 *   4 [hash 32] [recovery id] [signature 64]: sol_secp256k1_recover
 *   5 [curve] [op] [left 32] [right 32]: sol_curve_group_op
 *   6 [curve] [point 32]: sol_curve_validate_point
 *   7 [curve] [n] [scalars 32n] [points 32n]: sol_curve_multiscalar_mul
 */
#include "include/websvm.h"

static void log_bytes(const void *p, uint64_t n) {
  SolBytes field = {p, n};
  sol_log_data(&field, 1);
}

uint64_t entrypoint(const uint8_t *input) {
  Account accounts[1];
  Instruction ix = parse_input(input, accounts, 1);
  if (ix.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  const uint8_t *d = ix.data;
  uint8_t out[96] __attribute__((aligned(16)));
  switch (d[0]) {
  case 0: {
    Clock c;
    sol_get_clock_sysvar(&c);
    sol_log_64_(c.slot, (uint64_t)c.epoch_start_timestamp, c.epoch, c.leader_schedule_epoch, (uint64_t)c.unix_timestamp);
    sol_get_rent_sysvar(out);
    log_bytes(out, 17);
    sol_get_epoch_schedule_sysvar(out);
    log_bytes(out, 17);
    log_bytes(out + 24, 16);
    sol_get_epoch_rewards_sysvar(out);
    log_bytes(out, 81);
    uint64_t restart;
    sol_get_last_restart_slot(&restart);
    sol_log_64_(restart, 0, 0, 0, 0);
    return SUCCESS;
  }
  case 1: {
    uint64_t len = read_u64(d + 41);
    uint64_t status = sol_get_sysvar(d + 1, out, read_u64(d + 33), len);
    sol_log_64_(status, len, 0, 0, 0);
    if (status == 0) log_bytes(out, len);
    return SUCCESS;
  }
  case 2: {
    ProcessedSiblingInstruction meta = {64, 4};
    uint8_t program[32];
    uint8_t data[64];
    uint8_t metas[34 * 4];
    uint64_t found = sol_get_processed_sibling_instruction(d[1], &meta, program, data, metas);
    sol_log_64_(sol_get_stack_height(), found, meta.data_len, meta.accounts_len, 0);
    meta.data_len = meta.data_len > 64 ? 0 : meta.data_len;
    meta.accounts_len = meta.accounts_len > 4 ? 0 : meta.accounts_len;
    if (found) found = sol_get_processed_sibling_instruction(d[1], &meta, program, data, metas);
    if (found) {
      SolBytes fields[3] = {{program, 32}, {data, meta.data_len}, {metas, 34 * meta.accounts_len}};
      sol_log_data(fields, 3);
    }
    return SUCCESS;
  }
  case 3:
    sol_log_64_(sol_get_epoch_stake(NULL), sol_get_epoch_stake(accounts[0].key), 0, 0, 0);
    return SUCCESS;
  case 4: {
    uint64_t status = sol_secp256k1_recover(d + 1, d[33], d + 34, out);
    sol_log_64_(status, 0, 0, 0, 0);
    if (status == 0) log_bytes(out, 64);
    return SUCCESS;
  }
  case 5: {
    uint64_t status = sol_curve_group_op(d[1], d[2], d + 3, d + 35, out);
    sol_log_64_(status, 0, 0, 0, 0);
    if (status == 0) log_bytes(out, 32);
    return SUCCESS;
  }
  case 6:
    sol_log_64_(sol_curve_validate_point(d[1], d + 2, out), 0, 0, 0, 0);
    return SUCCESS;
  case 7: {
    uint64_t n = d[2];
    uint64_t status = sol_curve_multiscalar_mul(d[1], d + 3, d + 3 + 32 * n, n, out);
    sol_log_64_(status, 0, 0, 0, 0);
    if (status == 0) log_bytes(out, 32);
    return SUCCESS;
  }
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
