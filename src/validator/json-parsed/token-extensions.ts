/**
 * Token-2022 extensions as `UiExtension` (agave account-decoder/src/parse_token_extension.rs,
 * account-decoder-client-types/src/token.rs): `{ extension, state }` by the extension's name. An
 * extension whose value has the wrong length, or that belongs to the other kind of state, is
 * `unparseableExtension`, as `get_extension` fails there.
 */
import { assertInternal } from '../../errors.js';
import { INTEREST_BEARING_CONFIG, SCALED_UI_AMOUNT_CONFIG } from '../../runtime/spl-token-layouts.js';
import type { ExtensionEntry } from '../spl-token.js';
import { FieldReader } from './field-reader.js';

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

const transferFee = (f: FieldReader) => ({ epoch: f.u64(), maximumFee: f.u64(), transferFeeBasisPoints: f.u16() });

/** A fixed-size extension: its name, byte length, owner kind and field reader. */
interface FixedExtension {
  name: string;
  size: number;
  of: 'mint' | 'account';
  read: (f: FieldReader) => object;
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
      transferFeeConfigAuthority: f.nonZeroPubkey(),
      withdrawWithheldAuthority: f.nonZeroPubkey(),
      withheldAmount: f.u64(),
      olderTransferFee: transferFee(f),
      newerTransferFee: transferFee(f),
    }),
  },
  { name: 'transferFeeAmount', size: 8, of: 'account', read: (f) => ({ withheldAmount: f.u64() }) },
  { name: 'mintCloseAuthority', size: 32, of: 'mint', read: (f) => ({ closeAuthority: f.nonZeroPubkey() }) },
  {
    name: 'confidentialTransferMint',
    size: 65,
    of: 'mint',
    read: (f) => ({ authority: f.nonZeroPubkey(), autoApproveNewAccounts: f.podBool(), auditorElgamalPubkey: f.nonZeroElGamal() }),
  },
  {
    name: 'confidentialTransferAccount',
    size: 295,
    of: 'account',
    read: (f) => ({
      approved: f.podBool(),
      elgamalPubkey: f.base64(ELGAMAL_PUBKEY),
      pendingBalanceLo: f.base64(ELGAMAL_CIPHERTEXT),
      pendingBalanceHi: f.base64(ELGAMAL_CIPHERTEXT),
      availableBalance: f.base64(ELGAMAL_CIPHERTEXT),
      decryptableAvailableBalance: f.base64(AE_CIPHERTEXT),
      allowConfidentialCredits: f.podBool(),
      allowNonConfidentialCredits: f.podBool(),
      pendingBalanceCreditCounter: f.u64(),
      maximumPendingBalanceCreditCounter: f.u64(),
      expectedPendingBalanceCreditCounter: f.u64(),
      actualPendingBalanceCreditCounter: f.u64(),
    }),
  },
  // `AccountState::try_from(..).unwrap_or_default()`: an unknown byte shows as uninitialized.
  { name: 'defaultAccountState', size: 1, of: 'mint', read: (f) => ({ accountState: ACCOUNT_STATES[f.u8()] ?? 'uninitialized' }) },
  { name: 'immutableOwner' },
  { name: 'memoTransfer', size: 1, of: 'account', read: (f) => ({ requireIncomingTransferMemos: f.podBool() }) },
  { name: 'nonTransferable' },
  {
    name: 'interestBearingConfig',
    size: INTEREST_BEARING_CONFIG.fixedSize,
    of: 'mint',
    read: (f) => {
      const config = INTEREST_BEARING_CONFIG.read(f);
      return { ...config, rateAuthority: config.rateAuthority ?? null };
    },
  },
  { name: 'cpiGuard', size: 1, of: 'account', read: (f) => ({ lockCpi: f.podBool() }) },
  { name: 'permanentDelegate', size: 32, of: 'mint', read: (f) => ({ delegate: f.nonZeroPubkey() }) },
  { name: 'nonTransferableAccount' },
  { name: 'transferHook', size: 64, of: 'mint', read: (f) => ({ authority: f.nonZeroPubkey(), programId: f.nonZeroPubkey() }) },
  { name: 'transferHookAccount', size: 1, of: 'account', read: (f) => ({ transferring: f.podBool() }) },
  {
    name: 'confidentialTransferFeeConfig',
    size: 129,
    of: 'mint',
    read: (f) => ({
      authority: f.nonZeroPubkey(),
      withdrawWithheldAuthorityElgamalPubkey: f.nonZeroElGamal(),
      harvestToMintEnabled: f.podBool(),
      withheldAmount: f.base64(ELGAMAL_CIPHERTEXT),
    }),
  },
  { name: 'confidentialTransferFeeAmount', size: 64, of: 'account', read: (f) => ({ withheldAmount: f.base64(ELGAMAL_CIPHERTEXT) }) },
  { name: 'metadataPointer', size: 64, of: 'mint', read: (f) => ({ authority: f.nonZeroPubkey(), metadataAddress: f.nonZeroPubkey() }) },
  undefined, // TokenMetadata (variable length): see tokenMetadata
  { name: 'groupPointer', size: 64, of: 'mint', read: (f) => ({ authority: f.nonZeroPubkey(), groupAddress: f.nonZeroPubkey() }) },
  { name: 'tokenGroup', size: 80, of: 'mint', read: (f) => ({ updateAuthority: f.nonZeroPubkey(), mint: f.pubkey(), size: f.u64(), maxSize: f.u64() }) },
  { name: 'groupMemberPointer', size: 64, of: 'mint', read: (f) => ({ authority: f.nonZeroPubkey(), memberAddress: f.nonZeroPubkey() }) },
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
    size: SCALED_UI_AMOUNT_CONFIG.fixedSize,
    of: 'mint',
    read: (f) => {
      const config = SCALED_UI_AMOUNT_CONFIG.read(f);
      return { ...config, authority: config.authority ?? null, multiplier: rustF64(config.multiplier), newMultiplier: rustF64(config.newMultiplier) };
    },
  },
  { name: 'pausableConfig', size: 33, of: 'mint', read: (f) => ({ authority: f.nonZeroPubkey(), paused: f.podBool() }) },
  { name: 'pausableAccount' },
];

/** How many `ExtensionType` numbers are known (any other makes the whole list unreadable). */
export const KNOWN_EXTENSION_TYPES = EXTENSIONS.length;

/** The `ExtensionType` number of the fixed-size extension `name`. */
export function extensionType(name: string): number {
  const type = EXTENSIONS.findIndex((e) => e?.name === name);
  assertInternal(type >= 0, `no extension ${name}`);
  return type;
}

const UNPARSEABLE = { extension: 'unparseableExtension' };

/** `TokenMetadata` (borsh, every byte read): update authority, mint, name, symbol, uri, additional key–value pairs. */
function tokenMetadata(value: Uint8Array): object {
  const f = new FieldReader(value);
  const state = { updateAuthority: f.nonZeroPubkey(), mint: f.pubkey(), name: f.borshString(), symbol: f.borshString(), uri: f.borshString() };
  const additionalMetadata = Array.from({ length: f.u32() }, () => [f.borshString(), f.borshString()]);
  return f.finish({ ...state, additionalMetadata });
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
  return { extension: known.name, state: known.read(new FieldReader(first.value)) };
}

/** `extensions` of a Token-2022 mint or account, in storage order. */
export const uiExtensions = (entries: ExtensionEntry[], of: 'mint' | 'account') => entries.map((e) => uiExtension(e, of, entries));
