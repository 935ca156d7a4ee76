/**
 * UI amounts of Token-2022 mints with an interest-bearing or a scaled-UI-amount config, as Agave's
 * `token_amount_to_ui_amount_v3` computes them at the clock's time: the expected strings are
 * token-2022's own test vectors (interface/src/extension/{interest_bearing_mint,scaled_ui_amount}).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, Keypair, PublicKey } from '@solana/web3.js';
import { startValidator, type Validator } from '../../src/validator/index.js';
import { TOKEN_2022_PROGRAM_ID, writeTokenAccount } from '../../src/validator/spl-token.js';
import { mintUnits, rustFixed, tokenAmount } from '../../src/validator/token-units.js';

/** `60 · 60 · 24 · 365.24` seconds. */
const YEAR = 31_556_736n;
const U64_MAX = (1n << 64n) - 1n;

/** A Token-2022 mint (`decimals`, `supply`) with one extension entry of type `type`. */
function mintWith(decimals: number, supply: bigint, type: number, value: Uint8Array): Uint8Array {
  const data = new Uint8Array(166 + 4 + value.length);
  const v = new DataView(data.buffer);
  v.setBigUint64(36, supply, true);
  data[44] = decimals;
  data[45] = 1; // initialized
  data[165] = 1; // AccountType::Mint
  v.setUint16(166, type, true);
  v.setUint16(168, value.length, true);
  data.set(value, 170);
  return data;
}

function interestBearing(initialized: bigint, preRate: number, lastUpdate: bigint, currentRate: number): [number, Uint8Array] {
  const value = new Uint8Array(52);
  const v = new DataView(value.buffer);
  v.setBigInt64(32, initialized, true);
  v.setInt16(40, preRate, true);
  v.setBigInt64(42, lastUpdate, true);
  v.setInt16(50, currentRate, true);
  return [10, value];
}

function scaledUiAmount(multiplier: number, effective: bigint, newMultiplier: number): [number, Uint8Array] {
  const value = new Uint8Array(56);
  const v = new DataView(value.buffer);
  v.setFloat64(32, multiplier, true);
  v.setBigInt64(40, effective, true);
  v.setFloat64(48, newMultiplier, true);
  return [25, value];
}

const ui = (amount: bigint, decimals: number, [type, value]: [number, Uint8Array], now: bigint) =>
  tokenAmount(amount, mintUnits(mintWith(decimals, 0n, type, value), now)!).uiAmountString;

describe('Rust fixed-point formatting', () => {
  it('writes the exact value rounded half to even, and non-finite values as Rust does', () => {
    expect([rustFixed(0.5, 0), rustFixed(1.5, 0), rustFixed(2.5, 0), rustFixed(0.125, 2), rustFixed(0.1, 20)]).toEqual([
      '0',
      '2',
      '2',
      '0.12',
      '0.10000000000000000555',
    ]);
    expect([rustFixed(-0, 1), rustFixed(2 ** 70, 0), rustFixed(Infinity, 2), rustFixed(NaN, 0)]).toEqual(['-0.0', '1180591620717411303424', 'inf', 'NaN']);
  });
});

describe('interest-bearing and scaled UI amounts', () => {
  it('match token-2022’s interest-bearing vectors', () => {
    const fivePercent = interestBearing(0n, 500, YEAR, 500);
    expect(ui(10n ** 18n, 18, fivePercent, YEAR)).toBe('1.051271096376024117');
    expect(ui(10n ** 18n, 19, fivePercent, YEAR)).toBe('0.1051271096376024117');
    expect(ui(10n ** 18n, 28, fivePercent, YEAR)).toBe('0.0000000001051271096376024175');
    expect(ui(10_000_000_000n, 10, fivePercent, YEAR)).toBe('1.0512710964');
    expect(ui(10n ** 18n, 18, interestBearing(0n, -500, YEAR, -500), YEAR)).toBe('0.951229424500713905');
    expect(ui(1n, 0, interestBearing(0n, -500, YEAR, 500), 2n * YEAR)).toBe('1');
    expect(ui(U64_MAX, 0, fivePercent, 2n * YEAR)).toBe('20386805083448098816');
    for (const [amount, expected] of [
      [23n, '0.23'],
      [110n, '1.1'],
      [4200n, '42'],
      [0n, '0'],
    ] as const)
      expect(ui(amount, 2, interestBearing(0n, 0, YEAR, 0), YEAR)).toBe(expected);
  });

  it('match token-2022’s scaled-UI-amount vectors, the new multiplier from its time on', () => {
    const fiveTimes = scaledUiAmount(5, 1n, 0);
    expect([ui(1n, 0, fiveTimes, 0n), ui(1n, 1, fiveTimes, 0n), ui(1n, 10, fiveTimes, 0n), ui(10_000_000_000n, 10, fiveTimes, 0n)]).toEqual([
      '5',
      '0.5',
      '0.0000000005',
      '5',
    ]);
    expect(ui(U64_MAX, 0, scaledUiAmount(Number.MAX_VALUE, 1n, 0), 0n)).toBe('inf');
    expect(ui(101n, 2, scaledUiAmount(0.99, 1n, 0), 0n)).toBe('0.99');
    expect(ui(1n, 0, scaledUiAmount(5, 1n, 10), 1n)).toBe('10');
    const infinite = tokenAmount(U64_MAX, mintUnits(mintWith(0, 0n, ...scaledUiAmount(Number.MAX_VALUE, 1n, 0)), 0n)!);
    expect(infinite).toEqual({ uiAmount: null, decimals: 0, amount: U64_MAX.toString(), uiAmountString: 'inf' });
  });
});

