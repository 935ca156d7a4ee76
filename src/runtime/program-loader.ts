/**
 * Turns a program account into an executable for the program cache: where each loader keeps the
 * ELF (v1/v2: the account itself; v3: the programdata account after its 45-byte header; v4: after
 * its 48-byte header), then loading and verification with mainnet's sBPF versions (V0–V3).
 */
import { loadElf } from '../elf/loader.js';
import { verify } from '../verifier/index.js';
import type { Executable } from '../executable.js';
import type { Account } from './accounts.js';
import { BPF_LOADER, BPF_LOADER_DEPRECATED, BPF_LOADER_UPGRADEABLE, LOADER_V4 } from './ids.js';
import { PROGRAMDATA_METADATA_SIZE, programDataAddress } from './loader-state.js';
import { VERIFIED_DEFAULT_ELFS } from './litesvm-release.js';

/** Bytes before the ELF in a loader-v4 program account. */
export const LOADER_V4_METADATA_SIZE = 48;

/** The ELF bytes of a program account, or undefined when the account holds none. */
export function programElf(account: Account, lookup: (address: string) => Account | undefined): Uint8Array | undefined {
  switch (account.owner) {
    case BPF_LOADER:
    case BPF_LOADER_DEPRECATED:
      return account.data;
    case BPF_LOADER_UPGRADEABLE: {
      const address = programDataAddress(account.data);
      const programData = address === undefined ? undefined : lookup(address);
      if (!programData || programData.data.length < PROGRAMDATA_METADATA_SIZE) return undefined;
      return programData.data.subarray(PROGRAMDATA_METADATA_SIZE);
    }
    case LOADER_V4:
      return account.data.length < LOADER_V4_METADATA_SIZE ? undefined : account.data.subarray(LOADER_V4_METADATA_SIZE);
    default:
      return undefined;
  }
}

/** The sBPF versions mainnet loads (V0–V3). */
const SBPF_VERSIONS: [min: number, max: number] = [0, 3];

/** An ELF loaded as an existing program (without a new deployment's checks), not verified yet. */
export const loadExistingProgram = (elf: Uint8Array): Executable => loadElf(elf, { sbpfVersions: SBPF_VERSIONS });

/**
 * SHA-256 of LiteSVM's default ELFs, which passed the verifier when litesvm-release.ts was written
 * (and pass it again in its test): the verifier's result is a function of the loaded program alone.
 */
const VERIFIED = new Set(VERIFIED_DEFAULT_ELFS);

/**
 * Loads and verifies an ELF (throws typed errors). `deployment` applies the checks of a new
 * deployment (`reject_broken_elfs`: every called syscall must be one of `syscalls`, and
 * `sol_alloc_free_` is not available); without it the program loads as an existing one would.
 */
export function loadProgram(elf: Uint8Array, deployment?: { syscalls: readonly string[] }): Executable {
  if (deployment === undefined) {
    const exe = loadExistingProgram(elf);
    if (!VERIFIED.has(exe.contentHash)) verify(exe);
    return exe;
  }
  const exe = loadElf(elf, { sbpfVersions: SBPF_VERSIONS, deployment: true, syscalls: deployment.syscalls.filter((name) => name !== 'sol_alloc_free_') });
  verify(exe);
  return exe;
}
