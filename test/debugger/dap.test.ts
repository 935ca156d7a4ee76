/**
 * The debugger through the Debug Adapter Protocol, driven by a scripted client: programs/debuginfo
 * (C with -g) on breakpoints by line, function and slot, steps across sBPF calls and a CPI,
 * registers, compute units, memory, a fault, and the end of the run — whose result, logs and
 * compute units must be those of a plain run.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InstructionHarness } from '../../src/api/harness.js';
import { instructionDebuggee } from '../../src/debugger/debuggee.js';
import { loadElf } from '../../src/elf/loader.js';
import { programElf } from '../helpers/encoding.js';
import { ScriptedClient } from './dap-client.js';

const PROGRAM = 'Prog111111111111111111111111111111111111111';
const DEBUGINFO = 'Dbg1111111111111111111111111111111111111111';
const debuginfoElf = programElf('debuginfo');
const source = (file: string) => resolve(`programs/debuginfo/${file}`);
const slotOf = (name: string) => [...loadElf(debuginfoElf).functions.values()].find((f) => f.name === name)!.pc;

/** The debuggee and a plain run of the same instruction. */
function debuginfo(data: number[]) {
  const harness = new InstructionHarness().addProgram(PROGRAM, debuginfoElf);
  const ix = { programId: PROGRAM, keys: [], data };
  return { debuggee: instructionDebuggee(harness, ix, []), plain: new InstructionHarness().addProgram(PROGRAM, debuginfoElf).process(ix, []) };
}

let client: ScriptedClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

