/**
 * The WebAssembly interpreter (`'auto'`'s cold tier): its decoder (the handler table per version),
 * each reason it hands a run over to the JS interpreter — the hand-over lands on the right slot and
 * the run ends exactly as on the JS interpreter — and the text and image it copies in by chunks.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assemble, execute, opcodeRole, SBPFVersion, type ExecuteResult, type Executable } from '../../src/index.js';
import { handlerTable, Op } from '../../src/jit/interpreter-module.js';
import { wasmInterpreterRuns } from '../../src/jit/engine.js';
import { hasModule, tieringPolicy, tierOf } from '../../src/jit/program-cache.js';
import { testSyscalls } from '../../src/vm/test-syscalls.js';
import { log } from '../../src/log.js';
import * as op from '../../src/isa/opcodes.js';

const VERSIONS = [SBPFVersion.V0, SBPFVersion.V1, SBPFVersion.V2, SBPFVersion.V3, SBPFVersion.V4];

const saved = { ...tieringPolicy };
// Nothing gets compiled: 'auto' runs every program on the wasm interpreter.
beforeEach(() => Object.assign(tieringPolicy, { fixed: Infinity }));
afterEach(() => {
  Object.assign(tieringPolicy, saved);
  vi.restoreAllMocks();
});

describe('wasm interpreter decoder', () => {
  it("maps every opcode the version rejects, and V2's PQR class it leaves to the JS interpreter, to a hand-over; every other to a handler", () => {
    for (const v of VERSIONS) {
      const t = handlerTable(v);
      for (let opc = 0; opc < 256; opc++) {
        const role = opcodeRole(v, opc);
        const pqr = v === SBPFVersion.V2 && (opc & op.BPF_CLS_MASK) === op.BPF_PQR;
        const handsOver = role === 'invalid' || pqr;
        expect(t[opc] === Op.HandOver, `V${v} opcode ${opc.toString(16)} (${role})`).toBe(handsOver);
      }
    }
  });

  it('resolves what an opcode means in each version', () => {
    const at = (v: SBPFVersion, opc: number) => handlerTable(v)[opc];
    expect(at(SBPFVersion.V0, op.ADD64_IMM)).toBe(Op.Add);
    expect(at(SBPFVersion.V0, op.SUB64_IMM)).toBe(Op.Sub);
    expect(at(SBPFVersion.V2, op.SUB64_IMM)).toBe(Op.SubFromImm); // imm - dst
    expect(at(SBPFVersion.V2, op.SUB64_REG)).toBe(Op.Sub);
    expect(at(SBPFVersion.V0, op.MUL64_IMM)).toBe(Op.Mul);
    expect(at(SBPFVersion.V2, op.MUL64_IMM)).toBe(Op.StoreImm1); // V2 moved the memory classes
    expect(at(SBPFVersion.V2, op.LD_1B_REG)).toBe(Op.Load1);
    expect(at(SBPFVersion.V0, op.LD_1B_REG)).toBe(Op.Alu32); // mul32 reg before V2
    expect(at(SBPFVersion.V2, op.ADD32_IMM)).toBe(Op.Alu32Explicit);
    expect(at(SBPFVersion.V3, op.BPF_JMP32 | op.BPF_K | op.BPF_JEQ)).toBe(Op.Jmp32);
    expect(at(SBPFVersion.V2, op.BPF_JMP32 | op.BPF_K | op.BPF_JEQ)).toBe(Op.HandOver); // PQR's class in V2
    expect(at(SBPFVersion.V2, op.HOR64_IMM)).toBe(Op.Hor);
    expect(at(SBPFVersion.V0, op.LD_DW_REG)).toBe(Op.Load8);
    expect(at(SBPFVersion.V2, op.LD_DW_REG)).toBe(Op.HandOver);
    expect(at(SBPFVersion.V0, op.ST_W_IMM)).toBe(Op.StoreImm4);
    expect(at(SBPFVersion.V0, op.ST_H_REG)).toBe(Op.StoreReg2);
    expect(at(SBPFVersion.V0, op.LD_DW_IMM)).toBe(Op.Lddw);
    expect(at(SBPFVersion.V2, op.LD_DW_IMM)).toBe(Op.HandOver); // lddw is gone in V2
    expect(at(SBPFVersion.V0, op.NEG64)).toBe(Op.Neg);
    expect(at(SBPFVersion.V2, op.NEG64)).toBe(Op.StoreImm4);
    expect(at(SBPFVersion.V0, op.NEG32)).toBe(Op.Alu32);
    expect(at(SBPFVersion.V0, op.BE)).toBe(Op.Be);
    expect(at(SBPFVersion.V0, op.LE)).toBe(Op.Le);
    expect(at(SBPFVersion.V2, op.LE)).toBe(Op.HandOver); // le is gone in V2
    expect(at(SBPFVersion.V0, op.JA)).toBe(Op.Ja);
    expect(at(SBPFVersion.V3, op.BPF_JMP64 | op.BPF_X | op.BPF_JSLE)).toBe(Op.Jsle);
    expect(at(SBPFVersion.V0, op.CALL_IMM)).toBe(Op.CallByKey);
    expect(at(SBPFVersion.V3, op.CALL_IMM)).toBe(Op.CallStatic);
    expect(at(SBPFVersion.V0, op.CALL_REG)).toBe(Op.CallxImm);
    expect(at(SBPFVersion.V2, op.CALL_REG)).toBe(Op.CallxSrc);
    expect(at(SBPFVersion.V3, op.CALL_REG)).toBe(Op.CallxDst);
    expect(at(SBPFVersion.V4, op.EXIT)).toBe(Op.Exit);
  });
});

/** Where the wasm interpreter handed over while `body` ran (slots, in order). */
function handOvers(body: () => void): number[] {
  const enabled = vi.spyOn(log, 'isLevelEnabled').mockReturnValue(true);
  const spy = vi.spyOn(log, 'debug');
  try {
    body();
    return spy.mock.calls.filter((call) => call[1] === 'wasm interpreter hands over to the JS interpreter').map((call) => (call[0] as { pc: number }).pc);
  } finally {
    spy.mockRestore();
    enabled.mockRestore();
  }
}

