/**
 * Seeded random syscall invocations: a tiny program sets r1..r5 to addresses in every region (at
 * starts, near ends, across stack-frame gaps, unaligned), small and huge lengths, then calls one
 * syscall. Result, logs (so the exact access-violation, alignment and length errors) and compute
 * units must equal LiteSVM's. Longer runs of this generator found the sysvar-getter pointer rules
 * of SIMD-0459, translation orders (secp256k1_recover, memcmp, sol_get_sysvar) and the
 * `InvalidLength` of oversized slices; `FUZZ_SYSCALL_RUNS=n` runs n seeds.
 */
import { describe, it } from 'vitest';
import { generateKeyPairSigner } from '@solana/kit';
import { assembleToElf } from '../../src/index.js';
import { deployBoth, Dual, meta } from '../helpers/dual.js';

const SYSCALLS = [
  'sol_log_',
  'sol_log_64_',
  'sol_log_pubkey',
  'sol_log_data',
  'sol_log_compute_units_',
  'sol_sha256',
  'sol_keccak256',
  'sol_blake3',
  'sol_memcpy_',
  'sol_memmove_',
  'sol_memset_',
  'sol_memcmp_',
  'sol_create_program_address',
  'sol_try_find_program_address',
  'sol_get_clock_sysvar',
  'sol_get_rent_sysvar',
  'sol_get_epoch_schedule_sysvar',
  'sol_get_epoch_rewards_sysvar',
  'sol_get_last_restart_slot',
  'sol_set_return_data',
  'sol_get_return_data',
  'sol_get_stack_height',
  'sol_get_processed_sibling_instruction',
  'sol_secp256k1_recover',
  'sol_curve_validate_point',
  'sol_curve_group_op',
  'sol_curve_multiscalar_mul',
  'sol_alt_bn128_group_op',
  'sol_alt_bn128_compression',
  'sol_poseidon',
  'sol_get_sysvar',
  'sol_get_epoch_stake',
  'sol_invoke_signed_c',
  'sol_invoke_signed_rust',
  'sol_panic_',
  'abort',
];

async function fuzz(count: number, seed: number): Promise<void> {
  const int = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * n);
  const bases = [0x1_0000_0000n, 0x2_0000_0000n, 0x3_0000_0000n, 0x4_0000_0000n];
  const value = (): bigint => {
    switch (int(7)) {
      case 0:
        return bases[int(4)] + BigInt(int(64));
      case 1:
        return bases[int(4)] + BigInt(int(40_000));
      case 2:
        return 0x4_0000_0000n + BigInt(int(200));
      case 3:
        return BigInt(int(130));
      case 4:
        return [0n, 1n, 32n, 64n, 0xffff_ffffn, 0xffff_ffff_ffff_ffffn, 0x2_0000_1000n - 8n, 0x3_0000_8000n - 16n][int(8)];
      case 5:
        return 0x2_0000_0000n + 4096n * BigInt(int(3)) - BigInt(int(64));
      default:
        return BigInt(int(16));
    }
  };
  const d = await Dual.create();
  const account = (await generateKeyPairSigner()).address;
  for (let n = 0; n < count; n++) {
    const lines: string[] = [];
    // Some non-zero bytes on the stack, so pointers there see data.
    for (let k = 0; k < 4; k++) lines.push(`lddw r6, ${value()}`, `stxdw [r10-${8 * (k + 1)}], r6`);
    for (let r = 1; r <= 5; r++) lines.push(`lddw r${r}, ${value()}`);
    lines.push(`syscall ${SYSCALLS[int(SYSCALLS.length)]}`, 'exit');
    const program = await deployBoth(d, assembleToElf(lines.join('\n'), { sbpfVersion: 0 }));
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    const data = Uint8Array.from({ length: int(40) }, () => int(256));
    await d.expectSame([{ programAddress: program, accounts: [meta(account, false)], data }]);
  }
}

const RUNS = Number(process.env.FUZZ_SYSCALL_RUNS ?? 1);

describe('random syscall invocations: websvm vs LiteSVM', () => {
  it('400 programs, one syscall each, with arguments pointing everywhere', async () => {
    for (let r = 0; r < RUNS; r++) await fuzz(400, 505 + 7919 * r);
  }, 600_000);
});
