/**
 * How a mint's raw amounts read as UI amounts (Agave's `SplTokenAdditionalDataV2` and
 * `token_amount_to_ui_amount_v3`): by its decimals, or, for a Token-2022 mint with an
 * interest-bearing config (which wins) or a scaled-UI-amount config, by that config at the
 * clock's Unix time, as token-2022's `amount_to_ui_amount` computes them in f64.
 */
import { InternalError } from '../errors.js';
import { decode } from '../runtime/codec.js';
import { extensionType, KNOWN_EXTENSION_TYPES } from './json-parsed/token-extensions.js';
import { INTEREST_BEARING_CONFIG, NATIVE_MINT_DECIMALS, SCALED_UI_AMOUNT_CONFIG } from '../runtime/spl-token-layouts.js';
import { readExtensions, readMint, uiTokenAmount, type UiTokenAmount } from './spl-token.js';

const INTEREST_BEARING_TYPE = extensionType('interestBearingConfig');
const SCALED_UI_AMOUNT_TYPE = extensionType('scaledUiAmountConfig');
const ONE_IN_BASIS_POINTS = 10_000;
const SECONDS_PER_YEAR = 60 * 60 * 24 * 365.24;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** A mint's decimals and, when it has one, the UI-amount config that turns a raw amount into `uiAmountString`. */
export interface MintUnits {
  decimals: number;
  /** The UI amount string of a raw amount (an interest-bearing or scaled mint's). */
  scaled?: (amount: bigint) => string;
}

/** Wrapped SOL's units (Agave answers for it without reading its account). */
export const NATIVE_MINT_UNITS: MintUnits = { decimals: NATIVE_MINT_DECIMALS };

/** `10_f64.powi(n)` (compiler-rt's `__powidf2`: squaring, the factor applied from the lowest bit up). */
function powi10(n: number): number {
  let base = 10;
  let result = 1;
  for (let e = n; ;) {
    if (e & 1) result *= base;
    e >>= 1;
    if (e === 0) return result;
    base *= base;
  }
}

/** `num_traits::pow(10_f64, n)` (squaring past the low zero bits first, then accumulating). */
function pow10(n: number): number {
  if (n === 0) return 1;
  let base = 10;
  let e = n;
  while ((e & 1) === 0) {
    base *= base;
    e >>= 1;
  }
  let acc = base;
  while (e > 1) {
    e >>= 1;
    base *= base;
    if (e & 1) acc *= base;
  }
  return acc;
}

/**
 * Rust's `format!("{x:.digits$}")`: the exact decimal value of `x` rounded to `digits` places, half
 * to even; `inf`, `-inf` and `NaN` as Rust writes them.
 */
export function rustFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? '-' : '';
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  // x = mantissa · 2^exponent exactly.
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const scaledUp = mantissa * 10n ** BigInt(digits);
  let units: bigint;
  if (exponent >= 0) units = scaledUp << BigInt(exponent);
  else {
    const divisor = 1n << BigInt(-exponent);
    units = scaledUp / divisor;
    const twice = 2n * (scaledUp % divisor);
    if (twice > divisor || (twice === divisor && units % 2n === 1n)) units++;
  }
  const text = units.toString().padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** `trim_ui_amount_string`: trailing zeros, then a trailing point, cut when there are decimals. */
const trimmed = (text: string, decimals: number) => (decimals > 0 ? text.replace(/0+$/, '').replace(/\.$/, '') : text);

/** A config's value is taken only at its exact size, so it always decodes. */
const whole = (): never => {
  throw new InternalError('a token extension of its exact size did not decode');
};

/** `a - b` as i64's `checked_sub`: undefined on overflow. */
function checkedSub(a: bigint, b: bigint): bigint | undefined {
  const d = a - b;
  return d < I64_MIN || d > I64_MAX ? undefined : d;
}

/** `exp(rate · timespan / SECONDS_PER_YEAR / ONE_IN_BASIS_POINTS)`, the product taken in i128 then as f64. */
const growth = (rate: number, timespan: bigint) => Math.exp(Number(BigInt(rate) * timespan) / SECONDS_PER_YEAR / ONE_IN_BASIS_POINTS);

/** `InterestBearingConfig::amount_to_ui_amount` (undefined where a timespan overflows). */
function interestBearing(value: Uint8Array, decimals: number, now: bigint): ((amount: bigint) => string) | undefined {
  const config = decode(INTEREST_BEARING_CONFIG, value, whole);
  const before = checkedSub(config.lastUpdateTimestamp, config.initializationTimestamp);
  const since = checkedSub(now, config.lastUpdateTimestamp);
  if (before === undefined || since === undefined) return undefined;
  const scale = (growth(config.preUpdateAverageRate, before) * growth(config.currentRate, since)) / powi10(decimals);
  return (amount) => trimmed(rustFixed(Number(amount) * scale, decimals), decimals);
}

/** `ScaledUiAmountConfig::amount_to_ui_amount`: the scaled amount cut toward zero, then shifted by the decimals. */
function scaledUiAmount(value: Uint8Array, decimals: number, now: bigint): (amount: bigint) => string {
  const config = decode(SCALED_UI_AMOUNT_CONFIG, value, whole);
  const multiplier = now >= config.newMultiplierEffectiveTimestamp ? config.newMultiplier : config.multiplier;
  return (amount) => trimmed(rustFixed(Math.trunc(Number(amount) * multiplier) / pow10(decimals), decimals), decimals);
}

/** The units of the mint whose data is `data` at Unix time `now`, or undefined when it is no initialized mint. */
export function mintUnits(data: Uint8Array, now: bigint): MintUnits | undefined {
  const mint = readMint(data);
  if (!mint) return undefined;
  const decimals = mint.decimals;
  const extensions = readExtensions(data, KNOWN_EXTENSION_TYPES) ?? [];
  // `get_extension`: the entry of that type, taken only at its exact size.
  const value = (type: number, size: number) => extensions.find((x) => x.type === type && x.value.length === size)?.value;
  const interest = value(INTEREST_BEARING_TYPE, INTEREST_BEARING_CONFIG.fixedSize);
  if (interest) {
    const scaled = interestBearing(interest, decimals, now);
    return scaled ? { decimals, scaled } : { decimals, scaled: () => '' };
  }
  const scaled = value(SCALED_UI_AMOUNT_TYPE, SCALED_UI_AMOUNT_CONFIG.fixedSize);
  return scaled ? { decimals, scaled: scaledUiAmount(scaled, decimals, now) } : { decimals };
}

/** `token_amount_to_ui_amount_v3`: `uiAmount` is `uiAmountString` read as f64 for a scaled mint (null when not finite). */
export function tokenAmount(amount: bigint, units: MintUnits): UiTokenAmount {
  if (!units.scaled) return uiTokenAmount(amount, units.decimals);
  const text = units.scaled(amount);
  const value = text === '' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
  return { uiAmount: Number.isFinite(value) ? value : null, decimals: units.decimals, amount: amount.toString(), uiAmountString: text };
}
