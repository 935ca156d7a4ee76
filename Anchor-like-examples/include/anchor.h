/*
 * anchor.h — Anchor's conventions for our C example programs: 8-byte instruction and account
 * discriminators (sha256("global:<ix>") / sha256("account:<Name>"), first 8 bytes), borsh
 * little-endian layouts, `Program log: Instruction: <Name>`, events through sol_log_data, and
 * Anchor's error codes and `AnchorError occurred.` log line.
 */
#ifndef ANCHOR_H
#define ANCHOR_H
#include "../../programs/include/websvm.h"

/* anchor-lang ErrorCode values used by the examples. */
#define ANCHOR_INSTRUCTION_MISSING 100
#define ANCHOR_INSTRUCTION_FALLBACK_NOT_FOUND 101
#define ANCHOR_INSTRUCTION_DID_NOT_DESERIALIZE 102
#define ANCHOR_CONSTRAINT_MUT 2000
#define ANCHOR_CONSTRAINT_HAS_ONE 2001
#define ANCHOR_CONSTRAINT_SEEDS 2006
#define ANCHOR_ACCOUNT_DISCRIMINATOR_MISMATCH 3002
#define ANCHOR_ACCOUNT_NOT_ENOUGH_KEYS 3005
#define ANCHOR_ACCOUNT_OWNED_BY_WRONG_PROGRAM 3007
#define ANCHOR_ACCOUNT_NOT_SIGNER 3010

static inline bool disc_eq(const uint8_t *a, const uint8_t *b) {
  for (int i = 0; i < 8; i++)
    if (a[i] != b[i]) return false;
  return true;
}

static inline bool key_eq(const uint8_t *a, const uint8_t *b) {
  for (int i = 0; i < 32; i++)
    if (a[i] != b[i]) return false;
  return true;
}

static inline void write_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Logs Anchor's error line and returns the custom error code. */
static inline uint64_t anchor_error(const char *line, uint64_t len, uint64_t code) {
  sol_log_(line, len);
  return code;
}
#define ANCHOR_ERROR(literal, code) anchor_error(literal, sizeof(literal) - 1, code)

/* Rent-exempt minimum for `space` bytes from the Rent sysvar (threshold 1.0 or 2.0, as on mainnet). */
static inline uint64_t rent_exempt_minimum(uint64_t space) {
  uint64_t rent[3];
  sol_get_rent_sysvar(rent);
  uint64_t per_year = (128 + space) * rent[0];
  return rent[1] == 0x4000000000000000UL ? 2 * per_year : per_year;
}

/* System program CreateAccount(lamports, space, owner) from `payer` to `account` (both sign). */
static inline __attribute__((always_inline)) uint64_t create_account(const Account *payer, const Account *account, uint64_t space, const uint8_t *owner, const SolSignerSeeds *seeds, uint64_t nseeds) {
  static const uint8_t SYSTEM_PROGRAM[32] = {0};
  uint8_t data[52] = {0};
  write_u64(data + 4, rent_exempt_minimum(space));
  write_u64(data + 12, space);
  for (int i = 0; i < 32; i++) data[20 + i] = owner[i];
  SolAccountMeta metas[2] = {{payer->key, true, true}, {account->key, true, true}};
  SolInstruction ix = {SYSTEM_PROGRAM, metas, 2, data, sizeof(data)};
  SolAccountInfo infos[2] = {account_info(payer), account_info(account)};
  return sol_invoke_signed_c(&ix, infos, 2, seeds, nseeds);
}
/* System program Transfer(lamports) from `from` to `to`, signed by `seeds` if `from` is a PDA. */
static inline uint64_t system_transfer(const Account *from, const Account *to, uint64_t lamports, const SolSignerSeeds *seeds, uint64_t nseeds) {
  static const uint8_t SYSTEM_PROGRAM[32] = {0};
  uint8_t data[12] = {2, 0, 0, 0};
  write_u64(data + 4, lamports);
  SolAccountMeta metas[2] = {{from->key, true, true}, {to->key, true, false}};
  SolInstruction ix = {SYSTEM_PROGRAM, metas, 2, data, sizeof(data)};
  SolAccountInfo infos[2] = {account_info(from), account_info(to)};
  return sol_invoke_signed_c(&ix, infos, 2, seeds, nseeds);
}

/* The PDA of (seed, key) for this program, and its bump; false if `expected` is not that address. */
static inline bool pda_matches(const char *seed, uint64_t seed_len, const uint8_t *key, const uint8_t *program_id, const uint8_t *expected, uint8_t *bump) {
  SolBytes seeds[2] = {{(const uint8_t *)seed, seed_len}, {key, 32}};
  uint8_t address[32];
  if (sol_try_find_program_address(seeds, 2, program_id, address, bump) != 0) return false;
  return key_eq(address, expected);
}
/* SPL Token Transfer(amount) from `source` to `destination` by `authority` (a PDA when `seeds` are given).
 * Always inlined: sBPF calls take at most five arguments. */
static inline __attribute__((always_inline)) uint64_t token_transfer(const Account *token_program, const Account *source, const Account *destination, const Account *authority, uint64_t amount, const SolSignerSeeds *seeds, uint64_t nseeds) {
  uint8_t data[9] = {3};
  write_u64(data + 1, amount);
  SolAccountMeta metas[3] = {{source->key, true, false}, {destination->key, true, false}, {authority->key, false, true}};
  SolInstruction ix = {token_program->key, metas, 3, data, sizeof(data)};
  SolAccountInfo infos[3] = {account_info(source), account_info(destination), account_info(authority)};
  return sol_invoke_signed_c(&ix, infos, 3, seeds, nseeds);
}
#endif
