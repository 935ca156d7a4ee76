/**
 * The logging and abort syscalls with Agave's costs and texts (agave `syscalls/src/logging.rs`,
 * `syscalls/src/lib.rs` `SyscallAbort`/`SyscallPanic`, SBPF_SEMANTICS §9 and §12). Log lines go to
 * a caller-supplied sink: the runtime's log collector, or an array in tests.
 */
import { base58Of32 } from '../runtime/base58.js';
import { bytesToBase64 } from '../platform.js';
import { consumeChecked, requireAligned, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { SyscallError } from './errors.js';
import { VM_SLICE_BYTES, VmSlices } from '../runtime/abi-layouts.js';

export { consumeChecked };

const utf8 = new TextDecoder('utf-8', { fatal: true });

const LOG_PREFIX = 'Program log: ';

/** Guest bytes as UTF-8 text, or the failure Agave reports for invalid text. */
function guestString(ctx: SyscallContext, addr: bigint, len: bigint): string {
  const bytes = ctx.memory.slice(addr, len, false);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new SyscallError('InvalidString', `${utf8ErrorText(bytes)}: [${[...bytes].join(', ')}]`);
  }
}

/** Rust's `Utf8Error` Display for invalid `bytes` (`valid_up_to` and `error_len` as core::str computes them). */
export function utf8ErrorText(bytes: Uint8Array): string {
  const cont = (b: number | undefined) => b !== undefined && b >= 0x80 && b <= 0xbf;
  for (let i = 0; i < bytes.length;) {
    const first = bytes[i];
    if (first < 0x80) {
      i++;
      continue;
    }
    const second = bytes[i + 1];
    // [lowest, highest] allowed second byte, and the sequence width, per lead byte.
    let width = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) width = 2;
    else if (first >= 0xe0 && first <= 0xef) {
      width = 3;
      if (first === 0xe0) lo = 0xa0;
      if (first === 0xed) hi = 0x9f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      width = 4;
      if (first === 0xf0) lo = 0x90;
      if (first === 0xf4) hi = 0x8f;
    }
    const bad = (n: number) => `invalid utf-8 sequence of ${n} bytes from index ${i}`;
    const incomplete = `incomplete utf-8 byte sequence from index ${i}`;
    if (width === 0) return bad(1);
    if (second === undefined) return incomplete;
    if (second < lo || second > hi) return bad(1);
    for (let k = 2; k < width; k++) {
      if (i + k >= bytes.length) return incomplete;
      if (!cont(bytes[i + k])) return bad(k);
    }
    i += width;
  }
  return 'invalid utf-8';
}

/** Registers `abort`, `sol_panic_`, `sol_log_`, `sol_log_64_`, `sol_log_pubkey`, `sol_log_data`, `sol_log_compute_units_`. */
export function registerLoggingSyscalls(
  registry: SyscallRegistry,
  log: (line: string, bytes?: number) => void,
  costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS,
): SyscallRegistry {
  return registry
    .register('abort', () => {
      throw new SyscallError('Abort');
    })
    .register('sol_panic_', (ctx, file, len, line, column) => {
      consumeChecked(ctx, Number(len));
      const name = guestString(ctx, file, len);
      throw new SyscallError('Panic', `SBF program Panicked in ${name} at ${line}:${column}`);
    })
    .register('sol_log_', (ctx, addr, len) => {
      consumeChecked(ctx, Math.max(costs.syscallBaseCost, Number(len)));
      // Valid UTF-8 of `len` bytes after an ASCII prefix: the line's size is known without counting.
      log(`${LOG_PREFIX}${guestString(ctx, addr, len)}`, LOG_PREFIX.length + Number(len));
      return 0n;
    })
    .register('sol_log_64_', (ctx, a, b, c, d, e) => {
      consumeChecked(ctx, costs.log64Units);
      log(`Program log: ${[a, b, c, d, e].map((v) => `0x${v.toString(16)}`).join(', ')}`);
      return 0n;
    })
    .register('sol_log_pubkey', (ctx, addr) => {
      consumeChecked(ctx, costs.logPubkeyUnits);
      log(`Program log: ${base58Of32(ctx.memory.slice(addr, 32, false))}`);
      return 0n;
    })
    .register('sol_log_data', (ctx, addr, count) => {
      consumeChecked(ctx, costs.syscallBaseCost);
      const table = new VmSlices(ctx.memory.view, ctx.memory.sliceAt(addr, count * BigInt(VM_SLICE_BYTES), false));
      if (count > 0n) requireAligned(ctx, addr, 8);
      const n = Number(count);
      consumeChecked(ctx, costs.syscallBaseCost * n);
      let bytes = 0;
      for (let i = 0; i < n; i++) bytes += Number(table.len(i));
      consumeChecked(ctx, bytes);
      const fields: string[] = [];
      for (let i = 0; i < n; i++) {
        const field = ctx.memory.slice(table.addr(i), table.len(i), false);
        fields.push(bytesToBase64(field));
      }
      const line = `Program data: ${fields.join(' ')}`;
      log(line, line.length); // base64: ASCII
      return 0n;
    })
    .register('sol_log_compute_units_', (ctx) => {
      consumeChecked(ctx, costs.syscallBaseCost);
      log(`Program consumption: ${ctx.remaining()} units remaining`);
      return 0n;
    });
}

/** Registers `sol_remaining_compute_units`: the units left after its own charge. */
export function registerComputeUnitSyscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  return registry.register('sol_remaining_compute_units', (ctx) => {
    consumeChecked(ctx, costs.getRemainingComputeUnitsCost);
    return ctx.remaining();
  });
}
