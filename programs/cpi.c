/*
 * cpi.c — cross-program invocations from C (sol_invoke_signed_c).
 *   0 [bump] [lamports u64]: System transfer from the PDA ["vault", bump] (accounts: pda, to, system)
 *   1 [payload…]: invokes the callee (account 0) with the payload and logs the return data it set
 *   2: System transfer from account 0 claimed as signer although it is not (privilege escalation)
 *   3 [depth]: invokes itself (account 0) with depth - 1 until depth is 0
 *   4 [bump] [space u64]: creates the PDA ["vault", bump] owned by this program (accounts: payer,
 *      pda, system, self), then writes 0xAB into its first byte
 *   5: invokes the callee (account 0) asking it to call back into this program (re-entrancy)
 *   6: invokes the System program with an account the transaction does not have
 *   7: invokes the callee (account 0), which fails with custom error 42
 *   8: invokes the callee with 10 241 bytes of data (over the CPI limit)
 *   9: signs with 17 signer seed sets (over the limit)
 *  10: signs with seeds that do not make a valid PDA (33-byte seed)
 *  11: invokes BPF loader 2 (not allowed in CPI)
 *  12 [payload…]: invokes account 0 with the payload followed by 2 000 zero bytes (a builtin
 *      decodes at most a packet's worth and ignores the rest)
 *  13 [field]: System transfer of 1 lamport from account 0 (a signer) to account 1 with the
 *      AccountInfo of account 0 pointing one field (0 key, 1 owner, 2 lamports, 3 data) at a
 *      stack copy (SIMD-0459 refuses it)
 *  14 [field]: the same through sol_invoke_signed_rust, with Rust's StableInstruction, AccountMeta
 *      and AccountInfo layouts (Rc<RefCell<…>> boxes for lamports and data)
 */
#include "include/websvm.h"

/* Rust layouts for sol_invoke_signed_rust. */
typedef struct {
  uint8_t pubkey[32];
  bool is_signer;
  bool is_writable;
} RustAccountMeta;
typedef struct {
  const void *ptr;
  uint64_t cap;
  uint64_t len;
} RustVec;
typedef struct {
  RustVec accounts;
  RustVec data;
  uint8_t program_id[32];
} RustInstruction;
/* Rc<RefCell<&mut u64>> and Rc<RefCell<&mut [u8]>>: strong, weak, borrow flag, then the reference. */
typedef struct {
  uint64_t strong, weak;
  int64_t borrow;
  uint64_t *value;
} RcLamports;
typedef struct {
  uint64_t strong, weak;
  int64_t borrow;
  uint8_t *ptr;
  uint64_t len;
} RcData;
typedef struct {
  const uint8_t *key;
  RcLamports *lamports;
  RcData *data;
  const uint8_t *owner;
  uint64_t rent_epoch;
  bool is_signer, is_writable, executable;
} RustAccountInfo;
uint64_t sol_invoke_signed_rust(const RustInstruction *instruction, const RustAccountInfo *infos, uint64_t infos_len, const void *seeds, uint64_t seeds_len);

/* Stack copies of an account's fields, for AccountInfos that point one of them elsewhere. */
typedef struct {
  uint8_t key[32];
  uint8_t owner[32];
  uint64_t lamports;
  uint8_t data[8];
} Copies;

static void copy_fields(const Account *a, Copies *c) {
  for (int i = 0; i < 32; i++) {
    c->key[i] = a->key[i];
    c->owner[i] = a->owner[i];
  }
  c->lamports = *a->lamports;
  for (int i = 0; i < 8; i++) c->data[i] = 0;
}

static RustAccountInfo rust_info(const Account *a, RcLamports *l, RcData *d) {
  l->strong = 1;
  l->weak = 1;
  l->borrow = 0;
  l->value = a->lamports;
  d->strong = 1;
  d->weak = 1;
  d->borrow = 0;
  d->ptr = a->data;
  d->len = a->data_len;
  RustAccountInfo info = {a->key, l, d, a->owner, 0, a->is_signer, a->is_writable, a->executable};
  return info;
}

static const uint8_t VAULT[] = {'v', 'a', 'u', 'l', 't'};
static const uint8_t SYSTEM_PROGRAM[32] = {0};

