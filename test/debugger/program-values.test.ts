/**
 * What the debugger reads beyond plain locals, on programs/values (C with -g, -O1) stopped where
 * it logs what it holds: bitfields (in memory and in a register), a structure split in register
 * pieces, a constant DWARF states, read-only globals, the arguments a function was entered with
 * (after their registers were reused), and expressions with variable indexes, `*`, `&`, `+`, `-`
 * and casts — each value checked against what the program logs. In the V0 (DWARF 4), V3 (DWARF 5)
 * and DWARF 3 builds, and in the V0 and V3 builds with their DWARF removed, where BTF types the
 * arguments at entry and the globals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InstructionHarness } from '../../src/api/harness.js';
import { sourceMapOf } from '../../src/debug/program-sources.js';
import { SourceMap } from '../../src/debug/source-map.js';
import { loadElf } from '../../src/elf/loader.js';
import { DebugController } from '../../src/debugger/controller.js';
import { instructionDebuggee } from '../../src/debugger/debuggee.js';
import { ExpressionError } from '../../src/debugger/expression.js';
import { framesOf } from '../../src/debugger/stop-view.js';
import { FrameValues, type TypedValue } from '../../src/debugger/values.js';
import { decodeInsn } from '../../src/isa/instruction.js';
import { internalCallTarget } from '../../src/jit/cfg.js';
import { programElf, withoutDwarf } from '../helpers/encoding.js';
import { ScriptedClient } from './dap-client.js';

const PROGRAM = 'Prog111111111111111111111111111111111111111';
/** k, scale, sign (negated). */
const DATA = [5, 3, 2];

/** A debugged run of `elf` on DATA, and what its plain run logged (sol_log_64_'s five numbers a line). */
function debugged(elf: Uint8Array) {
  const harness = () => new InstructionHarness().addProgram(PROGRAM, elf);
  const ix = { programId: PROGRAM, keys: [], data: DATA };
  const plain = harness().process(ix, []);
  expect(plain.success).toBe(true);
  const logged = plain.logs.flatMap(
    (l) =>
      /^Program log: (0x.*)$/
        .exec(l)?.[1]
        ?.split(', ')
        .map((x) => BigInt(x)) ?? [],
  );
  const controller = new DebugController(instructionDebuggee(harness(), ix, []));
  const exe = controller.debuggee.programs[0]!;
  const map = sourceMapOf(exe);
  /** Slots of the function named `name` (its first extent). */
  const extent = (name: string) => map.functions().find((f) => f.name === name)!;
  /** The slot of the `index`-th call in `fn`, or of the first that enters `callee`. */
  const callIn = (fn: string, which: number | string) => {
    const { pc, end } = extent(fn);
    const calls = Array.from({ length: end - pc }, (_, i) => pc + i).filter((s) => exe.text[s * 8] === 0x85);
    return typeof which === 'number' ? calls[which]! : calls.find((s) => internalCallTarget(exe, decodeInsn(exe.text, s)) === extent(which).pc)!;
  };
  /** Stops before slot `pc` and gives the values of frame `frame` there. */
  const stopAt = (pc: number, frame = 0) => {
    controller.breakpoints.setSlots([{ pc }]);
    const stop = controller.start(false);
    if (!('reason' in stop)) throw new Error(`no stop at slot ${pc}`);
    const f = framesOf(stop)[frame]!;
    const run = stop.runs[f.run]!;
    return new FrameValues({
      map,
      exe,
      memory: run.memory,
      registers: new Map(f.registers),
      pc: f.pc,
      variables: f.variables,
      ...(f.entry ? { entry: f.entry } : {}),
    });
  };
  return { logged, map, exe, extent, callIn, stopAt, controller, plain };
}

/** Values by name, each as its text, or its members' or elements' texts (one level down). */
function shown(values: readonly TypedValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (values ?? []).map((v) => [v.name, v.children && !v.value.startsWith('0x') ? Object.fromEntries(v.children().map((c) => [c.name, c.value])) : v.value]),
  );
}

const signed = (v: bigint) => String(BigInt.asIntN(64, v));
const globals = { ORIGIN: { x: '3', y: '-4' }, TABLE: { '[0]': '11', '[1]': '22', '[2]': '33', '[3]': '44' } };

