/*
 * vault — an Anchor-style SOL vault in C: a PDA holds an owner's lamports.
 *   initialize()         accounts: owner (writable, signer), vault_state (writable, PDA ["state", owner]),
 *                        vault (PDA ["vault", vault_state]), system_program
 *   deposit(amount: u64) accounts: owner (writable, signer), vault_state, vault (writable), system_program
 *   withdraw(amount: u64) same accounts; the vault PDA signs the System transfer back to the owner
 * Account VaultState { owner: Pubkey, state_bump: u8, vault_bump: u8 }; errors: 6000 Unauthorized.
 */
#include "../../include/anchor.h"

static const uint8_t IX_INITIALIZE[8] = {175, 175, 109, 31, 13, 152, 155, 237};
static const uint8_t IX_DEPOSIT[8] = {242, 35, 198, 137, 82, 225, 242, 182};
static const uint8_t IX_WITHDRAW[8] = {183, 18, 70, 156, 148, 109, 161, 34};
static const uint8_t ACCOUNT_VAULT_STATE[8] = {228, 196, 82, 165, 98, 210, 235, 152};
#define STATE_SPACE (8 + 32 + 1 + 1)
#define ERROR_UNAUTHORIZED 6000

#define SEEDS_ERROR(account) ANCHOR_ERROR("AnchorError caused by account: " account ". Error Code: ConstraintSeeds. Error Number: 2006. Error Message: A seeds constraint was violated.", ANCHOR_CONSTRAINT_SEEDS)

static uint64_t initialize(const Instruction *ix, Account *a) {
  LOG("Instruction: Initialize");
  Account *owner = &a[0], *state = &a[1], *vault = &a[2];
  uint8_t state_bump, vault_bump;
  if (!pda_matches("state", 5, owner->key, ix->program_id, state->key, &state_bump)) return SEEDS_ERROR("vault_state");
  if (!pda_matches("vault", 5, state->key, ix->program_id, vault->key, &vault_bump)) return SEEDS_ERROR("vault");
  SolSignerSeed seed[3] = {{(const uint8_t *)"state", 5}, {owner->key, 32}, {&state_bump, 1}};
  SolSignerSeeds signer = {seed, 3};
  uint64_t r = create_account(owner, state, STATE_SPACE, ix->program_id, &signer, 1);
  if (r != 0) return r;
  uint8_t *d = state->data;
  for (int i = 0; i < 8; i++) d[i] = ACCOUNT_VAULT_STATE[i];
  for (int i = 0; i < 32; i++) d[8 + i] = owner->key[i];
  d[40] = state_bump;
  d[41] = vault_bump;
  return SUCCESS;
}

/* Checks shared by deposit and withdraw: the state account and the vault PDA belong to the owner. */
static uint64_t check_accounts(const Instruction *ix, Account *a) {
  Account *owner = &a[0], *state = &a[1], *vault = &a[2];
  if (!owner->is_signer) return ANCHOR_ERROR("AnchorError caused by account: owner. Error Code: AccountNotSigner. Error Number: 3010. Error Message: The given account did not sign.", ANCHOR_ACCOUNT_NOT_SIGNER);
  if (!key_eq(state->owner, ix->program_id))
    return ANCHOR_ERROR("AnchorError caused by account: vault_state. Error Code: AccountOwnedByWrongProgram. Error Number: 3007. Error Message: The given account is owned by a different program than expected.", ANCHOR_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  if (state->data_len < STATE_SPACE || !disc_eq(state->data, ACCOUNT_VAULT_STATE))
    return ANCHOR_ERROR("AnchorError caused by account: vault_state. Error Code: AccountDiscriminatorMismatch. Error Number: 3002. Error Message: 8 byte discriminator did not match what was expected.", ANCHOR_ACCOUNT_DISCRIMINATOR_MISMATCH);
  if (!key_eq(state->data + 8, owner->key)) return ANCHOR_ERROR("AnchorError occurred. Error Code: Unauthorized. Error Number: 6000. Error Message: Only the vault's owner may do this.", ERROR_UNAUTHORIZED);
  uint8_t bump = state->data[41];
  SolBytes seeds[3] = {{(const uint8_t *)"vault", 5}, {state->key, 32}, {&bump, 1}};
  uint8_t address[32];
  if (sol_create_program_address(seeds, 3, ix->program_id, address) != 0 || !key_eq(address, vault->key)) return SEEDS_ERROR("vault");
  if (ix->data_len < 16) return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionDidNotDeserialize. Error Number: 102. Error Message: The program could not deserialize the given instruction.", ANCHOR_INSTRUCTION_DID_NOT_DESERIALIZE);
  return SUCCESS;
}

static uint64_t deposit(const Instruction *ix, Account *a) {
  LOG("Instruction: Deposit");
  uint64_t r = check_accounts(ix, a);
  if (r != 0) return r;
  return system_transfer(&a[0], &a[2], read_u64(ix->data + 8), NULL, 0);
}

static uint64_t withdraw(const Instruction *ix, Account *a) {
  LOG("Instruction: Withdraw");
  uint64_t r = check_accounts(ix, a);
  if (r != 0) return r;
  uint8_t bump = a[1].data[41];
  SolSignerSeed seed[3] = {{(const uint8_t *)"vault", 5}, {a[1].key, 32}, {&bump, 1}};
  SolSignerSeeds signer = {seed, 3};
  return system_transfer(&a[2], &a[0], read_u64(ix->data + 8), &signer, 1);
}

uint64_t entrypoint(const uint8_t *input) {
  Account accounts[4];
  Instruction ix = parse_input(input, accounts, 4);
  if (ix.data_len < 8) return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionMissing. Error Number: 100. Error Message: 8 byte instruction identifier not provided.", ANCHOR_INSTRUCTION_MISSING);
  if (ix.num_accounts < 4) return ANCHOR_ERROR("AnchorError occurred. Error Code: AccountNotEnoughKeys. Error Number: 3005. Error Message: Not enough account keys given to the instruction.", ANCHOR_ACCOUNT_NOT_ENOUGH_KEYS);
  if (disc_eq(ix.data, IX_INITIALIZE)) return initialize(&ix, accounts);
  if (disc_eq(ix.data, IX_DEPOSIT)) return deposit(&ix, accounts);
  if (disc_eq(ix.data, IX_WITHDRAW)) return withdraw(&ix, accounts);
  return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionFallbackNotFound. Error Number: 101. Error Message: Fallback functions are not supported.", ANCHOR_INSTRUCTION_FALLBACK_NOT_FOUND);
}
