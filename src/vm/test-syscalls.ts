/**
 * The syscalls of solana-sbpf's test utilities (`test_utils/src/syscalls.rs`), same names and
 * semantics. They are the default registry of the VM-level `execute()`, so programs and vectors
 * written for the reference's VM tests run unchanged.
 */
import { SyscallRegistry } from './syscalls.js';

const hexDigits = (x: bigint): bigint => (x === 0n ? 1n : BigInt(x.toString(16).length));

/** A fresh registry holding the reference's test syscalls. */
export function testSyscalls(): SyscallRegistry {
  return (
    new SyscallRegistry()
      // Returns the length of the line the reference prints.
      .register('bpf_trace_printf', (_ctx, _a, _b, c, d, e) => BigInt('bpf_trace_printf: 0x, 0x, 0x\n'.length) + hexDigits(c) + hexDigits(d) + hexDigits(e))
      .register('bpf_gather_bytes', (_ctx, a, b, c, d, e) => BigInt.asUintN(64, (a << 32n) | (b << 24n) | (c << 16n) | (d << 8n) | e))
      .register('bpf_mem_frob', (ctx, addr, len) => {
        if (len === 0n) return 0n;
        const buf = ctx.memory.slice(addr, Number(len), true);
        for (let i = 0; i < buf.length; i++) buf[i] ^= 0b101010;
        return 0n;
      })
      .register('bpf_str_cmp', (ctx, a, b) => {
        if (a === 0n || b === 0n) return 0xffffffffffffffffn;
        let i = 0n;
        for (;;) {
          const x = ctx.memory.load(a + i, 1);
          const y = ctx.memory.load(b + i, 1);
          if (x !== y || x === 0n) return x >= y ? x - y : y - x;
          i++;
        }
      })
      .register('bpf_syscall_string', (ctx, addr, len) => {
        if (len !== 0n) ctx.memory.slice(addr, Number(len), false);
        return 0n;
      })
      .register('bpf_syscall_u64', () => 0n)
  );
}
