/*
 * counter — an Anchor-style counter in C.
 *   initialize(start: u64)  accounts: counter (writable, signer), authority (writable, signer), system_program
 *   increment()             accounts: counter (writable), authority (signer)
 * Account Counter { authority: Pubkey, count: u64 }; event Incremented { count: u64 };
 * errors: 6000 Overflow ("Counter overflow").
 */
#include "../../include/anchor.h"

static const uint8_t IX_INITIALIZE[8] = {0xaf, 0xaf, 0x6d, 0x1f, 0x0d, 0x98, 0x9b, 0xed};
static const uint8_t IX_INCREMENT[8] = {0x0b, 0x12, 0x68, 0x09, 0x68, 0xae, 0x3b, 0x21};
static const uint8_t ACCOUNT_COUNTER[8] = {0xff, 0xb0, 0x04, 0xf5, 0xbc, 0xfd, 0x7c, 0x19};
static const uint8_t EVENT_INCREMENTED[8] = {0x5c, 0xcf, 0x77, 0xcc, 0x47, 0xcd, 0x6c, 0x0f};
#define COUNTER_SPACE (8 + 32 + 8)
#define ERROR_OVERFLOW 6000

static uint64_t initialize(const Instruction *ix, Account *a) {
  LOG("Instruction: Initialize");
  if (ix->num_accounts < 3) return ANCHOR_ERROR("AnchorError occurred. Error Code: AccountNotEnoughKeys. Error Number: 3005. Error Message: Not enough account keys given to the instruction.", ANCHOR_ACCOUNT_NOT_ENOUGH_KEYS);
  if (ix->data_len < 16) return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionDidNotDeserialize. Error Number: 102. Error Message: The program could not deserialize the given instruction.", ANCHOR_INSTRUCTION_DID_NOT_DESERIALIZE);
  uint64_t r = create_account(&a[1], &a[0], COUNTER_SPACE, ix->program_id, NULL, 0);
  if (r != 0) return r;
  uint8_t *d = a[0].data;
  for (int i = 0; i < 8; i++) d[i] = ACCOUNT_COUNTER[i];
  for (int i = 0; i < 32; i++) d[8 + i] = a[1].key[i];
  write_u64(d + 40, read_u64(ix->data + 8));
  return SUCCESS;
}

static uint64_t increment(const Instruction *ix, Account *a) {
  LOG("Instruction: Increment");
  if (ix->num_accounts < 2) return ANCHOR_ERROR("AnchorError occurred. Error Code: AccountNotEnoughKeys. Error Number: 3005. Error Message: Not enough account keys given to the instruction.", ANCHOR_ACCOUNT_NOT_ENOUGH_KEYS);
  Account *counter = &a[0];
  if (!key_eq(counter->owner, ix->program_id))
    return ANCHOR_ERROR("AnchorError caused by account: counter. Error Code: AccountOwnedByWrongProgram. Error Number: 3007. Error Message: The given account is owned by a different program than expected.", ANCHOR_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  if (counter->data_len < COUNTER_SPACE || !disc_eq(counter->data, ACCOUNT_COUNTER))
    return ANCHOR_ERROR("AnchorError caused by account: counter. Error Code: AccountDiscriminatorMismatch. Error Number: 3002. Error Message: 8 byte discriminator did not match what was expected.", ANCHOR_ACCOUNT_DISCRIMINATOR_MISMATCH);
  if (!counter->is_writable) return ANCHOR_ERROR("AnchorError caused by account: counter. Error Code: ConstraintMut. Error Number: 2000. Error Message: A mut constraint was violated.", ANCHOR_CONSTRAINT_MUT);
  if (!a[1].is_signer) return ANCHOR_ERROR("AnchorError caused by account: authority. Error Code: AccountNotSigner. Error Number: 3010. Error Message: The given account did not sign.", ANCHOR_ACCOUNT_NOT_SIGNER);
  if (!key_eq(counter->data + 8, a[1].key)) return ANCHOR_ERROR("AnchorError caused by account: counter. Error Code: ConstraintHasOne. Error Number: 2001. Error Message: A has one constraint was violated.", ANCHOR_CONSTRAINT_HAS_ONE);
  uint64_t count = read_u64(counter->data + 40);
  if (count == 0xffffffffffffffffUL) return ANCHOR_ERROR("AnchorError occurred. Error Code: Overflow. Error Number: 6000. Error Message: Counter overflow.", ERROR_OVERFLOW);
  write_u64(counter->data + 40, count + 1);
  uint8_t event[16];
  for (int i = 0; i < 8; i++) event[i] = EVENT_INCREMENTED[i];
  write_u64(event + 8, count + 1);
  SolBytes field = {event, sizeof(event)};
  sol_log_data(&field, 1);
  return SUCCESS;
}

uint64_t entrypoint(const uint8_t *input) {
  Account accounts[3];
  Instruction ix = parse_input(input, accounts, 3);
  if (ix.data_len < 8) return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionMissing. Error Number: 100. Error Message: 8 byte instruction identifier not provided.", ANCHOR_INSTRUCTION_MISSING);
  if (disc_eq(ix.data, IX_INITIALIZE)) return initialize(&ix, accounts);
  if (disc_eq(ix.data, IX_INCREMENT)) return increment(&ix, accounts);
  return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionFallbackNotFound. Error Number: 101. Error Message: Fallback functions are not supported.", ANCHOR_INSTRUCTION_FALLBACK_NOT_FOUND);
}
