/**
 * Program-derived addresses (agave `syscalls/src/lib.rs` `SyscallCreateProgramAddress`,
 * `SyscallTryFindProgramAddress`; solana-pubkey `create_program_address`): sha256 of the seeds,
 * the program id and "ProgramDerivedAddress", valid only when it is not an ed25519 point.
 */
import { compileEdwardsYAhead, isEdwardsY } from '../crypto/edwards-y.js';
import { compileSha256Ahead, sha256 } from '../crypto/sha256.js';
import { requireAligned, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';
import { WebsvmError } from '../errors.js';
import { VM_SLICE_BYTES, VmSlices } from '../runtime/abi-layouts.js';

/** At most this many seeds, each at most this many bytes (solana-pubkey `MAX_SEEDS`, `MAX_SEED_LEN`). */
export const MAX_SEEDS = 16;
export const MAX_SEED_LEN = 32;
/** The suffix hashed after the seeds and the program id. */
export const PDA_MARKER = new TextEncoder().encode('ProgramDerivedAddress');
const SEEDS_TOO_LONG = 'Could not create program address with signer seeds: Length of the seed is too long for address generation';

/** Whether 32 bytes decompress to a point of the ed25519 curve (as curve25519-dalek decides it). */
export const isOnCurve: (bytes: Uint8Array) => boolean = isEdwardsY;

/**
 * The curve check of recent hashes, direct-mapped by their first bytes (a sha256 output is uniform):
 * the check costs ~4 µs, three times the hash, and programs derive the same addresses again and
 * again — a PDA checked in every transaction, a bump found and then signed with in the same one.
 */
const CURVE_SLOTS = 1024;
const curveHashes = new Uint8Array(32 * CURVE_SLOTS);
/** Per slot: 0 empty, 1 on the curve, 2 off it. */
const curveAnswers = new Uint8Array(CURVE_SLOTS);

/** {@link isOnCurve} of a hash, remembered. */
function hashOnCurve(hash: Uint8Array): boolean {
  const slot = (hash[0]! | (hash[1]! << 8)) & (CURVE_SLOTS - 1);
  const at = slot * 32;
  if (curveAnswers[slot] !== 0) {
    let i = 0;
    while (i < 32 && curveHashes[at + i] === hash[i]) i++;
    if (i === 32) return curveAnswers[slot] === 1;
  }
  const onCurve = isOnCurve(hash);
  curveHashes.set(hash, at);
  curveAnswers[slot] = onCurve ? 1 : 2;
  return onCurve;
}

/** `Pubkey::create_program_address`: the address, or undefined when the seeds are invalid. */
export function createProgramAddress(seeds: readonly Uint8Array[], programId: Uint8Array): Uint8Array | undefined {
  if (seeds.length > MAX_SEEDS || seeds.some((s) => s.length > MAX_SEED_LEN)) return undefined;
  const address = sha256(...seeds, programId, PDA_MARKER);
  return hashOnCurve(address) ? undefined : address;
}

const MAX_SEEDS_BIG = BigInt(MAX_SEEDS);
const MAX_SEED_LEN_BIG = BigInt(MAX_SEED_LEN);

/**
 * `translate_and_check_program_address_inputs`. Views of the guest's memory, not copies: they are
 * hashed before the syscall writes anything.
 */
function seedsAndProgramId(ctx: SyscallContext, seedsAddr: bigint, count: bigint, programIdAddr: bigint): { seeds: Uint8Array[]; programId: Uint8Array } {
  const table = new VmSlices(ctx.memory.view, ctx.memory.sliceAt(seedsAddr, count * BigInt(VM_SLICE_BYTES), false));
  if (count > 0n) requireAligned(ctx, seedsAddr, 8);
  if (count > MAX_SEEDS_BIG) throw new SyscallError('BadSeeds', SEEDS_TOO_LONG);
  const n = Number(count);
  const seeds: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const len = table.len(i);
    if (len > MAX_SEED_LEN_BIG) throw new SyscallError('BadSeeds', SEEDS_TOO_LONG);
    seeds.push(ctx.memory.slice(table.addr(i), len, false));
  }
  return { seeds, programId: ctx.memory.slice(programIdAddr, 32, false) };
}

/** Registers `sol_create_program_address` and `sol_try_find_program_address`. */
export function registerPdaSyscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  // Nearly every test derives an address; its modules compile meanwhile, off the main thread.
  compileSha256Ahead();
  compileEdwardsYAhead();
  return registry
    .register('sol_create_program_address', (ctx, seedsAddr, count, programIdAddr, out) => {
      consumeChecked(ctx, costs.createProgramAddressUnits);
      const { seeds, programId } = seedsAndProgramId(ctx, seedsAddr, count, programIdAddr);
      const address = createProgramAddress(seeds, programId);
      if (!address) return 1n;
      ctx.memory.slice(out, 32, true).set(address);
      return 0n;
    })
    .register('sol_try_find_program_address', (ctx, seedsAddr, count, programIdAddr, out, bumpOut) => {
      consumeChecked(ctx, costs.createProgramAddressUnits);
      const { seeds, programId } = seedsAndProgramId(ctx, seedsAddr, count, programIdAddr);
      // Bumps 255 down to 1; each failed attempt costs another charge.
      for (let bump = 255; bump > 0; bump--) {
        const address = createProgramAddress([...seeds, Uint8Array.of(bump)], programId);
        if (address) {
          const bumpRef = ctx.memory.slice(bumpOut, 1, true);
          const addressRef = ctx.memory.slice(out, 32, true);
          const apart = bumpOut > out ? bumpOut - out >= 32n : out - bumpOut >= 1n;
          if (!apart) throw new SyscallError('CopyOverlapping');
          bumpRef[0] = bump;
          addressRef.set(address);
          return 0n;
        }
        consumeChecked(ctx, costs.createProgramAddressUnits);
      }
      return 1n;
    });
}

/** `find_program_address`: bumps 255 down to 1, the first address off the curve. */
export function findProgramAddress(seeds: readonly Uint8Array[], programId: Uint8Array): [Uint8Array, number] {
  for (let bump = 255; bump > 0; bump--) {
    const address = createProgramAddress([...seeds, Uint8Array.of(bump)], programId);
    if (address) return [address, bump];
  }
  // Agave's `find_program_address` panics with this text; seeds too long or too many reach it.
  throw new WebsvmError('NoViableBumpSeed', 'Unable to find a viable program address bump seed', { seeds, programId });
}