describe('websvm debugger (DAP, in process)', () => {
  it('stops at breakpoints by line, function and slot, shows frames, registers, units and memory, and ends as a plain run', async () => {
    const { debuggee, plain } = debuginfo([0, 3, 1, 2]);
    const c = (client = ScriptedClient.inProcess(debuggee));
    const capabilities = await c.launch();
    expect(capabilities).toMatchObject({ supportsFunctionBreakpoints: true, supportsInstructionBreakpoints: true, supportsReadMemoryRequest: true });

    const lines = await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [{ line: 4 }, { line: 2 }, { line: 30 }] });
    // Line 2 is a comment: the breakpoint moves to the next line with code; nothing follows line 30.
    expect(lines.body.breakpoints.map((b) => [b.verified, b.line])).toEqual([
      [true, 4],
      [true, 4],
      [false, undefined],
    ]);
    const functions = await c.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'checked_sum' }, { name: 'no_such_function' }] });
    expect(functions.body.breakpoints.map((b) => b.verified)).toEqual([true, false]);

    // The function breakpoint comes first: checked_sum is called before weigh.
    let stopped = await c.stopAfter(() => c.dc.configurationDoneRequest());
    expect(stopped.body.reason).toBe('breakpoint');
    let frames = await c.frames();
    expect(frames.map((f) => [f.name, f.source?.path, f.line])).toEqual([
      ['checked_sum', source('checks.c'), 6],
      ['entrypoint', source('main.c'), 21],
    ]);
    expect(frames[0].instructionPointerReference).toBe(String(slotOf('checked_sum')));

    // The line breakpoint in weigh: value clamp(3) = 3 and index 0 in r1 and r2, the stack in r10.
    stopped = await c.stopAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(stopped.body.reason).toBe('breakpoint');
    frames = await c.frames();
    expect(frames.map((f) => [f.name, f.source?.name, f.line])).toEqual([
      ['weigh', 'math.c', 4],
      ['checked_sum', 'checks.c', 8],
      ['entrypoint', 'main.c', 21],
    ]);
    let registers = await c.scope('Registers');
    expect([...registers.keys()]).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'pc']);
    expect([registers.get('r1')!.value, registers.get('r2')!.value]).toEqual(['0x3', '0x0']);
    expect(registers.get('pc')!.value).toBe(`0x${(loadElf(debuginfoElf).textVaddr + slotOf('weigh') * 8).toString(16)}`);
    expect(registers.get('r10')!.memoryReference).toMatch(/^0x2/);
    // A caller's frame knows r6..r10, which the call saved.
    expect([...(await c.scope('Registers', 1)).keys()]).toEqual(['r6', 'r7', 'r8', 'r9', 'r10', 'pc']);

    const units = await c.scope('Compute units');
    const executed = Number(units.get('instructions executed')!.value);
    expect(Number(units.get('remaining')!.value)).toBe(1_400_000 - executed);

    // The input region: no accounts, then the instruction data's length and bytes.
    const memory = await c.scope('Memory');
    expect([...memory.keys()]).toEqual(['rodata', 'stack', 'heap', 'input']);
    expect(memory.get('input')!.memoryReference).toBe('0x400000000');
    const input = await c.readMemory(memory.get('input')!.memoryReference!, 20);
    expect(input.address).toBe('0x400000000');
    expect([...input.bytes]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 2]);
    const ro = await c.readMemory(memory.get('rodata')!.memoryReference!, 4);
    expect(ro.bytes).toEqual(loadElf(debuginfoElf).programRegions[0].bytes.subarray(0, 4));
    const pastHeap = await c.readMemory(memory.get('heap')!.memoryReference!, 16, 32 * 1024 - 8);
    expect([pastHeap.bytes.length, pastHeap.unreadable]).toEqual([8, 8]);

    // By slot: weigh's first instruction, met again with index 1 once the line breakpoints are gone.
    await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [] });
    await c.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const bySlot = (await c.dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: String(slotOf('weigh')) }] })) as {
      body: { breakpoints: { verified: boolean }[] };
    };
    expect(bySlot.body.breakpoints[0].verified).toBe(true);
    stopped = await c.stopAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(stopped.body.reason).toBe('breakpoint');
    registers = await c.scope('Registers');
    expect([registers.get('r1')!.value, registers.get('r2')!.value]).toEqual(['0x1', '0x1']);
    // One instruction at a time.
    const before = Number((await c.scope('Compute units')).get('instructions executed')!.value);
    stopped = await c.stopAfter(() => c.dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    expect(stopped.body.reason).toBe('step');
    expect(Number((await c.scope('Compute units')).get('instructions executed')!.value)).toBe(before + 1);
    expect((await c.frames())[0].instructionPointerReference).toBe(String(slotOf('weigh') + 1));

    await c.dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    const end = await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(end.exitCode).toBe(0);
    const text = end.output.map((e) => e.body.output);
    expect(text.filter((_, i) => end.output[i].body.category === 'stdout')).toEqual(plain.logs.map((l) => `${l}\n`));
    expect(text).toContain(`success  ${plain.computeUnitsConsumed} compute units\n`);
  });

  /** A session of debuginfo summing 3, 1, 2, stopped at the loop's line in checked_sum (its breakpoint removed again). */
  async function stoppedInLoop(): Promise<ScriptedClient> {
    const c = (client = ScriptedClient.inProcess(debuginfo([0, 3, 1, 2]).debuggee));
    await c.launch();
    await c.dc.setBreakpointsRequest({ source: { path: source('checks.c') }, breakpoints: [{ line: 8 }] });
    await c.stopAfter(() => c.dc.configurationDoneRequest());
    expect((await c.frames()).map((f) => [f.name, f.line])).toEqual([
      ['checked_sum', 8],
      ['entrypoint', 21],
    ]);
    await c.dc.setBreakpointsRequest({ source: { path: source('checks.c') }, breakpoints: [] });
    return c;
  }

  it('steps over the loop line without entering the function it calls', async () => {
    const c = await stoppedInLoop();
    const seen: string[] = [];
    for (let i = 0; i < 12 && seen.at(-1) !== 'entrypoint'; i++) {
      await c.stopAfter(() => c.dc.nextRequest({ threadId: 1 }));
      seen.push((await c.frames())[0].name);
    }
    expect(seen).not.toContain('weigh');
    expect(seen.at(-1)).toBe('entrypoint');
  });

  it('steps into the function called, and out of it again', async () => {
    const c = await stoppedInLoop();
    let frames = await c.frames();
    for (let i = 0; i < 12 && frames[0].name !== 'weigh'; i++) {
      await c.stopAfter(() => c.dc.stepInRequest({ threadId: 1 }));
      frames = await c.frames();
    }
    expect(frames.map((f) => f.name)).toEqual(['weigh', 'checked_sum', 'entrypoint']);
    await c.stopAfter(() => c.dc.stepOutRequest({ threadId: 1 }));
    expect((await c.frames()).map((f) => [f.name, f.line])).toEqual([
      ['checked_sum', 8],
      ['entrypoint', 21],
    ]);
  });

  it('runs to the end without stopping when launched without debugging', async () => {
    const { debuggee, plain } = debuginfo([1, 5, 6]);
    const c = (client = ScriptedClient.inProcess(debuggee));
    await c.launch({ noDebug: true });
    await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [{ line: 4 }] });
    const end = await c.endAfter(() => c.dc.configurationDoneRequest());
    expect(end.exitCode).toBe(1);
    expect(end.output.filter((e) => e.body.category === 'stdout').map((e) => e.body.output)).toEqual(plain.logs.map((l) => `${l}\n`));
  });

  it('stops where a run faults, then ends with the error', async () => {
    const { debuggee, plain } = debuginfo([1, 5, 6]);
    const c = (client = ScriptedClient.inProcess(debuggee));
    await c.launch();
    const stopped = await c.stopAfter(() => c.dc.configurationDoneRequest());
    expect(stopped.body.reason).toBe('exception');
    expect(stopped.body.text).toContain('Access violation');
    expect((await c.frames()).map((f) => [f.name, f.source?.name, f.line])).toEqual([
      ['store_at', 'math.c', 7],
      ['scatter', 'math.c', 13],
      ['entrypoint', 'main.c', 24],
    ]);
    const end = await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(end.exitCode).toBe(1);
    expect(end.output.map((e) => e.body.output)).toContain(`failed: ${stopped.body.text}  ${plain.computeUnitsConsumed} compute units\n`);
    expect(plain.logs.at(-1)).toBe(`Program ${PROGRAM} failed: ${stopped.body.text}`);
  });

  it('follows a CPI: frames of both programs, a step out of the callee back into its caller, a step in from the invoke', async () => {
    const harness = new InstructionHarness().addProgram(PROGRAM, programElf('cpi')).addProgram(DEBUGINFO, debuginfoElf);
    const ix = { programId: PROGRAM, keys: [{ pubkey: DEBUGINFO, isSigner: false, isWritable: false }], data: [1, 0, 7, 8] };
    const plain = new InstructionHarness().addProgram(PROGRAM, programElf('cpi')).addProgram(DEBUGINFO, debuginfoElf).process(ix, []);
    const c = (client = ScriptedClient.inProcess(instructionDebuggee(harness, ix, [])));
    await c.launch();
    await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [{ line: 4 }] });
    await c.stopAfter(() => c.dc.configurationDoneRequest());
    let frames = await c.frames();
    expect(frames.map((f) => f.name)).toEqual([`weigh (${DEBUGINFO})`, `checked_sum (${DEBUGINFO})`, `entrypoint (${DEBUGINFO})`, `entrypoint (${PROGRAM})`]);
    // The caller's frame is at its invoke; its memory is its own.
    const callerMemory = await c.scope('Memory', 3);
    expect(callerMemory.get('input')!.memoryReference).toBe('p1:0x400000000');
    expect((await c.readMemory('p1:0x400000000', 8)).bytes).toEqual(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0])); // one account

    const invoke = Number(frames[3].instructionPointerReference);
    await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [] });
    for (let i = 0; i < 3; i++) await c.stopAfter(() => c.dc.stepOutRequest({ threadId: 1 }));
    // Out of the callee's entrypoint: the caller, just after its invoke.
    frames = await c.frames();
    expect(frames.map((f) => [f.name, f.instructionPointerReference])).toEqual([['entrypoint', String(invoke + 1)]]);

    const end = await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(end.output.filter((e) => e.body.category === 'stdout').map((e) => e.body.output)).toEqual(plain.logs.map((l) => `${l}\n`));
    expect(end.output.map((e) => e.body.output)).toContain(`success  ${plain.computeUnitsConsumed} compute units\n`);
    await c.stop();

    // Again, stopped at the invoke (a slot breakpoint): a step in enters the callee.
    const again = (client = ScriptedClient.inProcess(instructionDebuggee(harness, ix, [])));
    await again.launch();
    await again.dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: String(invoke) }] });
    await again.stopAfter(() => again.dc.configurationDoneRequest());
    expect((await again.frames()).map((f) => [f.name, f.instructionPointerReference])).toEqual([['entrypoint', String(invoke)]]);
    await again.dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    await again.stopAfter(() => again.dc.stepInRequest({ threadId: 1 }));
    expect((await again.frames()).map((f) => f.name)).toEqual([`parse_input [inlined] (${DEBUGINFO})`, `entrypoint (${DEBUGINFO})`, `entrypoint (${PROGRAM})`]);
  });
  it('restricts a slot breakpoint to one program with ADDRESS:slot', async () => {
    const harness = new InstructionHarness().addProgram(PROGRAM, programElf('cpi')).addProgram(DEBUGINFO, debuginfoElf);
    const ix = { programId: PROGRAM, keys: [{ pubkey: DEBUGINFO, isSigner: false, isWritable: false }], data: [1, 0, 7, 8] };
    // Slot 0 is the caller's entrypoint and the callee's checked_sum: both run it.
    const stopsAt = async (reference: string) => {
      const c = (client = ScriptedClient.inProcess(instructionDebuggee(harness, ix, [])));
      await c.launch();
      const set = await c.dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: reference }] });
      expect(set.body.breakpoints).toEqual([{ verified: true, instructionReference: reference }]);
      const names: string[] = [];
      for (let go = () => c.dc.configurationDoneRequest(); await c.nextStop(go); go = () => c.dc.continueRequest({ threadId: 1 })) {
        names.push((await c.frames())[0]!.name);
      }
      await c.stop();
      client = undefined;
      return names;
    };
    // (Frames name their program where more than one runs.)
    expect(await stopsAt('0')).toEqual(['entrypoint', `checked_sum (${DEBUGINFO})`]);
    expect(await stopsAt(`${DEBUGINFO}:0`)).toEqual([`checked_sum (${DEBUGINFO})`]);
    expect(await stopsAt(`${PROGRAM}:0`)).toEqual(['entrypoint']);
    const c = (client = ScriptedClient.inProcess(instructionDebuggee(harness, ix, [])));
    await c.launch();
    const bad = await c.dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: 'nowhere:1' }] });
    expect(bad.body.breakpoints[0]).toMatchObject({ verified: false });
  });
});

