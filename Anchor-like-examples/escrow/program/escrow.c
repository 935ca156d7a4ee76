/*
 * escrow — an Anchor-style token escrow in C, with CPIs to SPL Token.
 *   make(receive: u64, amount: u64)
 *     accounts: maker (writable, signer), escrow (writable, PDA ["escrow", maker]), mint_a, mint_b,
 *               maker_ata_a (writable), vault (writable; a mint_a token account owned by the escrow
 *               PDA), token_program, system_program
 *     creates the escrow state and moves `amount` of mint A from the maker into the vault
 *   take()
 *     accounts: taker (writable, signer), maker (writable), escrow (writable), taker_ata_a (writable),
 *               taker_ata_b (writable), maker_ata_b (writable), vault (writable), token_program
 *     pays `receive` of mint B to the maker, releases the vault to the taker (the escrow PDA signs),
 *     and closes the escrow account to the maker
 * Account Escrow { maker: Pubkey, mint_a: Pubkey, mint_b: Pubkey, receive: u64, bump: u8 };
 * errors: 6000 WrongMint ("Token account of the wrong mint").
 */
#include "../../include/anchor.h"

static const uint8_t IX_MAKE[8] = {138, 227, 232, 77, 223, 166, 96, 197};
static const uint8_t IX_TAKE[8] = {149, 226, 52, 104, 6, 142, 230, 39};
static const uint8_t ACCOUNT_ESCROW[8] = {31, 213, 123, 187, 186, 22, 218, 155};
#define ESCROW_SPACE (8 + 32 + 32 + 32 + 8 + 1)
#define ERROR_WRONG_MINT 6000
#define TOKEN_AMOUNT_OFFSET 64

#define WRONG_MINT_ERROR ANCHOR_ERROR("AnchorError occurred. Error Code: WrongMint. Error Number: 6000. Error Message: Token account of the wrong mint.", ERROR_WRONG_MINT)

static uint64_t make(const Instruction *ix, Account *a) {
  LOG("Instruction: Make");
  Account *maker = &a[0], *escrow = &a[1], *mint_a = &a[2], *mint_b = &a[3], *maker_ata_a = &a[4], *vault = &a[5], *token = &a[6];
  if (ix->num_accounts < 8) return ANCHOR_ERROR("AnchorError occurred. Error Code: AccountNotEnoughKeys. Error Number: 3005. Error Message: Not enough account keys given to the instruction.", ANCHOR_ACCOUNT_NOT_ENOUGH_KEYS);
  if (ix->data_len < 24) return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionDidNotDeserialize. Error Number: 102. Error Message: The program could not deserialize the given instruction.", ANCHOR_INSTRUCTION_DID_NOT_DESERIALIZE);
  uint8_t bump;
  if (!pda_matches("escrow", 6, maker->key, ix->program_id, escrow->key, &bump))
    return ANCHOR_ERROR("AnchorError caused by account: escrow. Error Code: ConstraintSeeds. Error Number: 2006. Error Message: A seeds constraint was violated.", ANCHOR_CONSTRAINT_SEEDS);
  if (!key_eq(maker_ata_a->data, mint_a->key) || !key_eq(vault->data, mint_a->key)) return WRONG_MINT_ERROR;
  SolSignerSeed seed[3] = {{(const uint8_t *)"escrow", 6}, {maker->key, 32}, {&bump, 1}};
  SolSignerSeeds signer = {seed, 3};
  uint64_t r = create_account(maker, escrow, ESCROW_SPACE, ix->program_id, &signer, 1);
  if (r != 0) return r;
  uint8_t *d = escrow->data;
  for (int i = 0; i < 8; i++) d[i] = ACCOUNT_ESCROW[i];
  for (int i = 0; i < 32; i++) {
    d[8 + i] = maker->key[i];
    d[40 + i] = mint_a->key[i];
    d[72 + i] = mint_b->key[i];
  }
  write_u64(d + 104, read_u64(ix->data + 8));
  d[112] = bump;
  return token_transfer(token, maker_ata_a, vault, maker, read_u64(ix->data + 16), NULL, 0);
}

static uint64_t take(const Instruction *ix, Account *a) {
  LOG("Instruction: Take");
  Account *taker = &a[0], *maker = &a[1], *escrow = &a[2], *taker_ata_a = &a[3], *taker_ata_b = &a[4], *maker_ata_b = &a[5], *vault = &a[6], *token = &a[7];
  if (ix->num_accounts < 8) return ANCHOR_ERROR("AnchorError occurred. Error Code: AccountNotEnoughKeys. Error Number: 3005. Error Message: Not enough account keys given to the instruction.", ANCHOR_ACCOUNT_NOT_ENOUGH_KEYS);
  if (!key_eq(escrow->owner, ix->program_id))
    return ANCHOR_ERROR("AnchorError caused by account: escrow. Error Code: AccountOwnedByWrongProgram. Error Number: 3007. Error Message: The given account is owned by a different program than expected.", ANCHOR_ACCOUNT_OWNED_BY_WRONG_PROGRAM);
  const uint8_t *d = escrow->data;
  if (escrow->data_len < ESCROW_SPACE || !disc_eq(d, ACCOUNT_ESCROW))
    return ANCHOR_ERROR("AnchorError caused by account: escrow. Error Code: AccountDiscriminatorMismatch. Error Number: 3002. Error Message: 8 byte discriminator did not match what was expected.", ANCHOR_ACCOUNT_DISCRIMINATOR_MISMATCH);
  if (!key_eq(d + 8, maker->key)) return ANCHOR_ERROR("AnchorError caused by account: escrow. Error Code: ConstraintHasOne. Error Number: 2001. Error Message: A has one constraint was violated.", ANCHOR_CONSTRAINT_HAS_ONE);
  if (!key_eq(taker_ata_b->data, d + 72) || !key_eq(maker_ata_b->data, d + 72) || !key_eq(taker_ata_a->data, d + 40)) return WRONG_MINT_ERROR;
  uint64_t r = token_transfer(token, taker_ata_b, maker_ata_b, taker, read_u64(d + 104), NULL, 0);
  if (r != 0) return r;
  uint8_t bump = d[112];
  SolSignerSeed seed[3] = {{(const uint8_t *)"escrow", 6}, {maker->key, 32}, {&bump, 1}};
  SolSignerSeeds signer = {seed, 3};
  r = token_transfer(token, vault, taker_ata_a, escrow, read_u64(vault->data + TOKEN_AMOUNT_OFFSET), &signer, 1);
  if (r != 0) return r;
  /* close = maker: the rent goes back to the maker and the account is emptied. */
  *maker->lamports += *escrow->lamports;
  *escrow->lamports = 0;
  for (uint64_t i = 0; i < escrow->data_len; i++) escrow->data[i] = 0;
  *serialized_len(escrow) = 0;
  return SUCCESS;
}

uint64_t entrypoint(const uint8_t *input) {
  Account accounts[8];
  Instruction ix = parse_input(input, accounts, 8);
  if (ix.data_len < 8) return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionMissing. Error Number: 100. Error Message: 8 byte instruction identifier not provided.", ANCHOR_INSTRUCTION_MISSING);
  if (disc_eq(ix.data, IX_MAKE)) return make(&ix, accounts);
  if (disc_eq(ix.data, IX_TAKE)) return take(&ix, accounts);
  return ANCHOR_ERROR("AnchorError occurred. Error Code: InstructionFallbackNotFound. Error Number: 101. Error Message: Fallback functions are not supported.", ANCHOR_INSTRUCTION_FALLBACK_NOT_FOUND);
}
