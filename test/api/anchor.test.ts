/** Anchor IDL support on an IDL of both formats: instruction encoding, accounts, events, errors. */
import { describe, expect, it } from 'vitest';
import { AnchorProgram, WebsvmError, type AnchorIdl } from '../../src/index.js';

const legacy: AnchorIdl = {
  name: 'legacy',
  instructions: [
    {
      name: 'setData',
      accounts: [
        { name: 'state', isMut: true, isSigner: false },
        { name: 'payer', isMut: true, isSigner: true },
        { name: 'referrer', isMut: true, isSigner: false, isOptional: true },
      ],
      args: [
        { name: 'value', type: 'u32' },
        { name: 'label', type: 'string' },
        { name: 'owner', type: 'publicKey' },
        { name: 'tags', type: { vec: 'u8' } },
        { name: 'limit', type: { option: 'u64' } },
        { name: 'point', type: { defined: 'Point' } },
      ],
    },
  ],
  accounts: [
    {
      name: 'State',
      type: {
        kind: 'struct',
        fields: [
          { name: 'value', type: 'u32' },
          { name: 'owner', type: 'publicKey' },
          { name: 'hist', type: { array: ['u16', 3] } },
        ],
      },
    },
  ],
  events: [{ name: 'Changed', fields: [{ name: 'value', type: 'u32' }] }],
  errors: [{ code: 6000, name: 'TooBig', msg: 'Value too big' }],
  types: [
    {
      name: 'Point',
      type: {
        kind: 'struct',
        fields: [
          { name: 'x', type: 'i16' },
          { name: 'y', type: 'i16' },
        ],
      },
    },
  ],
};
const PROGRAM = 'Counter111111111111111111111111111111111111';
const OWNER = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

describe('AnchorProgram', () => {
  const program = new AnchorProgram(legacy, PROGRAM);

  it('builds instructions: discriminator, borsh arguments, account roles', () => {
    const ix = program.instruction(
      'set_data',
      { value: 7, label: 'hi', owner: OWNER, tags: [1, 2], limit: 9n, point: { x: -1, y: 2 } },
      { state: OWNER, payer: PROGRAM },
    );
    // After the discriminator: u32 7, string "hi", pubkey, vec [1,2], Some(9u64), i16 -1, i16 2.
    expect(Array.from(ix.data.subarray(8, 18))).toEqual([7, 0, 0, 0, 2, 0, 0, 0, 104, 105]);
    expect(Array.from(ix.data.subarray(50))).toEqual([2, 0, 0, 0, 1, 2, 1, 9, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 2, 0]);
    expect(ix.accounts).toEqual([
      { address: OWNER, role: 1 },
      { address: PROGRAM, role: 3 },
      // An optional account left out is the program id, read-only (Anchor's None).
      { address: PROGRAM, role: 0 },
    ]);
    expect(() => program.instruction('set_data', {}, {})).toThrow(WebsvmError);
    expect(() => program.instruction('nope', {}, {})).toThrow(/no instruction nope/);
  });

  it('derives discriminators the way Anchor does', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const ix = program.instruction(
      'setData',
      { value: 1, label: '', owner: OWNER, tags: [], limit: null, point: { x: 0, y: 0 } },
      { state: OWNER, payer: PROGRAM },
    );
    expect(ix.data.subarray(0, 8)).toEqual(sha256(new TextEncoder().encode('global:set_data')).subarray(0, 8));
  });

  it('round-trips accounts and rejects the wrong discriminator', () => {
    const data = program.encodeAccount('State', { value: 5, owner: OWNER, hist: [1, 2, 3] });
    expect(program.decodeAccount('State', data)).toEqual({ value: 5, owner: OWNER, hist: [1, 2, 3] });
    expect(program.decodeAccount('State', Uint8Array.from([...data, 0, 0, 0]))).toEqual({ value: 5, owner: OWNER, hist: [1, 2, 3] });
    data[0] ^= 1;
    expect(() => program.decodeAccount('State', data)).toThrow(/not a State/);
  });

  it('decodes events from Program data lines and names errors', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const bytes = Uint8Array.from([...sha256(new TextEncoder().encode('event:Changed')).subarray(0, 8), 9, 0, 0, 0]);
    const line = `Program data: ${btoa(String.fromCharCode(...bytes))}`;
    expect(program.decodeEvents(['Program log: x', line])).toEqual([{ name: 'Changed', data: { value: 9 } }]);
    expect(program.errorName(6000)).toEqual({ name: 'TooBig', msg: 'Value too big' });
    expect(program.errorName(3012)).toEqual({ name: 'AccountNotInitialized' });
    expect(program.errorCode('TooBig')).toBe(6000);
    expect(program.describe({ kind: 'Custom', code: 6000 })).toBe('TooBig (Custom(6000): Value too big)');
    expect(program.describe({ kind: 'InvalidArgument' })).toBe('InvalidArgument');
  });
});
