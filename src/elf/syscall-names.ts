import { hashSymbolName } from './murmur3.js';

/** Names of the syscalls Agave registers for programs (SBPF_SEMANTICS §9). */
export const SOLANA_SYSCALL_NAMES: readonly string[] = [
  'abort',
  'sol_panic_',
  'sol_log_',
  'sol_log_64_',
  'sol_log_pubkey',
  'sol_log_compute_units_',
  'sol_log_data',
  'sol_create_program_address',
  'sol_try_find_program_address',
  'sol_sha256',
  'sol_keccak256',
  'sol_blake3',
  'sol_secp256k1_recover',
  'sol_curve_validate_point',
  'sol_curve_group_op',
  'sol_curve_multiscalar_mul',
  'sol_curve_decompress',
  'sol_curve_pairing_map',
  'sol_get_clock_sysvar',
  'sol_get_rent_sysvar',
  'sol_get_epoch_schedule_sysvar',
  'sol_get_epoch_rewards_sysvar',
  'sol_get_fees_sysvar',
  'sol_get_last_restart_slot',
  'sol_get_sysvar',
  'sol_memcpy_',
  'sol_memmove_',
  'sol_memset_',
  'sol_memcmp_',
  'sol_set_return_data',
  'sol_get_return_data',
  'sol_get_processed_sibling_instruction',
  'sol_get_stack_height',
  'sol_remaining_compute_units',
  'sol_invoke_signed_c',
  'sol_invoke_signed_rust',
  'sol_alloc_free_',
  'sol_alt_bn128_group_op',
  'sol_alt_bn128_compression',
  'sol_big_mod_exp',
  'sol_poseidon',
  'sol_get_epoch_stake',
];

let byHash: Map<number, string> | undefined;

/** The name of the Agave syscall whose murmur3 hash is `hash`, if one has it. */
export function syscallNameByHash(hash: number): string | undefined {
  byHash ??= new Map(SOLANA_SYSCALL_NAMES.map((name) => [hashSymbolName(name), name]));
  return byHash.get(hash >>> 0);
}
