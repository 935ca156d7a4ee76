/**
 * Token-2022 extensions as `UiExtension` (agave account-decoder/src/parse_token_extension.rs,
 * account-decoder-client-types/src/token.rs): `{ extension, state }` by the extension's name. An
 * extension whose value has the wrong length, or that belongs to the other kind of state, is
 * `unparseableExtension`, as `get_extension` fails there.
 */
import { encodeAddress } from '../../runtime/accounts.js';
import { bytesToBase64 } from '../../platform.js';
import type { ExtensionEntry } from '../spl-token.js';

/** Field readers over one extension's value. */
class Fields {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private take(n: number): number {
    this.at += n;
    return this.at - n;
  }
  pubkey = () => encodeAddress(this.bytes.subarray(this.take(32), this.at));
  /** `OptionalNonZeroPubkey`: all zeros is none. */
  optionalPubkey = () => {
    const raw = this.bytes.subarray(this.take(32), this.at);
    return raw.some((b) => b !== 0) ? encodeAddress(raw) : null;
  };
  /** A pod key or ciphertext of `n` bytes, which displays as base64. */
  base64 = (n: number) => bytesToBase64(this.bytes.subarray(this.take(n), this.at));
  /** `OptionalNonZeroElGamalPubkey`. */
  optionalElGamal = () => {
    const raw = this.bytes.subarray(this.take(32), this.at);
    return raw.some((b) => b !== 0) ? bytesToBase64(raw) : null;
  };
  bool = () => this.bytes[this.take(1)] !== 0;
  u8 = () => this.bytes[this.take(1)];
  u16 = () => this.view.getUint16(this.take(2), true);
  u32 = () => this.view.getUint32(this.take(4), true);
  i16 = () => this.view.getInt16(this.take(2), true);
  u64 = () => this.view.getBigUint64(this.take(8), true);
  i64 = () => this.view.getBigInt64(this.take(8), true);
  f64 = () => this.view.getFloat64(this.take(8), true);
  /** A borsh string (u32 length, UTF-8). */
  string = () => {
    const n = this.view.getUint32(this.take(4), true);
    if (this.at + n > this.bytes.length) throw new RangeError('string overruns the extension');
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.take(n), this.at));
  };
  get done() {
    return this.at === this.bytes.length;
  }
}

/** Rust's `Display` for f64: shortest round-trip digits, never an exponent. */
export function rustF64(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  const text = String(x);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const [int, frac = ''] = text.slice(negative ? 1 : 0, e).split('.');
  const digits = int + frac;
  const point = int.length + Number(text.slice(e + 1));
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}

const ACCOUNT_STATES = ['uninitialized', 'initialized', 'frozen'] as const;
const ELGAMAL_PUBKEY = 32;
const ELGAMAL_CIPHERTEXT = 64;
const AE_CIPHERTEXT = 36;

const transferFee = (f: Fields) => ({ epoch: f.u64(), maximumFee: f.u64(), transferFeeBasisPoints: f.u16() });

/** A fixed-size extension: its name, byte length, owner kind and field reader. */
interface FixedExtension {
  name: string;
  size: number;
  of: 'mint' | 'account';
  read: (f: Fields) => object;
}

/** A unit extension Agave names without reading it. */
interface UnitExtension {
  name: string;
}

/** Token metadata: variable length, borsh, for mints. */
const TOKEN_METADATA = 19;

