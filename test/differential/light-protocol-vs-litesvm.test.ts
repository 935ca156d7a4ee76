/**
 * Real programs, websvm against LiteSVM: Light Protocol's compiled Anchor and pinocchio programs
 * (fetched from npm by `npm run prepare:programs`, never committed), driven through their published
 * IDLs by AnchorProgram, with the accounts their test validator starts with. Every transaction must
 * give the same error, logs, compute units, inner instructions and account bytes on both sides —
 * CPI chains into account compression with poseidon hashing, Anchor's framework errors and
 * IDL-named custom errors included.
 *
 * Without the programs (offline, `npm pack` failing) the suite fails and says why;
 * `WEBSVM_SKIP_REAL_PROGRAMS=1` skips it explicitly instead.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountRole, createAddressWithSeed, generateKeyPairSigner, getProgramDerivedAddress, type Address, type KeyPairSigner } from '@solana/kit';
import { Dual, setBoth } from '../helpers/dual.js';
import { splMintData, u64 } from '../helpers/encoding.js';

const SPL_TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA' as Address;
const SYSTEM_PROGRAM = '11111111111111111111111111111111' as Address;
const skipped = process.env.WEBSVM_SKIP_REAL_PROGRAMS === '1';

/** The helpers, or why the real programs could not be prepared. */
const light = skipped
  ? undefined
  : await import('../helpers/light-protocol.js').catch(
      (e: Error) => new Error(`the real programs are missing and npm run prepare:programs could not fetch them: ${e.message}`),
    );

