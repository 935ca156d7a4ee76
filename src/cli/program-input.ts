/** What `bench` runs: an ELF and its input with no accounts (ABIv1), with Solana's syscalls. */
import type { Executable } from '../executable.js';
import { loadElf } from '../elf/loader.js';
import { byteVec, bytes, encode, struct, u64 } from '../runtime/codec.js';
import { solanaSyscalls } from '../syscalls/index.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { readElf } from './files.js';
import { bytesArg, onePositional, type Parsed, value } from './options.js';

export interface ProgramRun {
  exe: Executable;
  input: Uint8Array;
  syscalls: SyscallRegistry;
  logs: string[];
}

/** A program's serialized input with no accounts: the account count, the instruction data (a u64 length first) and the program id (zeros here). */
const NO_ACCOUNTS_INPUT = struct({ accounts: u64, data: byteVec, programId: bytes(32) });

/** Loads the ELF named by the one positional and serializes `--data` for it. */
export function programRun(p: Parsed): ProgramRun {
  const path = onePositional(p, 'ELF file');
  const data = bytesArg(value(p, '--data'), '--data');
  const exe = loadElf(readElf(path));
  const input = encode(NO_ACCOUNTS_INPUT, { accounts: 0n, data, programId: new Uint8Array(32) });
  const logs: string[] = [];
  return { exe, input, syscalls: solanaSyscalls((line) => logs.push(line)), logs };
}