describe('websvm debug (DAP over stdio)', () => {
  it('debugs the command line instruction', { timeout: 60_000 }, async () => {
    const plain = debuginfo([0, 3, 1, 2]).plain;
    const c = (client = ScriptedClient.process(['programs/bin/debuginfo.so', '--data', '00030102']));
    await c.launch();
    await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [{ line: 4 }] });
    const stopped = await c.stopAfter(() => c.dc.configurationDoneRequest());
    expect(stopped.body.reason).toBe('breakpoint');
    expect((await c.frames()).map((f) => [f.name, f.source?.path, f.line])).toEqual([
      ['weigh', source('math.c'), 4],
      ['checked_sum', source('checks.c'), 8],
      ['entrypoint', source('main.c'), 21],
    ]);
    expect((await c.scope('Registers')).get('r1')!.value).toBe('0x3');
    await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [] });
    const end = await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(end.exitCode).toBe(0);
    expect(end.output.map((e) => e.body.output)).toContain(`success  ${plain.computeUnitsConsumed} compute units\n`);
  });

  it('takes the program from the launch request', { timeout: 60_000 }, async () => {
    const c = (client = ScriptedClient.process([]));
    await c.launch({ program: 'programs/bin/debuginfo.so', data: '0405', stopOnEntry: true });
    const stopped = await c.stopAfter(() => c.dc.configurationDoneRequest());
    expect(stopped.body.reason).toBe('entry');
    // The first instruction is parse_input's, inlined into the entrypoint.
    expect((await c.frames()).map((f) => [f.name, f.source?.name])).toEqual([
      ['parse_input [inlined]', 'websvm.h'],
      ['entrypoint', 'main.c'],
    ]);
    const end = await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(end.exitCode).toBe(1);
    expect(end.output.map((e) => e.body.output).join('')).toContain('custom program error: 0x7');
  });

  it('deploys the programs a CPI invokes with --bpf-program', { timeout: 60_000 }, async () => {
    const args = ['programs/bin/cpi.so', '--bpf-program', DEBUGINFO, 'programs/bin/debuginfo.so', '--account', DEBUGINFO, '--data', '01000708'];
    const c = (client = ScriptedClient.process(args));
    await c.launch();
    const set = await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [{ line: 4 }] });
    expect(set.body.breakpoints.map((b) => b.verified)).toEqual([true]);
    await c.stopAfter(() => c.dc.configurationDoneRequest());
    expect((await c.frames()).map((f) => f.name)).toEqual([
      `weigh (${DEBUGINFO})`,
      `checked_sum (${DEBUGINFO})`,
      `entrypoint (${DEBUGINFO})`,
      `entrypoint (${PROGRAM})`,
    ]);
    await c.dc.setBreakpointsRequest({ source: { path: source('math.c') }, breakpoints: [] });
    expect((await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }))).exitCode).toBe(0);
  });
});
