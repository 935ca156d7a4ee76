/**
 * Program-derived addresses (agave `syscalls/src/lib.rs` `SyscallCreateProgramAddress`,
 * `SyscallTryFindProgramAddress`; solana-pubkey `create_program_address`): sha256 of the seeds,
 * the program id and "ProgramDerivedAddress", valid only when it is not an ed25519 point.
 */
import { compileEdwardsYAhead, isEdwardsY } from '../crypto/edwards-y.js';
import { compileSha256Ahead, sha256Hasher } from '../crypto/sha256.js';
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

/** The candidate address each derivation hashes into (a valid one is copied out). */
const candidate = new Uint8Array(32);
const bumpByte = new Uint8Array(1);

/**
 * Ends a derivation whose seeds the hasher has taken: hashes the program id (`source[from, to)`)
 * and the marker into {@link candidate}; whether that is a valid address (off the curve).
 */
function candidateValid(source: Uint8Array, from: number, to: number): boolean {
  sha256Hasher.update(source, from, to);
  sha256Hasher.update(PDA_MARKER, 0, PDA_MARKER.length);
  sha256Hasher.finishInto(candidate, 0);
  return !hashOnCurve(candidate);
}

/** `Pubkey::create_program_address`: the address, or undefined when the seeds are invalid. */
export function createProgramAddress(seeds: readonly Uint8Array[], programId: Uint8Array): Uint8Array | undefined {
  if (seeds.length > MAX_SEEDS) return undefined;
  for (let i = 0; i < seeds.length; i++) if (seeds[i]!.length > MAX_SEED_LEN) return undefined;
  sha256Hasher.start();
  for (let i = 0; i < seeds.length; i++) sha256Hasher.update(seeds[i]!, 0, seeds[i]!.length);
  return candidateValid(programId, 0, programId.length) ? candidate.slice() : undefined;
}

const MAX_SEEDS_BIG = BigInt(MAX_SEEDS);
const MAX_SEED_LEN_BIG = BigInt(MAX_SEED_LEN);

/**
 * The seeds of the syscall being served, as host offsets into the memory map's bytes (-1 for an
 * empty seed) and lengths: a derivation hashes them where they lie, with no views or arrays per
 * candidate (the syscalls never run inside one another).
 */
const seedAt = new Int32Array(MAX_SEEDS);
const seedLength = new Int32Array(MAX_SEEDS);

/**
 * `translate_and_check_program_address_inputs`, the seeds into {@link seedAt} and
 * {@link seedLength}: their count, and the program id's host offset. Nothing is copied: the bytes
 * are hashed before the syscall writes anything.
 */
function translateInputs(ctx: SyscallContext, seedsAddr: bigint, count: bigint, programIdAddr: bigint): { count: number; programIdAt: number } {
  const memory = ctx.memory;
  const table = new VmSlices(memory.view, memory.sliceAt(seedsAddr, count * BigInt(VM_SLICE_BYTES), false));
  if (count > 0n) requireAligned(ctx, seedsAddr, 8);
  if (count > MAX_SEEDS_BIG) throw new SyscallError('BadSeeds', SEEDS_TOO_LONG);
  const n = Number(count);
  for (let i = 0; i < n; i++) {
    const len = table.len(i);
    if (len > MAX_SEED_LEN_BIG) throw new SyscallError('BadSeeds', SEEDS_TOO_LONG);
    seedAt[i] = memory.sliceAt(table.addr(i), len, false);
    seedLength[i] = Number(len);
  }
  return { count: n, programIdAt: memory.sliceAt(programIdAddr, 32, false) };
}

/**
 * Derives from the translated seeds in `bytes` (then `bump`, unless negative) and the program id
 * at `programIdAt` into {@link candidate}; whether it is valid.
 */
function candidateFromMemory(bytes: Uint8Array, count: number, bump: number, programIdAt: number): boolean {
  sha256Hasher.start();
  for (let i = 0; i < count; i++) if (seedAt[i]! >= 0) sha256Hasher.update(bytes, seedAt[i]!, seedAt[i]! + seedLength[i]!);
  if (bump >= 0) {
    bumpByte[0] = bump;
    sha256Hasher.update(bumpByte, 0, 1);
  }
  return candidateValid(bytes, programIdAt, programIdAt + 32);
}

/** Registers `sol_create_program_address` and `sol_try_find_program_address`. */
export function registerPdaSyscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  // Nearly every test derives an address; its modules compile meanwhile, off the main thread.
  compileSha256Ahead();
  compileEdwardsYAhead();
  return registry
    .register('sol_create_program_address', (ctx, seedsAddr, count, programIdAddr, out) => {
      consumeChecked(ctx, costs.createProgramAddressUnits);
      const inputs = translateInputs(ctx, seedsAddr, count, programIdAddr);
      const memory = ctx.memory;
      if (!candidateFromMemory(memory.bytes, inputs.count, -1, inputs.programIdAt)) return 1n;
      memory.bytes.set(candidate, memory.sliceAt(out, 32, true));
      return 0n;
    })
    .register('sol_try_find_program_address', (ctx, seedsAddr, count, programIdAddr, out, bumpOut) => {
      consumeChecked(ctx, costs.createProgramAddressUnits);
      const inputs = translateInputs(ctx, seedsAddr, count, programIdAddr);
      const memory = ctx.memory;
      // With the bump, one seed more: sixteen seeds leave no candidate valid.
      const tooMany = inputs.count + 1 > MAX_SEEDS;
      // Bumps 255 down to 1; each failed attempt costs another charge.
      for (let bump = 255; bump > 0; bump--) {
        if (!tooMany && candidateFromMemory(memory.bytes, inputs.count, bump, inputs.programIdAt)) {
          const bumpAt = memory.sliceAt(bumpOut, 1, true);
          const addressAt = memory.sliceAt(out, 32, true);
          const apart = bumpOut > out ? bumpOut - out >= 32n : out - bumpOut >= 1n;
          if (!apart) throw new SyscallError('CopyOverlapping');
          memory.bytes[bumpAt] = bump;
          memory.bytes.set(candidate, addressAt);
          return 0n;
        }
        consumeChecked(ctx, costs.createProgramAddressUnits);
      }
      return 1n;
    });
}

/** `find_program_address`: bumps 255 down to 1, the first address off the curve. */
export function findProgramAddress(seeds: readonly Uint8Array[], programId: Uint8Array): [Uint8Array, number] {
  const withBump = [...seeds, bumpByte];
  for (let bump = 255; bump > 0; bump--) {
    bumpByte[0] = bump;
    const address = createProgramAddress(withBump, programId);
    if (address) return [address, bump];
  }
  // Agave's `find_program_address` panics with this text; seeds too long or too many reach it.
  throw new WebsvmError('NoViableBumpSeed', 'Unable to find a viable program address bump seed', { seeds, programId });
}
