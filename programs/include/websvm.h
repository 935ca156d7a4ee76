/*
 * websvm.h — a minimal C SDK for our sBPF test programs.
 *
 * Programs export `uint64_t entrypoint(const uint8_t *input)`; the runtime serializes the
 * instruction with the aligned ABI (ABIv1) at `input` and reads the return value as the result:
 * 0 is success, small values are custom errors, and `k << 32` values are the builtin errors.
 * Built with Debian's clang-19 (`-target bpf -mcpu=v2`) and linked with `websvm link`.
 */
#ifndef WEBSVM_H
#define WEBSVM_H

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef signed long int64_t;
typedef uint64_t size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

/* Results (SBPF_SEMANTICS §12): builtin errors are k << 32. */
#define SUCCESS 0
#define ERROR_BUILTIN(k) ((uint64_t)(k) << 32)
#define ERROR_CUSTOM_ZERO ERROR_BUILTIN(1)
#define ERROR_INVALID_ARGUMENT ERROR_BUILTIN(2)
#define ERROR_INVALID_INSTRUCTION_DATA ERROR_BUILTIN(3)
#define ERROR_INVALID_ACCOUNT_DATA ERROR_BUILTIN(4)
#define ERROR_NOT_ENOUGH_ACCOUNT_KEYS ERROR_BUILTIN(11)

/* Syscalls: undefined symbols become syscalls at link time. */
void sol_log_(const char *message, uint64_t len);
void sol_log_64_(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e);
void sol_log_compute_units_(void);
void sol_log_pubkey(const uint8_t *key);
void sol_log_data(const void *fields, uint64_t count); /* fields: SolBytes[count] */
void sol_panic_(const char *file, uint64_t len, uint64_t line, uint64_t column) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));
void sol_set_return_data(const uint8_t *data, uint64_t len);
uint64_t sol_get_return_data(uint8_t *data, uint64_t len, uint8_t *program_id);
uint64_t sol_remaining_compute_units(void);
/* A byte slice as the hashing syscalls take them. */
typedef struct {
  const uint8_t *addr;
  uint64_t len;
} SolBytes;
uint64_t sol_sha256(const SolBytes *slices, uint64_t count, uint8_t *out);
uint64_t sol_keccak256(const SolBytes *slices, uint64_t count, uint8_t *out);
uint64_t sol_create_program_address(const SolBytes *seeds, uint64_t count, const uint8_t *program_id, uint8_t *address);
uint64_t sol_try_find_program_address(const SolBytes *seeds, uint64_t count, const uint8_t *program_id, uint8_t *address, uint8_t *bump);
void sol_memcpy_(void *dst, const void *src, uint64_t n);
void sol_memmove_(void *dst, const void *src, uint64_t n);
void sol_memset_(void *dst, uint64_t c, uint64_t n);
void sol_memcmp_(const void *a, const void *b, uint64_t n, int *result);

