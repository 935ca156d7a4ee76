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
 */
#include "include/websvm.h"

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
    uint8_t key[32], owner[32];
    uint64_t lamports = *accounts[0].lamports;
    uint8_t data[8] = {0};
    for (int i = 0; i < 32; i++) {
      key[i] = accounts[0].key[i];
      owner[i] = accounts[0].owner[i];
    }
    uint8_t transfer[12] = {2, 0, 0, 0, 1};
    SolAccountMeta metas[2] = {{accounts[0].key, true, true}, {accounts[1].key, true, false}};
    SolInstruction call = {SYSTEM_PROGRAM, metas, 2, transfer, sizeof(transfer)};
    SolAccountInfo infos[2] = {account_info(&accounts[0]), account_info(&accounts[1])};
    if (d[1] == 0) infos[0].key = key;
    if (d[1] == 1) infos[0].owner = owner;
    if (d[1] == 2) infos[0].lamports = &lamports;
    if (d[1] == 3) infos[0].data = data;
    return sol_invoke_signed_c(&call, infos, 2, NULL, 0);
  }
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