// DWARF 3 has no DW_OP_stack_value: clang leaves computed pieces out of its locations.
describe.each([
  ['V0, DWARF 4', 'values', true],
  ['V3, DWARF 5', 'values.v3', true],
  ['V0, DWARF 3', 'values.dwarf3', false],
])('values of programs/values (%s)', (_, build, computedPieces) => {
  const run = debugged(programElf(build));
  const { logged } = run;
  // area: a, p->x, p->y, scale, sign + bias; split: lo, hi; layout: ready, kind, level, wide, *cursor, then corner.x, corner.y, i, arr[i + 1], ORIGIN.x * ORIGIN.y.
  const [area, split, flags, corner] = [logged.slice(0, 5), logged.slice(5, 10), logged.slice(10, 15), logged.slice(15, 20)];

  it('reads bitfields, an array, a pointer into it and the globals in an unoptimised frame', () => {
    const values = run.stopAt(run.callIn('layout', 0));
    const locals = shown(values.locals());
    expect(locals.flags).toEqual({ ready: String(flags[0]), kind: String(flags[1]), level: signed(flags[2]!), wide: String(flags[3]) });
    expect(locals.corner).toEqual({ x: signed(corner[0]!), y: signed(corner[1]!) });
    expect(locals.i).toBe(String(corner[2]));
    expect(locals.arr).toEqual(globals.TABLE); // copied from it
    expect(shown(values.globals())).toEqual(globals);

    const evaluate = (e: string) => {
      const v = values.evaluate(e);
      return [v.value, v.type];
    };
    expect(evaluate('arr[i]')).toEqual([String(flags[4]), 'uint64_t']);
    expect(evaluate('*cursor')).toEqual([String(flags[4]), 'const uint64_t']);
    expect(evaluate('arr[i + 1]')).toEqual([String(corner[3]), 'uint64_t']);
    expect(evaluate('cursor - &arr[0]')).toEqual([String(corner[2]), 'long']);
    expect(evaluate('*(cursor + 1) - arr[i]')).toEqual(['11', 'unsigned long']);
    expect(evaluate('&arr[i]')).toEqual([locals.cursor, 'uint64_t *']);
    expect(evaluate('((Flags *)&flags)->level')).toEqual([signed(flags[2]!), 'int']);
    expect(evaluate('flags.wide - 0xab0')).toEqual([String(flags[3]! - 0xab0n), 'unsigned long']);
    expect(evaluate('-flags.level')).toEqual([String(-BigInt.asIntN(64, flags[2]!)), 'long']);
    expect(evaluate('TABLE[i] + ORIGIN.x')).toEqual([String(22n + 3n), 'unsigned long']);
    expect(evaluate('*(TABLE + 3)')).toEqual(['44', 'const uint64_t']);
    expect(evaluate('ORIGIN.x')).toEqual(['3', 'int64_t']);
    expect(evaluate('(unsigned char)flags.wide')).toEqual([String(flags[3]! & 0xffn), 'unsigned char']);
    // The value at an address is the one in memory: &arr[1] points at 22.
    expect(values.evaluate('&arr[1]').children?.()[0]?.value).toBe('22');

    const kind = (e: string) => {
      try {
        values.evaluate(e);
      } catch (error) {
        expect(error).toBeInstanceOf(ExpressionError);
        return [(error as ExpressionError).kind, (error as Error).message];
      }
      throw new Error(`${e} has a value`);
    };
    expect(kind('i * 2')).toEqual(['UnsupportedExpression', "cannot evaluate i * 2: '*' is not an operator the debugger reads"]);
    expect(kind('arr[')).toEqual(['UnsupportedExpression', 'cannot evaluate arr[: it ends where a value was expected']);
    expect(kind('f(1)')).toEqual(['UnsupportedExpression', "cannot evaluate f(1): '(' is not an operator the debugger reads"]);
    expect(kind('nothing')).toEqual(['UnknownName', 'no nothing in this frame']);
    expect(kind('(struct nothing *)cursor')).toEqual(['UnknownName', 'no type struct nothing in this program']);
    expect(kind('i->x')).toEqual(['InvalidOperand', 'no i->x: uint64_t is not a structure or union']);
    expect(kind('corner.z')).toEqual(['InvalidOperand', 'no corner.z: point has no member z']);
    expect(kind('i[0]')).toEqual(['InvalidOperand', 'no i[0]: uint64_t is neither an array nor a pointer']);
    expect(kind('arr[4]')[0]).toBe('InvalidOperand');
    expect(kind('*i')[0]).toBe('InvalidOperand');
    expect(kind('&flags.level')[0]).toBe('InvalidOperand'); // a bitfield has no address
    expect(kind('cursor + cursor')[0]).toBe('InvalidOperand');
    expect(kind('(point)corner')[0]).toBe('InvalidOperand');
  });

  it('reads a structure split in register pieces, and says which piece is missing', () => {
    const { pc, end } = run.extent('split');
    const seen = new Set<string>();
    for (let slot = pc; slot < end; slot++) {
      const pr = shown(run.stopAt(slot).locals()).pr;
      // Each piece is the logged value or says it is not there: never another value.
      if (typeof pr === 'object') {
        const { lo, hi } = pr as Record<string, string>;
        expect([String(split[0]), '<optimized out>']).toContain(lo);
        expect([String(split[1]), '<optimized out>']).toContain(hi);
        seen.add(`${lo}, ${hi}`);
      }
    }
    if (!computedPieces) {
      expect([...seen]).toEqual(['<optimized out>, <optimized out>']);
      return;
    }
    expect(seen).toContain(`${split[0]}, ${split[1]}`);
    expect(seen).toContain(`${split[0]}, <optimized out>`);
    expect(run.stopAt(run.callIn('split', 0)).evaluate('pr.hi + pr.lo').value).toBe(String(split[0]! + split[1]!));
  });

  it('reads a structure with bitfields held in a register, and one in register pieces, before a call', () => {
    const locals = shown(run.stopAt(run.callIn('entrypoint', 'layout')).locals());
    expect(locals.flags).toEqual({ ready: String(flags[0]), kind: String(flags[1]), level: signed(flags[2]!), wide: String(flags[3]) });
    expect(locals.corner).toEqual({ x: signed(corner[0]!), y: signed(corner[1]!) });
    expect(locals.k).toBe(String(DATA[0]));
  });

  it('shows the arguments a function was entered with after their registers are reused, and a constant', () => {
    const values = run.stopAt(run.callIn('area', 0));
    const locals = shown(values.locals());
    expect(locals.bias).toBe('-6');
    expect(BigInt.asIntN(64, area[4]!)).toBe(BigInt(locals.sign as string) - 6n); // what area logged: sign + bias
    expect(locals.p).toBe('<optimized out>'); // r1 went to the log's first argument
    const entered = values.arguments()!;
    expect(shown(entered)).toEqual({ p: expect.stringMatching(/^0x2[0-9a-f]{8}$/), scale: String(area[3]), sign: String(-DATA[2]!) });
    expect(shown(entered[0]!.children!())).toEqual({ '*p': { x: String(area[1]), y: String(area[2]) } });
    expect(values.evaluate('p@entry->y').value).toBe(String(area[2]));
    expect(values.evaluate('(*p@entry).x').value).toBe(String(area[1]));
    // The caller's frame knows its own arguments: the input pointer.
    expect(shown(run.stopAt(run.callIn('area', 0), 1).arguments())).toEqual({ input: '0x400000000' });
  });

  it('shows no arguments for a copy the compiler specialised (its parameters are gone)', () => {
    const [original, copy] = run.map.functions().filter((f) => f.name.startsWith('norm'));
    expect(run.map.argumentsAt(original!.pc)!.map((p) => p.name)).toEqual(['p', 'w']);
    expect(run.map.argumentsAt(copy!.pc)).toBeUndefined();
    expect(run.stopAt(copy!.pc).arguments()).toBeUndefined();
  });
});

