/**
 * counter — tests in the style of an Anchor project's `tests/counter.ts`, against the C program
 * built with Anchor's conventions, using websvm's SVM and its Anchor IDL support.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSigner, lamports, type KeyPairSigner } from '@solana/kit';
import { AnchorProgram, Check, FailedTransactionMetadata, InstructionHarness, SVM, type AnchorIdl } from 'websvm';
import { rpc } from '../../helpers.js';

const idl = JSON.parse(readFileSync(new URL('../idl/counter.json', import.meta.url), 'utf8')) as AnchorIdl;
const elf = readFileSync(new URL('../program/counter.so', import.meta.url));

describe('counter', () => {
  const program = new AnchorProgram(idl);
  const svm = new SVM();
  let authority: KeyPairSigner;
  let counter: KeyPairSigner;

  /** `program.methods…rpc()`: the authority pays. */
  const send = (ix: ReturnType<AnchorProgram['instruction']>, signers: KeyPairSigner[]) => rpc(svm, ix, [authority, ...signers.filter((s) => s !== authority)]);

  const fetchCounter = () => {
    const account = svm.getAccount(counter.address);
    if (!account.exists) throw new Error('counter not found');
    return program.decodeAccount<{ authority: string; count: bigint }>('Counter', account.data);
  };

  beforeAll(async () => {
    svm.addProgram(program.programId, elf);
    [authority, counter] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
    svm.airdrop(authority.address, lamports(10_000_000_000n));
  });

  it('initializes the counter', async () => {
    const result = await send(program.instruction('initialize', { start: 41n }, { counter: counter.address, authority: authority.address }), [
      counter,
      authority,
    ]);
    expect(result).not.toBeInstanceOf(FailedTransactionMetadata);
    expect(result.toString()).toContain('Program log: Instruction: Initialize');
    expect(fetchCounter()).toEqual({ authority: authority.address, count: 41n });
    expect(svm.getAccount(counter.address)).toMatchObject({ exists: true, programAddress: program.programId, space: 48n });
  });

  it('increments and emits Incremented', async () => {
    const result = await send(program.instruction('increment', {}, { counter: counter.address, authority: authority.address }), [authority]);
    if (result instanceof FailedTransactionMetadata) throw new Error(result.toString());
    expect(fetchCounter().count).toBe(42n);
    expect(program.decodeEvents(result.logs())).toEqual([{ name: 'Incremented', data: { count: 42n } }]);
  });

  it('rejects another authority (ConstraintHasOne, error 2001)', async () => {
    const mallory = await generateKeyPairSigner();
    svm.airdrop(mallory.address, lamports(1_000_000_000n));
    const result = await rpc(svm, program.instruction('increment', {}, { counter: counter.address, authority: mallory.address }), [mallory]);
    expect(result).toBeInstanceOf(FailedTransactionMetadata);
    const failed = result as FailedTransactionMetadata;
    expect(failed.meta().logs()).toContain(
      'Program log: AnchorError caused by account: counter. Error Code: ConstraintHasOne. Error Number: 2001. Error Message: A has one constraint was violated.',
    );
    expect(failed.err().toString()).toBe('TransactionErrorInstructionError { index: 0, error: InstructionErrorCustom { code: 2001 } }');
    svm.useIdl(program);
    expect(failed.describeError()).toBe(`InstructionError(0, Custom(2001)): ConstraintHasOne (Custom(2001)) (program ${program.programId})`);
    expect(program.describe({ kind: 'Custom', code: 2001 })).toBe('ConstraintHasOne (Custom(2001))');
    expect(fetchCounter().count).toBe(42n);
  });

  it('names IDL errors in instruction-level checks (Overflow, 6000)', () => {
    const harness = new InstructionHarness().addProgram(program.programId, elf).useIdl(program);
    const full = program.encodeAccount('Counter', { authority: authority.address, count: 0xffff_ffff_ffff_ffffn });
    const accounts: [string, { lamports: bigint; data: Uint8Array; programAddress: string }][] = [
      [counter.address, { lamports: 1_000_000_000n, data: full, programAddress: program.programId }],
      [authority.address, { lamports: 1_000_000_000n, data: new Uint8Array(0), programAddress: '11111111111111111111111111111111' }],
    ];
    const increment = program.instruction('increment', {}, { counter: counter.address, authority: authority.address });
    harness.processAndValidate(increment, accounts, [program.errorCheck('Overflow')]);
    expect(() => harness.processAndValidate(increment, accounts, [Check.success()])).toThrow(
      'result: expected success, got Overflow (Custom(6000): Counter overflow) (custom program error: 0x1770)',
    );
  });
});
