/**
 * Typed values in the debugger: programs/typed (C with -g; inspect() unoptimised, its caller
 * -O1) stopped in inspect(), its parameters and locals in the Locals scope as typed values read
 * from the VM's memory — checked against what the program stores and logs — and `evaluate` on
 * registers, variables, fields and elements; in the V0 (DWARF 4) and V3 (DWARF 5) builds.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { InstructionHarness } from '../../src/api/harness.js';
import { instructionDebuggee } from '../../src/debugger/debuggee.js';
import { programElf } from '../helpers/encoding.js';
import { ScriptedClient } from './dap-client.js';

const PROGRAM = 'Prog111111111111111111111111111111111111111';
const source = resolve('programs/typed/main.c');

let client: ScriptedClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

/** The variables under `reference`, by name. */
async function children(c: ScriptedClient, reference: number): Promise<Map<string, DebugProtocol.Variable>> {
  const vars = (await c.dc.variablesRequest({ variablesReference: reference })).body.variables;
  return new Map(vars.map((v) => [v.name, v]));
}

describe.each([
  ['V0, DWARF 4', 'typed'],
  ['V3, DWARF 5', 'typed.v3'],
])('typed values (%s)', (_, build) => {
  it('shows the parameters and locals of a stopped frame as typed values', async () => {
    const harness = new InstructionHarness().addProgram(PROGRAM, programElf(build));
    const ix = { programId: PROGRAM, keys: [], data: [5, 6] };
    const plain = new InstructionHarness().addProgram(PROGRAM, programElf(build)).process(ix, []);
    const c = (client = ScriptedClient.inProcess(instructionDebuggee(harness, ix, [])));
    await c.launch();
    await c.dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: 24 }] });
    await c.stopAfter(() => c.dc.configurationDoneRequest());
    // What inspect() logs: sum, balance, copy.id, copy.delta, copy.tag.
    const logged = /^Program log: (.*)$/m
      .exec(plain.logs.join('\n'))![1]!
      .split(', ')
      .map((x) => BigInt(x));
    expect(logged).toEqual([120n, 113n, 0x01020304n, 0xfffffffffffffffbn, 5n]);

    const locals = await c.scope('Locals');
    expect([...locals.values()].map((v) => [v.name, v.type, v.value])).toEqual([
      ['entry', 'Entry *', expect.stringMatching(/^0x2[0-9a-f]{8}$/)],
      ['scale', 'uint64_t', '2'],
      ['copy', 'Entry', '{5 members}'],
      ['balance', 'int64_t', String(logged[1])],
      ['sum', 'uint64_t', String(logged[0])],
    ]); // i is declared in the loop, out of scope after it
    const copy = await children(c, locals.get('copy')!.variablesReference);
    expect([...copy.values()].map((v) => [v.name, v.type, v.value])).toEqual([
      ['id', 'uint32_t', String(logged[2])],
      ['delta', 'short', String(BigInt.asIntN(64, logged[3]!))],
      ['tag', 'uint8_t', String(logged[4])],
      ['amounts', 'uint64_t[3]', '[3]'],
      ['data', 'const uint8_t *', '0x400000010'],
    ]);
    const amounts = await children(c, copy.get('amounts')!.variablesReference);
    expect([...amounts.values()].map((v) => [v.name, v.value])).toEqual([
      ['[0]', '10'],
      ['[1]', '20'],
      ['[2]', '30'],
    ]);
    // The bytes shown are the VM's: a value's memory reference reads them back.
    expect((await c.readMemory(locals.get('sum')!.memoryReference!, 8)).bytes).toEqual(new Uint8Array(new BigUint64Array([120n]).buffer));
    // The pointer leads to the caller's struct, which the caller's frame shows at the same address.
    const pointee = await children(c, locals.get('entry')!.variablesReference);
    expect(pointee.get('*entry')!.memoryReference).toBe(locals.get('entry')!.value);
    const callerLocals = await c.scope('Locals', 1);
    expect(callerLocals.get('entry')!.memoryReference).toBe(locals.get('entry')!.value);
    const callerEntry = await children(c, callerLocals.get('entry')!.variablesReference);
    expect([...callerEntry.values()].map((v) => v.value)).toEqual([...copy.values()].map((v) => v.value));
    // -O1 keeps no location for the caller's parsed instruction here: it says so.
    expect(callerLocals.get('ix')!.value).toBe('<optimized out>');

    const evaluate = async (expression: string, frameId = 0) => (await c.dc.evaluateRequest({ expression, frameId })).body;
    expect(await evaluate('sum')).toMatchObject({ result: '120', type: 'uint64_t' });
    expect(await evaluate('r1')).toMatchObject({ result: '0x78' }); // sol_log_64_'s first argument
    expect(await evaluate('copy.amounts[1]')).toMatchObject({ result: '20', type: 'uint64_t' });
    expect(await evaluate('entry->tag')).toMatchObject({ result: '5', type: 'uint8_t' });
    expect(await evaluate('entry.delta')).toMatchObject({ result: '-5', type: 'short' });
    expect(await evaluate('copy.data[1]')).toMatchObject({ result: '6', type: 'const uint8_t' }); // the instruction data
    expect(await evaluate('entry.id', 1)).toMatchObject({ result: String(logged[2]) });
    await expect(evaluate('nothing')).rejects.toThrow(/no nothing in this frame/);
    await expect(evaluate('copy.nothing')).rejects.toThrow(/no copy.nothing/);
    await expect(evaluate('sum[1]')).rejects.toThrow(/no sum\[1\]/);

    // The run ends as a plain one.
    await c.dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    const end = await c.endAfter(() => c.dc.continueRequest({ threadId: 1 }));
    expect(end.exitCode).toBe(0);
    expect(end.output.map((e) => e.body.output)).toContain(`success  ${plain.computeUnitsConsumed} compute units\n`);
  });

  it('reads a parameter from a register through its location list, and says where none is known', async () => {
    const harness = new InstructionHarness().addProgram(PROGRAM, programElf(build));
    const c = (client = ScriptedClient.inProcess(instructionDebuggee(harness, { programId: PROGRAM, keys: [], data: [1] }, [])));
    await c.launch({ stopOnEntry: true });
    await c.stopAfter(() => c.dc.configurationDoneRequest());
    const frames = await c.frames();
    const entrypoint = frames.findIndex((f) => f.name === 'entrypoint');
    const locals = await c.scope('Locals', entrypoint);
    // At the first instruction the input pointer is in r1 (the -O1 code's location list says so).
    expect(locals.get('input')).toMatchObject({ value: '0x400000000', type: 'const uint8_t *' });
    expect(locals.get('input')!.memoryReference).toBeUndefined(); // a register's value, not memory
    // Every variable has a value or says why it has none.
    for (const v of locals.values()) expect(v.value).toMatch(/^(0x[0-9a-f]+|-?\d+|\{\d+ members?\}|\[\d+\]|<[^>]+>)$/);
  });
});