/** Runs `exe` on the wasm interpreter and the JS interpreter; expects the same result and registers, returns the result and the hand-over slots. */
function same(exe: Executable, computeUnits = 100_000): { result: ExecuteResult; at: number[] } {
  let jsRegs: readonly bigint[] = [];
  let wasmRegs: readonly bigint[] = [];
  const js = execute(exe, { engine: 'interpreter', computeUnits, input: new Uint8Array(16), onExit: (_, r) => (jsRegs = r) });
  const runs = wasmInterpreterRuns.runs;
  let result: ExecuteResult | undefined;
  const at = handOvers(() => (result = execute(exe, { engine: 'auto', computeUnits, input: new Uint8Array(16), onExit: (_, r) => (wasmRegs = r) })));
  expect(wasmInterpreterRuns.runs, 'the run went to the wasm interpreter').toBe(runs + 1);
  expect(result).toEqual(js);
  expect(wasmRegs).toEqual(jsRegs);
  return { result: result!, at };
}

describe('wasm interpreter hand-overs', () => {
  it('runs 64-bit ALU, negation, byte swaps, memory, jumps, calls, callx and syscalls to the end without one', () => {
    const src = `
      mov r6, 0
      mov r7, 10
    loop:
      stxdw [r10-8], r7
      ldxdw r1, [r10-8]
      call function_f
      add r6, r0
      lddw r2, 0x100000000
      add r2, function_g_offset
      sub r7, 1
      jne r7, 0, loop
      mov r1, 1
      mov r2, 2
      mov r3, 3
      mov r4, 4
      mov r5, 5
      syscall bpf_gather_bytes
      add r0, r6
      neg r0
      be16 r0
      be32 r6
      be64 r7
      le16 r6
      le32 r0
      add r0, r6
      add r0, r7
      exit
    function_f:
      mul r1, 3
      mov r0, r1
      exit`;
    const exe = assemble(src.replace('function_g_offset', '0'), { sbpfVersion: 0 });
    const { result, at } = same(exe);
    expect(result).toMatchObject({ ok: true });
    expect(at).toEqual([]);
  });

  it("hands over before an instruction it leaves to the JS interpreter (V2's PQR), which finishes the run", () => {
    const exe = assemble('mov r0, 7\nudiv64 r0, 2\nadd r0, 3\nexit', { sbpfVersion: 2 });
    const { result, at } = same(exe);
    expect(result).toMatchObject({ ok: true, value: 6n, instructions: 4n });
    expect(at).toEqual([1]);
  });

  it("runs ALU32, JMP32 and hor64 with each version's extension rules without one", () => {
    const src = `
      mov r1, -1
      mov32 r2, r1
      add32 r2, 1
      sub32 r3, 5
      mul32 r1, 3
      div32 r1, 7
      mod32 r1, 5
      lsh32 r1, 35
      arsh32 r1, 1
      neg32 r2
      or32 r2, r1
      xor32 r2, 0x55
      and32 r2, -1
      mov r0, r2
      add r0, r3
      add r0, r1
      exit`;
    for (const v of [0, 1, 2, 3, 4] as const) {
      // V2 has no mul32, div32, mod32 (its PQR class has their opcodes), nor neg32.
      const lines = src.split('\n').filter((line) => v !== 2 || !/(mul|div|mod|neg)32/.test(line));
      expect(same(assemble(lines.join('\n'), { sbpfVersion: v })).at, `V${v}`).toEqual([]);
    }
    const hor = same(assemble('mov r0, 1\nhor64 r0, 2\nexit', { sbpfVersion: 2 }));
    expect(hor).toEqual({ result: { ok: true, value: 0x2_0000_0001n, instructions: 3n }, at: [] });
    const jumps = ['jeq32', 'jne32', 'jgt32', 'jge32', 'jlt32', 'jle32', 'jset32', 'jsgt32', 'jsge32', 'jslt32', 'jsle32'];
    for (const j of jumps) {
      const exe = assemble(`lddw r1, 0x1ffffffff\nmov r0, 0\n${j} r1, -1, +1\nmov r0, 1\n${j} r1, 5, +1\nadd r0, 2\nexit`, { sbpfVersion: 3 });
      expect(same(exe).at, j).toEqual([]);
    }
  });

  it('hands over where the budget runs out, mid-run, for the JS interpreter to fail', () => {
    const exe = assemble('mov r0, 0\nloop:\nadd r0, 1\njlt r0, 100, loop\nexit', { sbpfVersion: 0 });
    // Slots run: 0, 1, 2, 1, 2, …, 3 (the exit, after 201 instructions).
    for (const [budget, slot] of [
      [1, 1],
      [2, 2],
      [7, 1],
      [50, 2],
      [201, 3],
    ]) {
      const { result, at } = same(exe, budget);
      expect(result).toMatchObject({ ok: false, error: { kind: 'ExceededMaxInstructions' }, instructions: BigInt(budget) });
      expect(at).toEqual([slot]);
    }
  });

  /** A program of version 0 (unless `v` says) whose run the JS interpreter must fail with `kind` at `pc`, after a hand-over there. */
  const FAULTS: { what: string; src: string; v?: 0 | 3; kind: string; pc: number }[] = [
    { what: 'a load that faults', src: 'mov r0, 5\nldxdw r0, [r0+0]\nexit', kind: 'AccessViolation', pc: 1 },
    { what: 'a store that faults', src: 'mov r1, 0\nstxdw [r1+0], r1\nexit', v: 3, kind: 'AccessViolation', pc: 1 },
    { what: 'a division by zero', src: 'mov r0, 5\nmov r1, 0\ndiv r0, r1\nexit', kind: 'DivideByZero', pc: 2 },
    { what: 'the call one frame too deep', src: 'call function_down\nexit\nfunction_down:\ncall function_down\nexit', kind: 'CallDepthExceeded', pc: 2 },
    { what: 'a callx outside the text', src: 'mov r1, 8\ncallx r1\nexit', kind: 'CallOutsideTextSegment', pc: 1 },
    { what: 'a jump past the program', src: 'ja +5\nexit', kind: 'ExecutionOverrun', pc: 6 },
    { what: 'a jump before the program', src: 'mov r0, 1\nja -5\nexit', kind: 'ExecutionOverrun', pc: -3 },
    { what: 'a call to nothing', src: 'mov r0, 1\nsyscall not_registered\nexit', kind: 'UnsupportedInstruction', pc: 1 },
  ];
  for (const { what, src, v, kind, pc } of FAULTS) {
    it(`hands over before ${what}`, () => {
      const { result, at } = same(assemble(src, { sbpfVersion: v ?? 0 }));
      expect(result).toMatchObject({ ok: false, error: { kind, pc } });
      expect(at).toEqual([pc]);
    });
  }

  it('hands over before an instruction naming r11', () => {
    const exe = assemble('mov r0, 1\nmov r1, 2\nexit', { sbpfVersion: 0 });
    const text = new Uint8Array(exe.text);
    text[8 + 1] = 0x0b; // mov r11, 2
    const { result, at } = same({ ...exe, text, programRegions: [{ vaddr: exe.textVaddr, bytes: text }], contentHash: '' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'InvalidInstruction', pc: 1 } });
    expect(at).toEqual([1]);
  });

  it('fails a syscall in wasm as the JS interpreter does: error, pc, call frames, units', () => {
    const exe = assemble('call function_f\nexit\nfunction_f:\nmov r1, 0\nmov r2, 8\nsyscall bpf_mem_frob\nexit', { sbpfVersion: 0 });
    const { result, at } = same(exe);
    expect(result).toMatchObject({ ok: false, error: { kind: 'SyscallError', pc: 4 } });
    expect(at).toEqual([]);
    expect(!result.ok && result.error.returnPcs).toEqual([1]);
  });
});