/** `ExtensionType` numbers 0–27 (Token-2022's enum order). */
const EXTENSIONS: (FixedExtension | UnitExtension | undefined)[] = [
  { name: 'uninitialized' },
  {
    name: 'transferFeeConfig',
    size: 108,
    of: 'mint',
    read: (f) => ({
      transferFeeConfigAuthority: f.optionalPubkey(),
      withdrawWithheldAuthority: f.optionalPubkey(),
      withheldAmount: f.u64(),
      olderTransferFee: transferFee(f),
      newerTransferFee: transferFee(f),
    }),
  },
  { name: 'transferFeeAmount', size: 8, of: 'account', read: (f) => ({ withheldAmount: f.u64() }) },
  { name: 'mintCloseAuthority', size: 32, of: 'mint', read: (f) => ({ closeAuthority: f.optionalPubkey() }) },
  {
    name: 'confidentialTransferMint',
    size: 65,
    of: 'mint',
    read: (f) => ({ authority: f.optionalPubkey(), autoApproveNewAccounts: f.bool(), auditorElgamalPubkey: f.optionalElGamal() }),
  },
  {
    name: 'confidentialTransferAccount',
    size: 295,
    of: 'account',
    read: (f) => ({
      approved: f.bool(),
      elgamalPubkey: f.base64(ELGAMAL_PUBKEY),
      pendingBalanceLo: f.base64(ELGAMAL_CIPHERTEXT),
      pendingBalanceHi: f.base64(ELGAMAL_CIPHERTEXT),
      availableBalance: f.base64(ELGAMAL_CIPHERTEXT),
      decryptableAvailableBalance: f.base64(AE_CIPHERTEXT),
      allowConfidentialCredits: f.bool(),
      allowNonConfidentialCredits: f.bool(),
      pendingBalanceCreditCounter: f.u64(),
      maximumPendingBalanceCreditCounter: f.u64(),
      expectedPendingBalanceCreditCounter: f.u64(),
      actualPendingBalanceCreditCounter: f.u64(),
    }),
  },
  // `AccountState::try_from(..).unwrap_or_default()`: an unknown byte shows as uninitialized.
  { name: 'defaultAccountState', size: 1, of: 'mint', read: (f) => ({ accountState: ACCOUNT_STATES[f.u8()] ?? 'uninitialized' }) },
  { name: 'immutableOwner' },
  { name: 'memoTransfer', size: 1, of: 'account', read: (f) => ({ requireIncomingTransferMemos: f.bool() }) },
  { name: 'nonTransferable' },
  {
    name: 'interestBearingConfig',
    size: 52,
    of: 'mint',
    read: (f) => ({
      rateAuthority: f.optionalPubkey(),
      initializationTimestamp: f.i64(),
      preUpdateAverageRate: f.i16(),
      lastUpdateTimestamp: f.i64(),
      currentRate: f.i16(),
    }),
  },
  { name: 'cpiGuard', size: 1, of: 'account', read: (f) => ({ lockCpi: f.bool() }) },
  { name: 'permanentDelegate', size: 32, of: 'mint', read: (f) => ({ delegate: f.optionalPubkey() }) },
  { name: 'nonTransferableAccount' },
  { name: 'transferHook', size: 64, of: 'mint', read: (f) => ({ authority: f.optionalPubkey(), programId: f.optionalPubkey() }) },
  { name: 'transferHookAccount', size: 1, of: 'account', read: (f) => ({ transferring: f.bool() }) },
  {
    name: 'confidentialTransferFeeConfig',
    size: 129,
    of: 'mint',
    read: (f) => ({
      authority: f.optionalPubkey(),
      withdrawWithheldAuthorityElgamalPubkey: f.optionalElGamal(),
      harvestToMintEnabled: f.bool(),
      withheldAmount: f.base64(ELGAMAL_CIPHERTEXT),
    }),
  },
  { name: 'confidentialTransferFeeAmount', size: 64, of: 'account', read: (f) => ({ withheldAmount: f.base64(ELGAMAL_CIPHERTEXT) }) },
  { name: 'metadataPointer', size: 64, of: 'mint', read: (f) => ({ authority: f.optionalPubkey(), metadataAddress: f.optionalPubkey() }) },
  undefined, // TokenMetadata (variable length): see tokenMetadata
  { name: 'groupPointer', size: 64, of: 'mint', read: (f) => ({ authority: f.optionalPubkey(), groupAddress: f.optionalPubkey() }) },
  { name: 'tokenGroup', size: 80, of: 'mint', read: (f) => ({ updateAuthority: f.optionalPubkey(), mint: f.pubkey(), size: f.u64(), maxSize: f.u64() }) },
  { name: 'groupMemberPointer', size: 64, of: 'mint', read: (f) => ({ authority: f.optionalPubkey(), memberAddress: f.optionalPubkey() }) },
  { name: 'tokenGroupMember', size: 72, of: 'mint', read: (f) => ({ mint: f.pubkey(), group: f.pubkey(), memberNumber: f.u64() }) },
  {
    name: 'confidentialMintBurn',
    size: 196,
    of: 'mint',
    read: (f) => ({
      confidentialSupply: f.base64(ELGAMAL_CIPHERTEXT),
      decryptableSupply: f.base64(AE_CIPHERTEXT),
      supplyElgamalPubkey: f.base64(ELGAMAL_PUBKEY),
      pendingBurn: f.base64(ELGAMAL_CIPHERTEXT),
    }),
  },
  {
    name: 'scaledUiAmountConfig',
    size: 56,
    of: 'mint',
    read: (f) => ({ authority: f.optionalPubkey(), multiplier: rustF64(f.f64()), newMultiplierEffectiveTimestamp: f.i64(), newMultiplier: rustF64(f.f64()) }),
  },
  { name: 'pausableConfig', size: 33, of: 'mint', read: (f) => ({ authority: f.optionalPubkey(), paused: f.bool() }) },
  { name: 'pausableAccount' },
];

/** How many `ExtensionType` numbers are known (any other makes the whole list unreadable). */
export const KNOWN_EXTENSION_TYPES = EXTENSIONS.length;

const UNPARSEABLE = { extension: 'unparseableExtension' };

/** `TokenMetadata` (borsh, every byte read): update authority, mint, name, symbol, uri, additional key–value pairs. */
function tokenMetadata(value: Uint8Array): object {
  const f = new Fields(value);
  const state = { updateAuthority: f.optionalPubkey(), mint: f.pubkey(), name: f.string(), symbol: f.string(), uri: f.string() };
  const additionalMetadata = Array.from({ length: f.u32() }, () => [f.string(), f.string()]);
  if (!f.done) throw new RangeError('bytes after the token metadata');
  return { ...state, additionalMetadata };
}

/** One entry as `parse_extension` shows it on a state of kind `of`. */
function uiExtension(entry: ExtensionEntry, of: 'mint' | 'account', entries: ExtensionEntry[]): object {
  // `get_extension` reads the first entry of a type.
  const first = entries.find((e) => e.type === entry.type) ?? entry;
  if (entry.type === TOKEN_METADATA) {
    if (of !== 'mint') return UNPARSEABLE;
    try {
      return { extension: 'tokenMetadata', state: tokenMetadata(first.value) };
    } catch {
      return UNPARSEABLE;
    }
  }
  const known = EXTENSIONS[entry.type];
  if (!known) return UNPARSEABLE;
  if (!('read' in known)) return { extension: known.name };
  if (known.of !== of || first.value.length !== known.size) return UNPARSEABLE;
  return { extension: known.name, state: known.read(new Fields(first.value)) };
}

/** `extensions` of a Token-2022 mint or account, in storage order. */
export const uiExtensions = (entries: ExtensionEntry[], of: 'mint' | 'account') => entries.map((e) => uiExtension(e, of, entries));
