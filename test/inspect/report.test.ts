/**
 * What the transaction inspector reads, and what its page says without a browser: each frame's
 * units and log range as the runtime records them, the accounts before and after, refused and
 * history transactions, the harness's runs and checked options.
 */
import { describe, expect, it } from 'vitest';
import {
  AnchorProgram,
  FailedTransactionMetadata,
  InstructionHarness,
  SimulatedTransactionInfo,
  SVM,
  TransactionMetadata,
  WebsvmError,
  type AnchorIdl,
} from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { thrown } from '../helpers/errors.js';
import { deploy, profiledSvm, send, transaction } from '../helpers/inspector-runs.js';
import { generateKeyPairSigner, type Address } from '@solana/kit';

const outcomeOf = (r: TransactionMetadata | FailedTransactionMetadata) => (r instanceof TransactionMetadata ? r : r.meta()).outcome;

describe('the execution record', () => {
  it('gives each frame its units (callees included) and its log lines', async () => {
    const { svm, payer } = await profiledSvm();
    const cpi = await deploy(svm, 'cpi');
    const callee = await deploy(svm, 'cpi_callee');
    const result = await send(svm, payer, [{ programAddress: cpi, accounts: [{ address: callee, role: 0 }], data: Uint8Array.of(1, 7, 8) }]);
    const { execution, logs, computeUnitsConsumed } = outcomeOf(result);
    const [top, inner] = execution!.instructions;
    expect(execution!.instructions).toHaveLength(2);
    expect(top).toMatchObject({ stackHeight: 1, units: Number(computeUnitsConsumed), logsFrom: 0, logsTo: logs.length, failed: false });
    expect(inner).toMatchObject({ stackHeight: 2, failed: false });
    const calleeLogs = logs.slice(inner!.logsFrom, inner!.logsTo);
    expect(calleeLogs[0]).toBe(`Program ${callee} invoke [2]`);
    expect(calleeLogs.at(-1)).toBe(`Program ${callee} success`);
    // A program's `consumed` line counts what its frame consumed, its callees' units included.
    expect(calleeLogs).toContain(`Program ${callee} consumed ${inner!.units} of ${calleeLogs.find((l) => l.includes(' consumed '))!.split(' of ')[1]}`);
  });

  it('keeps the accounts as stored before the transaction and as it left them', async () => {
    const { svm, payer } = await profiledSvm();
    const before = svm.getBalance(payer.address)!;
    const program = await deploy(svm, 'logging');
    const { execution, fee } = outcomeOf(await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(1) }]));
    const i = execution!.keys.indexOf(payer.address);
    expect(execution!.before[i]!.lamports).toBe(before);
    expect(execution!.after[i]!.lamports).toBe(before - fee);
    expect(execution!.writable[i]).toBe(true);
  });

  it('is not kept in the transaction history, whose page says so', async () => {
    const { svm, payer } = await profiledSvm();
    const program = await deploy(svm, 'logging');
    const sent = await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(1) }]);
    const again = svm.getTransaction((sent as TransactionMetadata).signature())!;
    expect(outcomeOf(again).execution).toBeUndefined();
    expect(again.report()).toContain('the transaction history keeps no trace');
  });
});

describe('report()', () => {
  it('says a refused transaction ran nothing and charged nothing', async () => {
    const svm = new SVM();
    const { payer } = await profiledSvm(); // a payer the SVM above never funded
    const program = await deploy(svm, 'logging');
    const result = await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(1) }]);
    const page = result.report();
    expect(page).toContain('<p class="error">AccountNotFound</p>');
    expect(page).toContain('Refused before execution: no instruction ran and no fee was charged.');
    expect(page).not.toContain('<dt>fee</dt>');
  });

  it("writes the harness's runs, with the IDLs it was given", () => {
    const idl = JSON.parse(readFileSync('Anchor-like-examples/counter/idl/counter.json', 'utf8')) as AnchorIdl;
    const counter = new AnchorProgram(idl);
    const harness = new InstructionHarness().useIdl(counter);
    harness.addProgram(counter.programId, new Uint8Array(readFileSync('Anchor-like-examples/counter/program/counter.so')));
    const authority = 'Auth111111111111111111111111111111111111111';
    const state = 'State11111111111111111111111111111111111111';
    const data = counter.encodeAccount('Counter', { authority, count: 2n ** 64n - 1n });
    const ix = counter.instruction('increment', {}, { counter: state, authority });
    const result = harness.process(
      {
        programId: ix.programAddress,
        keys: ix.accounts.map((a) => ({ pubkey: a.address, isWritable: (a.role & 1) === 1, isSigner: (a.role & 2) === 2 })),
        data: ix.data,
      },
      [
        [state, { lamports: 1_000_000n, data, owner: counter.programId, executable: false }],
        [authority, { lamports: 1_000_000n, data: new Uint8Array(0), owner: '11111111111111111111111111111111', executable: false }],
      ],
    );
    const page = result.report();
    expect(page).toContain('instruction 0 failed: Overflow (Custom(6000): Counter overflow)');
    expect(page).toContain('<span class="ix-name">increment</span>');
    expect(page).toContain('The failed instruction changed nothing');
    expect(page).toContain('<p class="none">No account changed.</p>');
  });

  it("decodes a simulation's page with the SVM's IDLs", async () => {
    const { svm, payer } = await profiledSvm();
    const idl = JSON.parse(readFileSync('Anchor-like-examples/counter/idl/counter.json', 'utf8')) as AnchorIdl;
    const counter = new AnchorProgram(idl);
    svm.useIdl(counter).addProgram(counter.programId, new Uint8Array(readFileSync('Anchor-like-examples/counter/program/counter.so')));
    const state = await generateKeyPairSigner();
    const ix = counter.instruction('initialize', { start: 7n }, { counter: state.address, authority: payer.address });
    const instruction = {
      programAddress: ix.programAddress as Address,
      accounts: ix.accounts.map((a) => ({ address: a.address as Address, role: a.role })),
      data: ix.data,
    };
    const simulated = svm.simulateTransaction(await transaction(svm, payer, [instruction], [state]));
    expect(simulated).toBeInstanceOf(SimulatedTransactionInfo);
    const page = (simulated as SimulatedTransactionInfo).meta().report();
    expect(page).toContain('<span class="ix-name">initialize</span>');
    expect(page).toContain('<div class="type-name">Counter</div>');
  });

  it('checks its options', async () => {
    const { svm, payer } = await profiledSvm();
    const program = await deploy(svm, 'logging');
    const result = await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(1) }]);
    expect(thrown(WebsvmError, () => result.report({ idls: [42 as never] })).message).toBe('options.idls[0] must be an AnchorProgram, got 42');
    expect(thrown(WebsvmError, () => result.report('x' as never)).kind).toBe('InvalidArgument');
    expect(thrown(WebsvmError, () => result.report({ readSource: 1 as never })).message).toBe('options.readSource must be a function, got 1');
  });

  it('reads the failing line through readSource', async () => {
    const { svm, payer } = await profiledSvm();
    const program = await deploy(svm, 'debuginfo');
    // data[0] = 2: divides by data[1], zero, in math.c.
    const result = await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(2, 0) }]);
    const asked: string[] = [];
    const page = result.report({ readSource: (file) => (asked.push(file), 'one\ntwo\n<three>\nfour\n'.repeat(10)) });
    expect(asked).toEqual(['programs/debuginfo/math.c']);
    expect(page).toMatch(/<span class="source-line here"><span class="line-no">\d+<\/span>/);
    expect(page).toContain('&lt;three&gt;');
  });
});