describe('validator token methods with UI-amount configs', () => {
  let v: Validator;
  let connection: Connection;
  const interestMint = Keypair.generate().publicKey;
  const scaledMint = Keypair.generate().publicKey;
  const interestHolder = Keypair.generate().publicKey;
  const scaledHolder = Keypair.generate().publicKey;

  /** A Token-2022 account of `mint` holding `amount`. */
  function holding(mint: PublicKey, amount: bigint): Uint8Array {
    const data = new Uint8Array(165);
    writeTokenAccount(data, {
      mint: mint.toBase58(),
      owner: Keypair.generate().publicKey.toBase58(),
      amount,
      delegate: null,
      state: 'initialized',
      nativeReserve: null,
      delegatedAmount: 0n,
      closeAuthority: null,
    });
    return data;
  }

  beforeAll(async () => {
    // Manual slots: the clock's time stays where the configs below are set relative to it.
    v = await startValidator({ slotTime: 'manual' });
    connection = new Connection(v.rpcUrl, 'confirmed');
    const now = v.svm.runtime.clock.unixTimestamp;
    const set = (at: PublicKey, data: Uint8Array) =>
      v.svm.setAccount(at.toBase58(), { lamports: 10_000_000n, data, owner: TOKEN_2022_PROGRAM_ID, executable: false });
    // A year at 5% before the last update, none since: exp(0.05).
    set(interestMint, mintWith(18, 10n ** 18n, ...interestBearing(now - YEAR, 500, now, 500)));
    set(scaledMint, mintWith(2, 101n, ...scaledUiAmount(0.99, now + 3600n, 5)));
    set(interestHolder, holding(interestMint, 10n ** 18n));
    set(scaledHolder, holding(scaledMint, 101n));
  });
  afterAll(() => v.close());

  it('getTokenSupply, getTokenAccountBalance and getTokenLargestAccounts answer the configured UI amounts', async () => {
    const interest = { uiAmount: 1.0512710963760241, decimals: 18, amount: '1000000000000000000', uiAmountString: '1.051271096376024117' };
    const scaled = { uiAmount: 0.99, decimals: 2, amount: '101', uiAmountString: '0.99' };
    expect((await connection.getTokenSupply(interestMint)).value).toEqual(interest);
    expect((await connection.getTokenAccountBalance(interestHolder)).value).toEqual(interest);
    expect((await connection.getTokenSupply(scaledMint)).value).toEqual(scaled);
    expect((await connection.getTokenAccountBalance(scaledHolder)).value).toEqual(scaled);
    expect((await connection.getTokenLargestAccounts(scaledMint)).value).toEqual([{ address: scaledHolder, ...scaled }]);
  });

  it('jsonParsed token accounts show them as tokenAmount', async () => {
    const parsed = (await connection.getParsedAccountInfo(interestHolder)).value?.data as { parsed: { info: { tokenAmount: unknown } } };
    expect(parsed.parsed.info.tokenAmount).toEqual({
      uiAmount: 1.0512710963760241,
      decimals: 18,
      amount: '1000000000000000000',
      uiAmountString: '1.051271096376024117',
    });
  });
});