describe('a value in bit pieces', () => {
  it('shows each bitfield whose bits are known, the others as optimized out', () => {
    const elf = programElf('values');
    const exe = loadElf(elf);
    const map = SourceMap.fromElf(elf, { exe });
    const layout = map.functions().find((f) => f.name === 'layout')!.pc;
    const flagsType = map.variablesAt(layout)[0]!.find((v) => v.name === 'flags')!.type;
    // Bits 0-3 from r2 (7), bits 4-8 from r7 (not known here), bits 9-31 from r1 (0x1000) from its bit 8.
    const location = Uint8Array.of(0x52, 0x9d, 4, 0, 0x57, 0x9d, 5, 0, 0x51, 0x9d, 23, 8);
    const values = new FrameValues({
      map,
      exe,
      memory: { read: () => new Uint8Array(0) },
      registers: new Map([
        ['r1', 0x1000n],
        ['r2', 7n],
      ]),
      pc: layout,
      variables: [{ name: 'f', parameter: false, type: flagsType, location }],
    });
    expect(shown(values.locals())).toEqual({ f: { ready: '1', kind: '3', level: '<optimized out>', wide: '16' } });
    expect(values.evaluate('f.kind + f.wide').value).toBe('19');
    expect(() => values.evaluate('f.level + 1')).toThrow(expect.objectContaining({ kind: 'Unavailable', message: 'f.level is optimized out' }));
  });
});

