/**
 * Seeded generator of random sBPF programs for differential fuzzing of the JIT against the
 * interpreter: mostly valid instructions of the version (ALU, PQR, loads/stores around the
 * stack pointer, forward and backward jumps, calls and callx into a small function, exits), a few raw
 * random slots, and small budgets so meter exhaustion lands everywhere.
 */
import { encodeInsn, opcodeRole, op, SBPFVersion, type Executable, type MemoryMap } from '../../src/index.js';
import { hashSymbolName } from '../../src/elf/murmur3.js';

export class Rng {
  constructor(private s: number) {}
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

const SYSCALL_HASHES = ['bpf_syscall_u64', 'bpf_gather_bytes', 'bpf_mem_frob', 'bpf_trace_printf'].map((name) => hashSymbolName(name) | 0);

const IMMS = [0, 1, -1, 2, 3, 7, 8, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0x1000, -8, -4096, 255];

const opcodesByRole = new Map<SBPFVersion, Map<string, number[]>>();
function byRole(v: SBPFVersion): Map<string, number[]> {
  let m = opcodesByRole.get(v);
  if (!m) {
    m = new Map();
    for (let opc = 0; opc < 256; opc++) {
      const role = opcodeRole(v, opc);
      if (!m.has(role)) m.set(role, []);
      m.get(role)!.push(opc);
    }
    opcodesByRole.set(v, m);
  }
  return m;
}

/** {@link byRole} without ALU32, JMP32 and PQR opcodes. */
function wideRoles(v: SBPFVersion): Map<string, number[]> {
  const wide = (opc: number) => (opc & op.BPF_CLS_MASK) !== op.BPF_ALU32_LOAD && (opc & op.BPF_CLS_MASK) !== op.BPF_JMP32;
  return new Map(
    [...byRole(v)].map(([role, codes]) => [role, role === 'alu' || role === 'divImm' || role === 'shift32' || role === 'jump' ? codes.filter(wide) : codes]),
  );
}

/**
 * A random program for version `v` and the budget to run it with. With `recursive`, half the calls
 * and callx go to the entry instead (a recursive function with many call sites, loops and exits).
 * With `wide`, its ALU instructions and conditional jumps are 64-bit only (what real programs run),
 * with syscalls and byte swaps besides.
 */
export function randomProgram(rng: Rng, v: SBPFVersion, { recursive = false, wide = false } = {}): { exe: Executable; budget: number } {
  const roles = wide ? wideRoles(v) : byRole(v);
  const n = 8 + rng.int(40);
  const fnStart = n - 4 - rng.int(3); // a small function at the end, reached by call
  const text = new Uint8Array(n * 8);
  const emit = (pc: number, opc: number, dst: number, src: number, off: number, imm: number) =>
    encodeInsn(text, pc, { opc, dst, src, off: (((off % 32768) + 32768) % 65536) - 32768, imm });
  for (let pc = 0; pc < n; pc++) {
    const dice = rng.int(100);
    const dst = rng.int(10);
    const src = rng.int(10);
    if (pc === fnStart - 1 || pc === n - 1) {
      emit(pc, op.EXIT, 0, 0, 0, 0);
    } else if (wide && dice < 5 && roles.get('endian')) {
      // Byte swaps, now and then of a width that does not exist.
      emit(pc, rng.pick(roles.get('endian')!), dst, 0, 0, rng.pick([16, 32, 64, 16, 32, 64, 8]));
    } else if (dice < 45) {
      const opc = rng.pick([...(roles.get('alu') ?? []), ...(roles.get('shift32') ?? []), ...(roles.get('shift64') ?? []), ...(roles.get('divImm') ?? [])]);
      const role = opcodeRole(v, opc);
      let imm = rng.pick(IMMS);
      if (role === 'shift32') imm = rng.int(32);
      if (role === 'shift64') imm = rng.int(64);
      if (role === 'divImm' && imm === 0) imm = 3;
      // Writing r10 is only allowed as the V1/V2 frame bump; keep dst below 10.
      emit(pc, opc, dst, src, 0, imm);
    } else if (dice < 60) {
      const load = rng.int(2) === 0;
      const opc = rng.pick(roles.get(load ? 'load' : 'store') ?? [op.EXIT]);
      // Mostly relative to the frame pointer (valid), sometimes through a random register.
      const base = rng.int(4) ? 10 : src;
      const off = base === 10 ? -8 * (1 + rng.int(600)) + rng.int(8) : rng.pick(IMMS);
      if (load) emit(pc, opc, dst, base, off, 0);
      else emit(pc, opc, base, src, off, rng.pick(IMMS));
    } else if (dice < 80) {
      const opc = rng.pick(roles.get('jump') ?? [op.JA]);
      const target = rng.int(n + 2) - 1; // occasionally just outside the program
      emit(pc, opc, dst, src, target - pc - 1, rng.pick(IMMS));
    } else if (wide && dice < 83) {
      // A syscall of the default (test) registry, some of which read or write memory.
      emit(pc, op.CALL_IMM, 0, 0, 0, rng.pick(SYSCALL_HASHES));
    } else if (dice < 86) {
      // call the function at fnStart (V3+: relative; V0–V2: through the registry key = target pc)
      const target = recursive && rng.int(2) ? 0 : fnStart;
      if (v >= SBPFVersion.V3) emit(pc, op.CALL_IMM, 0, 1, 0, target - pc - 1);
      else emit(pc, op.CALL_IMM, 0, 0, 0, target);
    } else if (dice < 90) {
      // callx, half the time to the function's address (the compiled function, through the table)
      const reg = v === SBPFVersion.V2 ? src : dst;
      if (rng.int(2) && pc + 3 < fnStart - 1) {
        emit(pc, op.MOV64_IMM, reg, 0, 0, 1);
        emit(++pc, op.LSH64_IMM, reg, 0, 0, 32);
        emit(++pc, op.ADD64_IMM, reg, 0, 0, recursive && rng.int(2) ? 0 : 8 * fnStart);
        pc++;
      }
      emit(pc, op.CALL_REG, v >= SBPFVersion.V3 ? reg : 0, v === SBPFVersion.V2 ? reg : 0, 0, v <= SBPFVersion.V1 ? reg : 0);
    } else if (dice < 95 && roles.get('lddw')) {
      if (pc + 1 < fnStart - 1) {
        emit(pc, op.LD_DW_IMM, dst, 0, 0, rng.pick(IMMS));
        emit(++pc, 0, 0, 0, 0, rng.pick([0, 1, 2, 3, 4, -1]));
      }
    } else if (dice < 97) {
      emit(pc, op.EXIT, 0, 0, 0, 0);
    } else {
      for (let b = 0; b < 8; b++) text[pc * 8 + b] = rng.int(256);
    }
  }
  const functions = new Map([[fnStart >>> 0, { pc: fnStart, name: 'function_f' }]]);
  if (recursive) functions.set(0, { pc: 0, name: 'entrypoint' });
  const exe: Executable = {
    sbpfVersion: v,
    text,
    textVaddr: 0x1_0000_0000,
    entryPc: 0,
    programRegions: [{ vaddr: v >= SBPFVersion.V3 ? 0 : 0x1_0000_0000, bytes: text }],
    functions,
    syscallNames: new Map(),
    contentHash: '',
  };
  return { exe, budget: 1 + rng.int(rng.int(4) === 0 ? 5000 : 300) };
}

/** The registers, and a digest of each writable region's bytes (FNV-1a over 32-bit words, then the odd tail bytes). */
export function finalState(m: MemoryMap, registers: readonly bigint[]): string {
  const parts = registers.map((r, i) => `r${i}=${r.toString(16)}`);
  for (let slot = 0; slot < m.hostStart.length; slot++) {
    if (!m.writable[slot] || m.hostStart[slot] < 0) continue;
    const region = m.bytes.subarray(m.hostStart[slot], m.hostStart[slot] + m.hostLength[slot]);
    const whole = region.length >> 2;
    const words = new DataView(region.buffer, region.byteOffset, region.length);
    let h = 0x811c9dc5;
    for (let w = 0; w < whole; w++) h = Math.imul(h ^ words.getUint32(4 * w, true), 16777619);
    for (let b = whole * 4; b < region.length; b++) h = Math.imul(h ^ region[b], 16777619);
    parts.push(`${slot}:${region.length}:${(h >>> 0).toString(16)}`);
  }
  return parts.join(' ');
}

/** JSON.stringify's replacer for results holding bigints. */
export function big(_k: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : v;
}