static uint64_t transfer_from(const Account *from, const Account *to, uint64_t lamports, const SolSignerSeeds *seeds, uint64_t nseeds, bool claim_signer) {
  uint8_t data[12] = {2, 0, 0, 0};
  for (int i = 0; i < 8; i++) data[4 + i] = (uint8_t)(lamports >> (8 * i));
  SolAccountMeta metas[2] = {{from->key, true, claim_signer}, {to->key, true, false}};
  SolInstruction ix = {SYSTEM_PROGRAM, metas, 2, data, sizeof(data)};
  SolAccountInfo infos[2] = {account_info(from), account_info(to)};
  return sol_invoke_signed_c(&ix, infos, 2, seeds, nseeds);
}

uint64_t entrypoint(const uint8_t *input) {
  Account accounts[4];
  Instruction ix = parse_input(input, accounts, 4);
  if (ix.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  const uint8_t *d = ix.data;
  switch (d[0]) {
  case 0: {
    uint8_t bump = d[1];
    SolSignerSeed seed[2] = {{VAULT, sizeof(VAULT)}, {&bump, 1}};
    SolSignerSeeds signer = {seed, 2};
    return transfer_from(&accounts[0], &accounts[1], read_u64(d + 2), &signer, 1, true);
  }
  case 1: {
    SolInstruction call = {accounts[0].key, NULL, 0, d + 1, ix.data_len - 1};
    uint64_t r = sol_invoke_signed_c(&call, NULL, 0, NULL, 0);
    if (r != 0) return r;
    uint8_t got[64];
    uint8_t from[32];
    uint64_t len = sol_get_return_data(got, sizeof(got), from);
    SolBytes fields[2] = {{got, len < sizeof(got) ? len : sizeof(got)}, {from, 32}};
    sol_log_data(fields, 2);
    return SUCCESS;
  }
  case 2:
    return transfer_from(&accounts[0], &accounts[1], 1, NULL, 0, true);
  case 3: {
    uint8_t next[2] = {3, (uint8_t)(d[1] - 1)};
    sol_log_64_(d[1], sol_get_stack_height(), 0, 0, 0);
    if (d[1] == 0) return SUCCESS;
    SolAccountMeta meta = {accounts[0].key, false, false};
    SolInstruction call = {accounts[0].key, &meta, 1, next, 2};
    SolAccountInfo info = account_info(&accounts[0]);
    return sol_invoke_signed_c(&call, &info, 1, NULL, 0);
  }
  case 4: {
    uint8_t bump = d[1];
    uint64_t space = read_u64(d + 2);
    uint8_t data[52] = {0};
    uint64_t lamports = 1000000000;
    for (int i = 0; i < 8; i++) {
      data[4 + i] = (uint8_t)(lamports >> (8 * i));
      data[12 + i] = (uint8_t)(space >> (8 * i));
    }
    for (int i = 0; i < 32; i++) data[20 + i] = ix.program_id[i];
    SolAccountMeta metas[2] = {{accounts[0].key, true, true}, {accounts[1].key, true, true}};
    SolInstruction create = {SYSTEM_PROGRAM, metas, 2, data, sizeof(data)};
    SolAccountInfo infos[2] = {account_info(&accounts[0]), account_info(&accounts[1])};
    SolSignerSeed seed[2] = {{VAULT, sizeof(VAULT)}, {&bump, 1}};
    SolSignerSeeds signer = {seed, 2};
    uint64_t r = sol_invoke_signed_c(&create, infos, 2, &signer, 1);
    if (r != 0) return r;
    sol_log_64_(infos[1].data_len, *serialized_len(&accounts[1]), 0, 0, 0);
    if (infos[1].data_len > 0) accounts[1].data[0] = 0xAB;
    return SUCCESS;
  }
  case 5: {
    uint8_t call_back[1] = {2};
    SolAccountMeta meta = {ix.program_id, false, false};
    SolInstruction call = {accounts[0].key, &meta, 1, call_back, 1};
    SolAccountInfo info = account_info(&accounts[1]);
    return sol_invoke_signed_c(&call, &info, 1, NULL, 0);
  }
  case 6: {
    static const uint8_t STRANGER[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
    uint8_t data[12] = {2, 0, 0, 0, 1};
    SolAccountMeta metas[2] = {{accounts[0].key, true, true}, {STRANGER, true, false}};
    SolInstruction call = {SYSTEM_PROGRAM, metas, 2, data, sizeof(data)};
    SolAccountInfo info = account_info(&accounts[0]);
    return sol_invoke_signed_c(&call, &info, 1, NULL, 0);
  }
  case 7: {
    uint8_t fail[1] = {1};
    SolInstruction call = {accounts[0].key, NULL, 0, fail, 1};
    return sol_invoke_signed_c(&call, NULL, 0, NULL, 0);
  }
  case 8: {
    uint8_t *big = heap_alloc(10241);
    if (!big) return ERROR_INVALID_ARGUMENT;
    SolInstruction call = {accounts[0].key, NULL, 0, big, 10241};
    return sol_invoke_signed_c(&call, NULL, 0, NULL, 0);
  }
  case 9:
  case 10: {
    uint8_t seed[33] = {0};
    SolSignerSeed one = {seed, d[0] == 10 ? 33 : 1};
    SolSignerSeeds signers[17];
    for (int i = 0; i < 17; i++) {
      signers[i].addr = &one;
      signers[i].len = 1;
    }
    uint8_t data[1] = {9};
    SolInstruction call = {accounts[0].key, NULL, 0, data, 1};
    return sol_invoke_signed_c(&call, NULL, 0, signers, d[0] == 10 ? 1 : 17);
  }
  case 11: {
    static const uint8_t BPF_LOADER_2[32] = {2, 168, 246, 145, 78, 136, 161, 110, 57, 90, 225, 40, 148, 143, 250, 105, 86, 147, 55, 104, 24, 221, 71, 67, 82, 33, 243, 198, 0, 0, 0, 0};
    uint8_t data[4] = {0};
    SolInstruction call = {BPF_LOADER_2, NULL, 0, data, 4};
    return sol_invoke_signed_c(&call, NULL, 0, NULL, 0);
  }
  case 12: {
    uint64_t len = ix.data_len - 1 + 2000;
    uint8_t *padded = heap_alloc(len);
    if (!padded) return ERROR_INVALID_ARGUMENT;
    for (uint64_t i = 0; i < ix.data_len - 1; i++) padded[i] = d[1 + i];
    SolInstruction call = {accounts[0].key, NULL, 0, padded, len};
    return sol_invoke_signed_c(&call, NULL, 0, NULL, 0);
  }
  case 13: {
    Copies c;
    copy_fields(&accounts[0], &c);
    uint8_t transfer[12] = {2, 0, 0, 0, 1};
    SolAccountMeta metas[2] = {{accounts[0].key, true, true}, {accounts[1].key, true, false}};
    SolInstruction call = {SYSTEM_PROGRAM, metas, 2, transfer, sizeof(transfer)};
    SolAccountInfo infos[2] = {account_info(&accounts[0]), account_info(&accounts[1])};
    if (d[1] == 0) infos[0].key = c.key;
    if (d[1] == 1) infos[0].owner = c.owner;
    if (d[1] == 2) infos[0].lamports = &c.lamports;
    if (d[1] == 3) infos[0].data = c.data;
    return sol_invoke_signed_c(&call, infos, 2, NULL, 0);
  }
  case 14: {
    Copies c;
    copy_fields(&accounts[0], &c);
    uint8_t transfer[12] = {2, 0, 0, 0, 1};
    RustAccountMeta metas[2];
    for (int i = 0; i < 32; i++) {
      metas[0].pubkey[i] = accounts[0].key[i];
      metas[1].pubkey[i] = accounts[1].key[i];
    }
    metas[0].is_signer = true;
    metas[0].is_writable = true;
    metas[1].is_signer = false;
    metas[1].is_writable = true;
    RustInstruction call = {{metas, 2, 2}, {transfer, 12, 12}, {0}};
    RcLamports l0, l1;
    RcData d0, d1;
    RustAccountInfo infos[2] = {rust_info(&accounts[0], &l0, &d0), rust_info(&accounts[1], &l1, &d1)};
    if (d[1] == 0) infos[0].key = c.key;
    if (d[1] == 1) infos[0].owner = c.owner;
    if (d[1] == 2) l0.value = &c.lamports;
    if (d[1] == 3) d0.ptr = c.data;
    return sol_invoke_signed_rust(&call, infos, 2, NULL, 0);
  }
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