/* Helpers the compiler may call implicitly for struct copies and zeroing. */
static inline void *ws_memcpy(void *dst, const void *src, uint64_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  while (n--) *d++ = *s++;
  return dst;
}
static inline void *ws_memset(void *dst, int c, uint64_t n) {
  uint8_t *d = dst;
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

/* Logs a NUL-terminated string literal. */
#define LOG(literal) sol_log_(literal, sizeof(literal) - 1)

/* ---- Input (ABIv1, aligned) ---------------------------------------------------------- */

#define MAX_PERMITTED_DATA_INCREASE 10240
#define NON_DUP_MARKER 0xff

typedef struct {
  const uint8_t *key;
  uint64_t *lamports;
  uint64_t data_len;
  uint8_t *data;
  const uint8_t *owner;
  bool is_signer;
  bool is_writable;
  bool executable;
} Account;

typedef struct {
  uint64_t num_accounts;
  const uint8_t *data;
  uint64_t data_len;
  const uint8_t *program_id;
} Instruction;

/*
 * Parses the serialized input, filling up to `max_accounts` entries of `accounts`.
 * Duplicates are resolved to the account they repeat.
 */
static inline Instruction parse_input(const uint8_t *input, Account *accounts, uint64_t max_accounts) {
  Instruction ix;
  uint64_t n = *(const uint64_t *)input;
  input += 8;
  ix.num_accounts = n;
  for (uint64_t i = 0; i < n; i++) {
    uint8_t dup = input[0];
    if (dup != NON_DUP_MARKER) {
      if (i < max_accounts && dup < max_accounts) accounts[i] = accounts[dup];
      input += 8;
      continue;
    }
    Account a;
    a.is_signer = input[1];
    a.is_writable = input[2];
    a.executable = input[3];
    a.key = input + 8;
    a.owner = input + 40;
    a.lamports = (uint64_t *)(input + 72);
    a.data_len = *(const uint64_t *)(input + 80);
    a.data = (uint8_t *)(input + 88);
    input += 88 + a.data_len + MAX_PERMITTED_DATA_INCREASE;
    input += (8 - ((uint64_t)input & 7)) & 7; /* align to 8 */
    input += 8;                               /* rent epoch */
    if (i < max_accounts) accounts[i] = a;
  }
  ix.data_len = *(const uint64_t *)input;
  ix.data = input + 8;
  ix.program_id = input + 8 + ix.data_len;
  return ix;
}

/* Little-endian u64 at `p` (instruction data need not be aligned). */
static inline uint64_t read_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

/* ---- Heap: a bump allocator over the 32 KiB heap region ------------------------------- */

#define HEAP_START 0x300000000UL
#define HEAP_LENGTH (32 * 1024)

/* The allocator's cursor lives at the start of the heap itself (sBPF has no writable globals). */
static inline void *heap_alloc(uint64_t size) {
  uint64_t *cursor = (uint64_t *)HEAP_START;
  if (*cursor == 0) *cursor = HEAP_START + 8;
  uint64_t at = (*cursor + 7) & ~7UL;
  if (at + size > HEAP_START + HEAP_LENGTH) return NULL;
  *cursor = at + size;
  return (void *)at;
}

/* ---- Runtime syscalls: sysvars, invocation, cryptography ------------------------------ */

typedef struct {
  uint64_t slot;
  int64_t epoch_start_timestamp;
  uint64_t epoch;
  uint64_t leader_schedule_epoch;
  int64_t unix_timestamp;
} Clock;

uint64_t sol_get_clock_sysvar(Clock *out);
uint64_t sol_get_rent_sysvar(void *out);           /* 24 bytes */
uint64_t sol_get_epoch_schedule_sysvar(void *out); /* 40 bytes */
uint64_t sol_get_epoch_rewards_sysvar(void *out);  /* 96 bytes, 16-aligned */
uint64_t sol_get_last_restart_slot(uint64_t *out);
uint64_t sol_get_sysvar(const uint8_t *sysvar_id, void *out, uint64_t offset, uint64_t len);
uint64_t sol_get_stack_height(void);
uint64_t sol_get_epoch_stake(const uint8_t *vote_address);

/* What sol_get_processed_sibling_instruction fills in. */
typedef struct {
  uint64_t data_len;
  uint64_t accounts_len;
} ProcessedSiblingInstruction;
uint64_t sol_get_processed_sibling_instruction(uint64_t index, ProcessedSiblingInstruction *meta, uint8_t *program_id, uint8_t *data, void *accounts);

uint64_t sol_secp256k1_recover(const uint8_t *hash, uint64_t recovery_id, const uint8_t *signature, uint8_t *result);
uint64_t sol_curve_validate_point(uint64_t curve_id, const uint8_t *point, uint8_t *result);
uint64_t sol_curve_group_op(uint64_t curve_id, uint64_t op, const uint8_t *left, const uint8_t *right, uint8_t *result);
uint64_t sol_curve_multiscalar_mul(uint64_t curve_id, const uint8_t *scalars, const uint8_t *points, uint64_t count, uint8_t *result);

/* ---- Cross-program invocation (C ABI) ------------------------------------------------- */

typedef struct {
  const uint8_t *pubkey;
  bool is_writable;
  bool is_signer;
} SolAccountMeta;

typedef struct {
  const uint8_t *program_id;
  const SolAccountMeta *accounts;
  uint64_t account_len;
  const uint8_t *data;
  uint64_t data_len;
} SolInstruction;

typedef struct {
  const uint8_t *key;
  uint64_t *lamports;
  uint64_t data_len;
  uint8_t *data;
  const uint8_t *owner;
  uint64_t rent_epoch;
  bool is_signer;
  bool is_writable;
  bool executable;
} SolAccountInfo;

typedef struct {
  const uint8_t *addr;
  uint64_t len;
} SolSignerSeed;

typedef struct {
  const SolSignerSeed *addr;
  uint64_t len;
} SolSignerSeeds;

uint64_t sol_invoke_signed_c(const SolInstruction *instruction, const SolAccountInfo *infos, uint64_t infos_len, const SolSignerSeeds *seeds, uint64_t seeds_len);

/* The AccountInfo a CPI passes for a parsed account. */
static inline SolAccountInfo account_info(const Account *a) {
  SolAccountInfo info;
  info.key = a->key;
  info.lamports = a->lamports;
  info.data_len = a->data_len;
  info.data = a->data;
  info.owner = a->owner;
  info.rent_epoch = 0;
  info.is_signer = a->is_signer;
  info.is_writable = a->is_writable;
  info.executable = a->executable;
  return info;
}

/* The serialized data length of a parsed account (the runtime reads it back after the run). */
static inline uint64_t *serialized_len(const Account *a) {
  return (uint64_t *)(a->data - 8);
}

#endif