describe.each([
  ['V0', 'values'],
  ['V3', 'values.v3'],
])('values of programs/values without DWARF (%s, BTF only)', (_, build) => {
  const run = debugged(withoutDwarf(programElf(build)));
  const { logged } = run;
  const [area, flags, corner] = [logged.slice(0, 5), logged.slice(10, 15), logged.slice(15, 20)];

  it('types the arguments at entry by the BTF prototypes, after their registers are reused', () => {
    const values = run.stopAt(run.callIn('area', 0));
    expect(values.locals()).toEqual([]); // BTF has no locations
    const entered = values.arguments()!;
    expect(entered.map((v) => [v.name, v.type])).toEqual([
      ['p', 'const point *'],
      ['scale', 'uint64_t'],
      ['sign', 'signed char'],
    ]);
    expect(shown(entered)).toMatchObject({ scale: String(area[3]), sign: String(-DATA[2]!) });
    expect(shown(entered[0]!.children!())).toEqual({ '*p': { x: String(area[1]), y: String(area[2]) } });
    // A structure of 4 bytes passed in one register (bitfields), one of 16 in two.
    const layout = shown(run.stopAt(run.callIn('layout', 0)).arguments());
    expect(layout).toEqual({
      flags: { ready: String(flags[0]), kind: String(flags[1]), level: signed(flags[2]!), wide: String(flags[3]) },
      corner: { x: signed(corner[0]!), y: signed(corner[1]!) },
      i: String(corner[2]),
    });
  });

  it('shows the globals of the data sections, and casts registers to BTF types', () => {
    const values = run.stopAt(run.extent('area').pc);
    expect(shown(values.globals())).toEqual(globals);
    expect(values.evaluate('TABLE[2] - ORIGIN.y').value).toBe('37');
    // At area's entry r1 is p.
    expect(values.evaluate('((struct point *)r1)->y').value).toBe(String(area[2]));
    expect(values.evaluate('((const struct point *)r1)->x').type).toBe('int64_t');
    expect(values.evaluate('(int64_t)r3').value).toBe(String(-DATA[2]!));
  });

  it('shows no arguments for the specialised copy its symbol names', () => {
    const copy = run.map.functionEntries('norm.specialized.1')[0]!;
    expect(run.map.argumentsAt(copy)).toBeUndefined();
    expect(run.map.argumentsAt(run.map.functionEntries('norm')[0]!)!.map((p) => p.name)).toEqual(['p', 'w']);
  });
});

describe.each([
  ['V0, DWARF', 'values', false],
  ['V3, DWARF', 'values.v3', false],
  ['V0, BTF only', 'values', true],
])('the scopes and evaluate of the protocol (%s)', (_, build, btfOnly) => {
  let client: ScriptedClient | undefined;
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('lists arguments at entry and globals beside the locals, reads globals from memory, reports expression errors, and ends as a plain run', async () => {
    const elf = btfOnly ? withoutDwarf(programElf(build)) : programElf(build);
    const { plain } = debugged(elf);
    const harness = new InstructionHarness().addProgram(PROGRAM, elf);
    const c = (client = ScriptedClient.inProcess(instructionDebuggee(harness, { programId: PROGRAM, keys: [], data: DATA }, [])));
    await c.launch();
    await c.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'area' }] });
    await c.stopAfter(() => c.dc.configurationDoneRequest());
    const scopes = (await c.dc.scopesRequest({ frameId: 0 })).body.scopes.map((s) => s.name);
    expect(scopes).toEqual(['Locals', 'Arguments at entry', 'Globals', 'Registers', 'Compute units', 'Memory']);
    const entered = await c.scope('Arguments at entry');
    expect([...entered.values()].map((v) => [v.name, v.type])).toEqual([
      ['p', 'const point *'],
      ['scale', 'uint64_t'],
      ['sign', 'signed char'],
    ]);
    expect(entered.get('scale')!.value).toBe(String(DATA[1]));
    const origin = (await c.scope('Globals')).get('ORIGIN')!;
    expect((await c.readMemory(origin.memoryReference!, 16)).bytes).toEqual(new Uint8Array(new BigInt64Array([3n, -4n]).buffer));
    const evaluate = (expression: string) => c.dc.evaluateRequest({ expression, frameId: 0 });
    expect((await evaluate('p@entry->y')).body).toMatchObject({ result: '7', type: 'int64_t' });
    expect((await evaluate('&TABLE[1]')).body.result).toBe(`0x${(BigInt(origin.memoryReference!) + 16n + 8n).toString(16)}`); // TABLE follows ORIGIN
    await expect(evaluate('scale * 2')).rejects.toThrow("cannot evaluate scale * 2: '*' is not an operator the debugger reads");
    await expect(evaluate('ORIGIN.z')).rejects.toThrow('no ORIGIN.z: const point has no member z');

    await c.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const end = await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(end.exitCode).toBe(0);
    expect(end.output.map((e) => e.body.output)).toContain(`success  ${plain.computeUnitsConsumed} compute units\n`);
  });
});