describe('wasm interpreter and the tiering', () => {
  it('marks the functions it enters, and what it runs counts towards compiling them', () => {
    const exe = assemble('call function_f\nexit\nfunction_f:\nmov r0, 1\nexit', { sbpfVersion: 0 });
    const runs = wasmInterpreterRuns.runs;
    expect(execute(exe, { engine: 'auto' })).toMatchObject({ ok: true, value: 1n });
    expect(wasmInterpreterRuns.runs).toBe(runs + 1);
    expect(tierOf(exe, testSyscalls()).entered[2]).toBe(1);
    // Compiling pays for itself after a dozen interpreted instructions: the next run builds the module.
    Object.assign(tieringPolicy, { perCompiledInstruction: 0, perProgramInstruction: 0, fixed: 12, perRun: 0 });
    for (let i = 0; i < 3; i++) execute(exe, { engine: 'auto' });
    expect(hasModule(exe, testSyscalls())).toBe(true);
  });
});

describe('wasm interpreter text and image', () => {
  it('copies a long program in by chunks as it runs it, in the image or in its own copy, across runs', () => {
    // 3 000 slots (6 chunks of text): jumps forward across chunks, a call back, reads of the text as data.
    let src = 'mov r0, 0\nja far\n';
    for (let i = 0; i < 2000; i++) src += 'add r0, 1\n';
    src += 'function_back:\nlddw r1, 0x100000000\nldxdw r2, [r1+8]\nadd r0, r2\nexit\n';
    for (let i = 0; i < 900; i++) src += 'add r0, 3\n';
    src += 'far:\ncall function_back\nexit';
    for (const v of [0, 3] as const) {
      const exe = assemble(src, { sbpfVersion: v });
      for (let run = 0; run < 3; run++) {
        const { result, at } = same(exe);
        expect(result.ok).toBe(v === 0); // V3 maps no text to read
        expect(at).toEqual(v === 0 ? [] : [2004]); // the load from the text
      }
    }
  });
});
