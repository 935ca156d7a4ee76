/** Anchor IDL support on an IDL of both formats: instruction encoding, accounts, events, errors. */
import { describe, expect, it } from 'vitest';
import { address, getAddressEncoder, getProgramDerivedAddress } from '@solana/kit';
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

  it('encodes an enum value given as its variant name, as Anchor writes it, or as an object', () => {
    const program = new AnchorProgram(
      {
        name: 'enums',
        instructions: [],
        types: [
          { name: 'State', type: { kind: 'enum', variants: [{ name: 'Uninitialized' }, { name: 'Initialized' }, { name: 'Frozen' }] } },
          { name: 'Holder', type: { kind: 'struct', fields: [{ name: 'state', type: { defined: 'State' } }] } },
        ],
      },
      PROGRAM,
    );
    for (const state of ['Frozen', { frozen: {} }, { Frozen: {} }]) expect(program.encodeType('Holder', { state })).toEqual(Uint8Array.of(2));
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

describe('AnchorProgram account resolution', () => {
  const SYSTEM = '11111111111111111111111111111111';
  const owner = 'GjJyeC1r2RgkuoCWMyPYkCWSGSGLcz266EaAkLA27AhL';

  it('takes an optional account as None when left out, null or the program id, read-only and not signing', () => {
    const program = new AnchorProgram(legacy, PROGRAM);
    const args = { value: 1, label: '', owner: OWNER, tags: [], limit: null, point: { x: 0, y: 0 } };
    for (const referrer of [undefined, null, PROGRAM]) {
      expect(program.instruction('setData', args, { state: OWNER, payer: PROGRAM, referrer }).accounts[2]).toEqual({ address: PROGRAM, role: 0 });
    }
    expect(program.instruction('setData', args, { state: OWNER, payer: PROGRAM, referrer: owner }).accounts[2]).toEqual({ address: owner, role: 1 });
  });

  it('derives PDAs from 0.30 seeds (constants and other accounts, in dependency order)', async () => {
    const { readFileSync } = await import('node:fs');
    const idl = JSON.parse(readFileSync(new URL('../../Anchor-like-examples/vault/idl/vault.json', import.meta.url), 'utf8')) as AnchorIdl;
    const program = new AnchorProgram(idl);
    const [vaultState] = await getProgramDerivedAddress({
      programAddress: address(program.programId),
      seeds: ['state', getAddressEncoder().encode(address(owner))],
    });
    const [vault] = await getProgramDerivedAddress({ programAddress: address(program.programId), seeds: ['vault', getAddressEncoder().encode(vaultState)] });
    expect(program.instruction('initialize', {}, { owner }).accounts).toEqual([
      { address: owner, role: 3 },
      { address: vaultState, role: 1 },
      { address: vault, role: 0 },
      { address: SYSTEM, role: 0 },
    ]);
    expect(() => program.instruction('initialize', {}, {})).toThrow('initialize: missing account owner');
  });

  const seeded: AnchorIdl = {
    name: 'seeded',
    instructions: [
      {
        name: 'open',
        accounts: [
          { name: 'authority', isMut: true, isSigner: true },
          { name: 'config', isMut: false, isSigner: false },
          {
            name: 'position',
            isMut: true,
            isSigner: false,
            pda: {
              seeds: [
                { kind: 'const', type: 'string', value: 'position' },
                { kind: 'account', type: 'publicKey', path: 'authority' },
                { kind: 'arg', type: 'u64', path: 'index' },
                { kind: 'account', type: 'publicKey', account: 'Config', path: 'config.admin' },
              ],
            },
          },
          { name: 'systemProgram', isMut: false, isSigner: false },
          { name: 'rent', isMut: false, isSigner: false },
        ],
        args: [{ name: 'index', type: 'u64' }],
      },
    ],
    accounts: [{ name: 'config', type: { kind: 'struct', fields: [{ name: 'admin', type: 'publicKey' }] } }],
  };

  it('derives PDAs from 0.29 typed seeds (strings, keys, arguments, a field of another account) and fills in well-known accounts', async () => {
    const program = new AnchorProgram(seeded, PROGRAM);
    const configAddress = 'SysvarC1ock11111111111111111111111111111111';
    const config = program.encodeAccount('Config', { admin: OWNER });
    const index = { toArrayLike: () => [], toString: () => '258' }; // a bn.js number's shape
    const ix = program.instruction(
      'open',
      { index },
      { authority: owner, config: configAddress },
      { accountData: (a) => (a === configAddress ? config : undefined) },
    );
    const [position] = await getProgramDerivedAddress({
      programAddress: address(PROGRAM),
      seeds: ['position', getAddressEncoder().encode(address(owner)), Uint8Array.of(2, 1, 0, 0, 0, 0, 0, 0), getAddressEncoder().encode(address(OWNER))],
    });
    expect(ix.accounts.map((a) => a.address)).toEqual([owner, configAddress, position, SYSTEM, 'SysvarRent111111111111111111111111111111111']);
    expect(Array.from(ix.data.subarray(8))).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
    // Without the config's data the PDA cannot be derived, and the error says which seed is missing.
    expect(() => program.instruction('open', { index: 1n }, { authority: owner, config: configAddress })).toThrow(
      'open: missing account position (its PDA seeds need account config.admin)',
    );
  });

  it("finds a has_one account through 0.30 `relations` in the related account's data, as @coral-xyz/anchor's client does", async () => {
    const { readFileSync } = await import('node:fs');
    const { Program } = await import('@coral-xyz/anchor');
    const { PublicKey } = await import('@solana/web3.js');
    const { SVM } = await import('../../src/index.js');
    const { WebsvmProvider } = await import('../../src/anchor/index.js');
    const escrowIdl = JSON.parse(readFileSync(new URL('../../Anchor-like-examples/escrow/idl/escrow.json', import.meta.url), 'utf8')) as AnchorIdl;
    // What Anchor 0.30 writes for `#[account(mut, has_one = maker)] escrow` in take: maker relates to escrow.
    const take = escrowIdl.instructions.find((i) => i.name === 'take')!;
    take.accounts = take.accounts.map((a) => (a.name === 'maker' ? { ...a, relations: ['escrow'] } : a));
    const program = new AnchorProgram(escrowIdl);
    const escrow = 'SysvarC1ock11111111111111111111111111111111';
    const data = program.encodeAccount('Escrow', { maker: owner, mint_a: OWNER, mint_b: OWNER, receive: 1n, bump: 255 });
    const accountData = (a: string) => (a === escrow ? data : undefined);
    const given = {
      taker: 'Stake11111111111111111111111111111111111111',
      escrow,
      taker_ata_a: 'SysvarRent111111111111111111111111111111111',
      taker_ata_b: PROGRAM,
      maker_ata_b: SYSTEM,
      vault: OWNER,
    };

    const resolved = program.instruction('take', {}, given, { accountData }).accounts;
    expect(resolved[1]).toEqual({ address: owner, role: 1 });
    expect(program.instruction('take', {}, { ...given, maker: OWNER }, { accountData }).accounts[1].address).toBe(OWNER); // given wins
    expect(() => program.instruction('take', {}, given)).toThrow(
      "take: missing account maker (found through escrow's data, which needs escrow and options.accountData)",
    );
    // Data no IDL account's discriminator names leaves the relation unresolved, as Anchor's decodeAny does.
    expect(() => program.instruction('take', {}, given, { accountData: () => new Uint8Array(120) })).toThrow('missing account maker');

    // Anchor's own resolver, reading the same account through a WebsvmProvider, finds the same keys.
    const svm = new SVM();
    svm.setAccount(escrow, { lamports: 1_000_000n, data, owner: program.programId, executable: false });
    const anchorProgram = new Program(escrowIdl as never, new WebsvmProvider(svm));
    const ix = await anchorProgram.methods
      .take()
      .accounts(Object.fromEntries(Object.entries(given).map(([name, key]) => [name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), new PublicKey(key)])))
      .instruction();
    expect(ix.keys.map((k) => ({ address: k.pubkey.toBase58(), role: (k.isWritable ? 1 : 0) | (k.isSigner ? 2 : 0) }))).toEqual(resolved);
  });

  it('hashes old-format account names in PascalCase, and finds them in either case', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const program = new AnchorProgram(seeded, PROGRAM);
    const data = program.encodeAccount('config', { admin: OWNER });
    expect(data.subarray(0, 8)).toEqual(sha256(new TextEncoder().encode('account:Config')).subarray(0, 8));
    expect(program.decodeAccount('Config', data)).toEqual({ admin: OWNER });
  });

  it("names Anchor's framework errors", () => {
    const program = new AnchorProgram(legacy, PROGRAM);
    const names = [1001, 2011, 2014, 2501, 3013, 4100].map((code) => program.errorName(code)?.name);
    expect(names).toEqual([
      'IdlInstructionInvalidProgram',
      'ConstraintClose',
      'ConstraintTokenMint',
      'RequireEqViolated',
      'AccountNotProgramData',
      'DeclaredProgramIdMismatch',
    ]);
    expect(program.errorCode('ConstraintMintTransferHookExtensionProgramId')).toBe(2039);
  });
});
