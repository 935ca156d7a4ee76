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

export { PROGRAMDATA_METADATA_SIZE } from './loader-state.js';
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

/**
 * Loads and verifies an ELF (throws typed errors). `deployment` applies the checks of a new
 * deployment (`reject_broken_elfs`: every called syscall must be one of `syscalls`, and
 * `sol_alloc_free_` is not available); without it the program loads as an existing one would.
 */
/** An ELF loaded as an existing program is (no deployment checks), not verified yet. */
export const loadExistingProgram = (elf: Uint8Array): Executable => loadElf(elf, { sbpfVersions: [0, 3] });

export function loadProgram(elf: Uint8Array, deployment?: { syscalls: readonly string[] }): Executable {
  const exe =
    deployment === undefined
      ? loadExistingProgram(elf)
      : loadElf(elf, { sbpfVersions: [0, 3], deployment: true, syscalls: deployment.syscalls.filter((name) => name !== 'sol_alloc_free_') });
  // The verifier's result is a function of the loaded program alone: LiteSVM's default programs
  // passed it when litesvm-release.ts was written, and a test runs it on them again.
  if (deployment !== undefined || !verifiedElfs().has(exe.contentHash)) verify(exe);
  return exe;
}

let verified: ReadonlySet<string> | undefined;
const verifiedElfs = () => (verified ??= new Set(VERIFIED_DEFAULT_ELFS));
