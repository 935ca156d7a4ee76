/**
 * Syscall failures are typed: every `SyscallErrorKind` is raised by some program, as a
 * `SyscallError` whose text is the one the program's `failed:` log line quotes.
 */
import { describe, expect, it } from 'vitest';
import { assembleToElf } from '../../src/index.js';
import { decodeAddress, encodeAddress } from '../../src/runtime/accounts.js';
import { FEATURES } from '../../src/runtime/features.js';
import { BPF_LOADER } from '../../src/runtime/ids.js';
import { processInstructions } from '../../src/runtime/instruction-harness.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { SyscallError, type SyscallErrorKind } from '../../src/syscalls/errors.js';
import { SyscallRegistry } from '../../src/vm/syscalls.js';

const PROGRAM = encodeAddress(Uint8Array.from({ length: 32 }, (_, i) => 7 * i + 1));
const HEAP = '0x300000000';
const INPUT = '0x400000000';

/** `sol_invoke_signed_rust` of a `StableInstruction` built at r10-80; metas, data, infos and seeds all point at the (zeroed) heap. */
function invoke(o: { metas?: number; data?: number; infos?: number; seeds?: number; programId?: string }): string {
  const id = decodeAddress(o.programId ?? PROGRAM);
  const idWords = [0, 1, 2, 3].map((k) => new DataView(id.buffer, id.byteOffset + 8 * k).getBigUint64(0, true));
  return [
    'mov64 r1, r10',
    'sub64 r1, 80',
    `lddw r6, ${HEAP}`,
    'stxdw [r1+0], r6',
    'stxdw [r1+24], r6',
    `lddw r6, ${o.metas ?? 0}`,
    'stxdw [r1+16], r6',
    `lddw r6, ${o.data ?? 0}`,
    'stxdw [r1+40], r6',
    ...idWords.flatMap((w, k) => [`lddw r6, ${w}`, `stxdw [r1+${48 + 8 * k}], r6`]),
    `lddw r2, ${HEAP}`,
    `lddw r3, ${o.infos ?? 0}`,
    `lddw r4, ${HEAP}`,
    `lddw r5, ${o.seeds ?? 0}`,
    'syscall sol_invoke_signed_rust',
    'exit',
  ].join('\n');
}

/** A program raising each kind (its last syscall fails). */
const PROGRAMS: Record<SyscallErrorKind, string> = {
  InvalidString: 'mov64 r6, 255\nstxb [r10-8], r6\nmov64 r1, r10\nsub64 r1, 8\nmov64 r2, 1\nsyscall sol_log_\nexit',
  Abort: 'syscall abort\nexit',
  Panic: 'mov64 r1, 0\nmov64 r2, 0\nmov64 r3, 12\nmov64 r4, 3\nsyscall sol_panic_\nexit',
  BadSeeds: 'mov64 r1, r10\nsub64 r1, 512\nmov64 r2, 17\nmov64 r3, r10\nsub64 r3, 32\nmov64 r4, r10\nsub64 r4, 64\nsyscall sol_create_program_address\nexit',
  UnalignedPointer:
    'mov64 r1, r10\nsub64 r1, 511\nmov64 r2, 1\nmov64 r3, r10\nsub64 r3, 32\nmov64 r4, r10\nsub64 r4, 64\nsyscall sol_create_program_address\nexit',
  CopyOverlapping: 'mov64 r1, r10\nsub64 r1, 16\nmov64 r2, r10\nsub64 r2, 12\nmov64 r3, 8\nsyscall sol_memcpy_\nexit',
  ReturnDataTooLarge: 'mov64 r1, r10\nsub64 r1, 16\nmov64 r2, 2000\nsyscall sol_set_return_data\nexit',
  TooManySlices: 'mov64 r1, 0\nmov64 r2, 100000\nmov64 r3, 0\nsyscall sol_sha256\nexit',
  InvalidLength: 'mov64 r1, 0\nmov64 r2, 0\nmov64 r3, 0\nmov64 r4, 1000\nmov64 r5, 0\nsyscall sol_curve_multiscalar_mul\nexit',
  InvalidAttribute: 'mov64 r1, 99\nmov64 r2, 0\nsyscall sol_curve_validate_point\nexit',
  InvalidPointer: `lddw r1, ${INPUT}\nsyscall sol_get_clock_sysvar\nexit`,
  InvalidParameters: 'mov64 r1, 1\nmov64 r2, 0\nsyscall sol_poseidon\nexit',
  InvalidEndianness: 'mov64 r1, 0\nmov64 r2, 2\nsyscall sol_poseidon\nexit',
  TooManySigners: invoke({ seeds: 17 }),
  ProgramNotSupported: invoke({ programId: BPF_LOADER }),
  MaxInstructionAccountsExceeded: invoke({ metas: 256 }),
  MaxInstructionDataLenExceeded: invoke({ data: 10 * 1024 + 1 }),
  MaxInstructionAccountInfosExceeded: invoke({ infos: 256 }),
};

/** Runs `asm` as a program and returns the syscall errors it raised, with its logs. */
function run(asm: string): { raised: SyscallError[]; logs: string[] } {
  const runtime = new Runtime();
  runtime.features.activate(FEATURES.syscallParameterAddressRestrictions, 0n);
  runtime.addProgram(PROGRAM, assembleToElf(asm, { sbpfVersion: 0 }), BPF_LOADER);
  // The same syscalls, each reporting what it throws.
  const raised: SyscallError[] = [];
  const watched = new SyscallRegistry();
  for (const { name, fn, cost } of runtime.syscalls.entries()) {
    watched.register(
      name,
      (ctx, ...args) => {
        try {
          return fn(ctx, ...args);
        } catch (e) {
          if (e instanceof SyscallError) raised.push(e);
          throw e;
        }
      },
      { cost },
    );
  }
  runtime.syscalls = watched;
  // The program is its own instruction account, so a CPI can name it as the callee.
  const accounts = [{ pubkey: PROGRAM, isSigner: false, isWritable: false }];
  const outcome = processInstructions(runtime, [{ programId: PROGRAM, accounts, data: new Uint8Array(0) }], []);
  return { raised, logs: outcome.logs };
}

describe('syscall errors', () => {
  it.each(Object.entries(PROGRAMS) as [SyscallErrorKind, string][])('%s is raised and its text is the log line', (kind, asm) => {
    const { raised, logs } = run(asm);
    expect(raised.map((e) => e.kind)).toEqual([kind]);
    expect(raised[0]).toBeInstanceOf(SyscallError);
    expect(logs.at(-1)).toBe(`Program ${PROGRAM} failed: ${raised[0].message}`);
  });
});
