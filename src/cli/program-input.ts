/** What `bench` runs: an ELF and its input with no accounts (ABIv1), with Solana's syscalls. */
import type { Executable } from '../executable.js';
import { loadElf } from '../elf/loader.js';
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

/** Loads the ELF named by the one positional and serializes `--data` for it. */
export function programRun(p: Parsed): ProgramRun {
  const path = onePositional(p, 'ELF file');
  const data = bytesArg(value(p, '--data'), '--data');
  const exe = loadElf(readElf(path));
  const input = new Uint8Array(8 + 8 + data.length + 32);
  const view = new DataView(input.buffer);
  view.setBigUint64(8, BigInt(data.length), true);
  input.set(data, 16);
  const logs: string[] = [];
  return { exe, input, syscalls: solanaSyscalls((line) => logs.push(line)), logs };
}