describe.skipIf(skipped)('Light Protocol programs: websvm = LiteSVM', () => {
  if (light instanceof Error || light === undefined) {
    it('has the real programs (npm run prepare:programs; WEBSVM_SKIP_REAL_PROGRAMS=1 skips this suite)', () => {
      throw light;
    });
    return;
  }
  const {
    LIGHT_PROGRAMS,
    OUTPUT_QUEUE_V2,
    STATE_TREE_V1,
    compressLamports,
    compressedToken,
    createTokenPool,
    lightAccountDump,
    lightAccounts,
    lightElf,
    lightSystem,
    mintTo,
    withSigners,
  } = light;
  let d: Dual;
  let mint: Address;

  beforeAll(async () => {
    d = await Dual.create();
    for (const name of ['spl_noop', 'light_system_program_pinocchio', 'account_compression', 'light_compressed_token', 'light_registry'] as const) {
      d.ours.addProgram(LIGHT_PROGRAMS[name], lightElf(name));
      d.theirs.addProgram(LIGHT_PROGRAMS[name], lightElf(name));
    }
    for (const a of lightAccounts()) setBoth(d, a.address, a);
    mint = (await generateKeyPairSigner()).address;
    setBoth(d, mint, { lamports: 1_461_600n, data: splMintData(d.payer.address), owner: SPL_TOKEN });
  });

  it('light system invoke: compresses lamports into a v1 state tree (CPI into account compression, poseidon path)', async () => {
    const r = await d.expectSame([await compressLamports(d.payer, 1_000_000_000n, STATE_TREE_V1)]);
    expect(r.error).toBeUndefined();
    expect(r.logs).toContain(`Program ${LIGHT_PROGRAMS.account_compression} success`);
  });

  it('light system invoke: compresses lamports into a batched output queue', async () => {
    const r = await d.expectSame([await compressLamports(d.payer, 5_000_000n, OUTPUT_QUEUE_V2)]);
    expect(r.error).toBeUndefined();
  });

  it('compressed-token create_token_pool, then mint_to into both tree kinds', async () => {
    expect((await d.expectSame([await createTokenPool(d.payer, mint)])).error).toBeUndefined();
    const recipient = (await generateKeyPairSigner()).address;
    for (const tree of [STATE_TREE_V1, OUTPUT_QUEUE_V2]) {
      const r = await d.expectSame([await mintTo(d.payer, mint, [recipient, d.payer.address], [7n, 1_000n], tree)], [mint]);
      expect(r.error).toBeUndefined();
    }
  });

  it('the same failures: a second pool for the mint, a stranger minting, uneven mint lists, an instruction the program does not have', async () => {
    // A new blockhash, or the repeated transaction would be refused as already processed.
    d.ours.expireBlockhash();
    d.theirs.expireBlockhash();
    const again = await d.expectSame([await createTokenPool(d.payer, mint)]);
    expect(again.error).toMatch(/^InstructionError\(0, /);

    const stranger: KeyPairSigner = await generateKeyPairSigner();
    setBoth(d, stranger.address, { lamports: 10_000_000_000n, owner: '11111111111111111111111111111111' as Address });
    const minted = await d.expectSame([await mintTo(stranger, mint, [stranger.address], [1n], STATE_TREE_V1)]);
    expect(minted.error).toBe('InstructionError(0, Custom(4))'); // SPL Token's OwnerMismatch, through the CPI
    expect(minted.logs).toContain('Program log: Error: owner does not match');

    const uneven = await d.expectSame([await mintTo(d.payer, mint, [stranger.address, d.payer.address], [1n], STATE_TREE_V1)]);
    expect(uneven.error).toBe('InstructionError(0, Custom(6000))');
    expect(compressedToken.describe({ kind: 'Custom', code: 6000 })).toMatch(/^PublicKeyAmountMissmatch \(Custom\(6000\)/);

    const unknown = { ...(await createTokenPool(d.payer, mint)), data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) };
    const fallback = await d.expectSame([unknown]);
    expect(fallback.error).toBe('InstructionError(0, Custom(101))');
    expect(compressedToken.errorName(101)).toEqual({ name: 'InstructionFallbackNotFound' });
  });

  it("Anchor's own IDL instruction: IdlCreateAccount, refused when it names another program (IdlInstructionInvalidProgram, 1001)", async () => {
    const program = LIGHT_PROGRAMS.light_compressed_token;
    const [base] = await getProgramDerivedAddress({ programAddress: program, seeds: [] });
    const idlAccount = await createAddressWithSeed({ baseAddress: base, programAddress: program, seed: 'anchor:idl' });
    // Anchor's IDL tag (sha256("anchor:idl")[..8], as a little-endian u64), then IdlInstruction::Create { data_len }.
    const data = Uint8Array.of(0x40, 0xf4, 0xbc, 0x78, 0xa7, 0xe9, 0x69, 0x0a, 0, ...u64(200n));
    const create = (programAccount: Address) =>
      withSigners(
        {
          programAddress: program,
          accounts: [
            { address: d.payer.address, role: AccountRole.WRITABLE_SIGNER },
            { address: idlAccount, role: AccountRole.WRITABLE },
            { address: base, role: AccountRole.READONLY },
            { address: SYSTEM_PROGRAM, role: AccountRole.READONLY },
            { address: programAccount, role: AccountRole.READONLY },
          ],
          data,
        },
        [d.payer],
      );
    const refused = await d.expectSame([create(LIGHT_PROGRAMS.account_compression)], [idlAccount]);
    expect(refused.error).toBe('InstructionError(0, Custom(1001))');
    expect(compressedToken.errorName(1001)?.name).toBe('IdlInstructionInvalidProgram');
    const created = await d.expectSame([create(program)], [idlAccount]);
    expect(created.error).toBeUndefined();
    expect(d.account(idlAccount).ours?.owner).toBe(program);
  });

  it('decodes a version-1 CPI context account by the PascalCase discriminator Anchor 0.29 wrote', () => {
    const dumped = lightAccountDump('cpi_context_2_cpi2cdhkH5roePvcudTgUL8ppEBfTay1desGh8G8QxK.json');
    const context = lightSystem.decodeAccount<{ feePayer: string; associatedMerkleTree: string; context: unknown[] }>('cpiContextAccount', dumped.data);
    expect(context.associatedMerkleTree).toBe('smt2rJAFdyJJupwMKAqTNAJwvjhmiZ4JYGZmbVRw1Ho');
    expect(context.context).toEqual([]);
    // Re-encoding gives the dumped bytes back (the account is larger than its value: zero padding).
    const encoded = lightSystem.encodeAccount('CpiContextAccount', context);
    expect(dumped.data.subarray(0, encoded.length)).toEqual(encoded);
  });

  it('encodes the IDL enum AccountState from its variant name, as Anchor writes it, or as an object', () => {
    const token = { mint, owner: mint, amount: 5n, delegate: null, tlv: null };
    const forms = ['Initialized', { initialized: {} }, { Initialized: {} }].map((state) => compressedToken.encodeType('TokenData', { ...token, state }));
    expect(forms[1]).toEqual(forms[0]);
    expect(forms[2]).toEqual(forms[0]);
    expect(forms[0][73]).toBe(0); // the variant index, after mint, owner, amount and None
    expect(compressedToken.encodeType('TokenData', { ...token, state: 'Frozen' })[73]).toBe(1);
    expect(compressedToken.decodeType('TokenData', forms[0])).toEqual({ ...token, state: { Initialized: {} } });
    expect(() => compressedToken.encodeType('TokenData', { ...token, state: 'Closed' })).toThrow(
      '"Closed" is not a variant of AccountState (Initialized, Frozen)',
    );
  });
});
