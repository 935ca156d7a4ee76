/**
 * Sysvar getter syscalls (agave `syscalls/src/sysvar.rs`): each charges sysvar_base_cost plus the
 * size of the host struct and writes that struct, padding included, at r1.
 */
import { requireAligned, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { InstructionFailure } from '../runtime/errors.js';
import { SYSVAR_IN_MEMORY_SIZE } from '../runtime/sysvars.js';
import { MM_INPUT_START } from '../isa/constants.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';

/** The in-memory (repr(C)) images of the sysvars, as a program receives them. */
export interface SysvarImages {
  clock(): Uint8Array;
  rent(): Uint8Array;
  epochSchedule(): Uint8Array;
  epochRewards(): Uint8Array;
  lastRestartSlot(): Uint8Array;
}

/** Sysvar syscall options: `addressRestrictions` is SIMD-0459 (`syscall_parameter_address_restrictions`). */
export interface SysvarSyscallOptions {
  costs?: Readonly<ExecutionCosts>;
  addressRestrictions?: boolean;
}

/**
 * The checks every sysvar syscall makes before writing: loader-v1 programs (no alignment checks)
 * are refused outright, and with SIMD-0459 the destination must lie below the input region.
 */
function checkDestination(ctx: SyscallContext, out: bigint, addressRestrictions: boolean): void {
  if (ctx.checkAligned === false) throw new SyscallError('UnalignedPointer');
  if (addressRestrictions && out >= MM_INPUT_START) throw new SyscallError('InvalidPointer');
}

function getter(costs: Readonly<ExecutionCosts>, addressRestrictions: boolean, size: number, align: number, image: () => Uint8Array) {
  return (ctx: SyscallContext, out: bigint): bigint => {
    consumeChecked(ctx, costs.sysvarBaseCost + size);
    checkDestination(ctx, out, addressRestrictions);
    const dst = ctx.memory.slice(out, size, true);
    requireAligned(ctx, out, align);
    dst.set(image());
    return 0n;
  };
}

/** Registers the sysvar getters mainnet enables (the Fees getter is gone with `disable_fees_sysvar`). */
export function registerSysvarSyscalls(registry: SyscallRegistry, images: SysvarImages, options: SysvarSyscallOptions = {}): SyscallRegistry {
  const costs = options.costs ?? DEFAULT_EXECUTION_COSTS;
  const restricted = options.addressRestrictions ?? false;
  return registry
    .register(
      'sol_get_clock_sysvar',
      getter(costs, restricted, SYSVAR_IN_MEMORY_SIZE.clock, 8, () => images.clock()),
    )
    .register(
      'sol_get_rent_sysvar',
      getter(costs, restricted, SYSVAR_IN_MEMORY_SIZE.rent, 8, () => images.rent()),
    )
    .register(
      'sol_get_epoch_schedule_sysvar',
      getter(costs, restricted, SYSVAR_IN_MEMORY_SIZE.epochSchedule, 8, () => images.epochSchedule()),
    )
    .register(
      'sol_get_epoch_rewards_sysvar',
      getter(costs, restricted, SYSVAR_IN_MEMORY_SIZE.epochRewards, 16, () => images.epochRewards()),
    )
    .register(
      'sol_get_last_restart_slot',
      getter(costs, restricted, SYSVAR_IN_MEMORY_SIZE.lastRestartSlot, 8, () => images.lastRestartSlot()),
    );
}

const SYSVAR_NOT_FOUND = 2n;
const OFFSET_LENGTH_EXCEEDS_SYSVAR = 1n;

/**
 * Registers `sol_get_sysvar` (SIMD-0127): copies `length` bytes at `offset` of a sysvar's account
 * data; 0 on success, 1 when the range exceeds the data, 2 when the sysvar is not available.
 */
export function registerGetSysvarSyscall(
  registry: SyscallRegistry,
  sysvarData: (id: Uint8Array) => Uint8Array | undefined,
  options: SysvarSyscallOptions = {},
): SyscallRegistry {
  const costs = options.costs ?? DEFAULT_EXECUTION_COSTS;
  const restricted = options.addressRestrictions ?? false;
  return registry.register('sol_get_sysvar', (ctx, idAddr, out, offset, length) => {
    // Unlike elsewhere, Agave's divisions here fall back to 0 when cpi_bytes_per_unit is 0.
    const per = (bytes: bigint) => (costs.cpiBytesPerUnit === 0 ? 0 : Number(bytes / BigInt(costs.cpiBytesPerUnit)));
    consumeChecked(ctx, costs.sysvarBaseCost + per(32n) + Math.max(per(length), costs.memOpBaseCost));
    checkDestination(ctx, out, restricted);
    // The destination is translated (writable) before the id is read.
    const dst = ctx.memory.slice(out, length, true);
    const id = ctx.memory.slice(idAddr, 32, false);
    const end = offset + length;
    if (end > 0xffff_ffff_ffff_ffffn || out + length > 0xffff_ffff_ffff_ffffn) throw new InstructionFailure({ kind: 'ArithmeticOverflow' });
    const data = sysvarData(id);
    if (!data) return SYSVAR_NOT_FOUND;
    if (end > BigInt(data.length)) return OFFSET_LENGTH_EXCEEDS_SYSVAR;
    dst.set(data.subarray(Number(offset), Number(end)));
    return 0n;
  });
}
