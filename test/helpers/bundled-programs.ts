/** Real mainnet program ELFs, read at test time from LiteSVM's bundled programs (never committed). */
import { DEFAULT_PROGRAMS, programsFromLiteSvm, type ProgramElf } from '../../src/index.js';

export const BUNDLED = {
  splToken: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
  token2022: 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb',
  memoV1: 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo',
  memoV2: 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr',
  ata: 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
  addressLookupTable: 'AddressLookupTab1e1111111111111111111111111',
  stake: 'Stake11111111111111111111111111111111111111',
} as const;

/** The ELF of a program bundled with LiteSVM, and the loader LiteSVM deploys it with. */
export function bundledProgram(programId: string): ProgramElf {
  const program = DEFAULT_PROGRAMS.find((p) => p.programId === programId);
  const found = program && programsFromLiteSvm()?.(program);
  if (!found) throw new Error(`LiteSVM has no program ${programId}`);
  return found;
}

/** The ELF of a program bundled with LiteSVM. */
export function bundledElf(programId: string): Uint8Array {
  return bundledProgram(programId).elf;
}
