/**
 * Token-2022 extension instructions (tag, then the extension's own sub-tag) as Agave parses them
 * (agave transaction-status/src/parse_token/extension/*.rs): transfer fees, default account state,
 * required memos, interest-bearing mints, CPI guard, transfer hooks, metadata / group / member
 * pointers, scaled UI amounts and pausing. Confidential-transfer families are not parsed here.
 */
import { uiTokenAmount } from '../spl-token.js';
import { instructionOver, NotParsable, type ParsedInstructionEnum, requireAccounts } from './instruction-parser.js';
import { rustF64 } from './token-extensions.js';
import { FieldReader } from './field-reader.js';
import { signers } from './token-instruction-fields.js';

const ACCOUNT_STATES = ['uninitialized', 'initialized', 'frozen'];

/** Present only when set. */
const some = (name: string, value: unknown) => (value === null || value === undefined ? {} : { [name]: value });

/** A pointer extension's Initialize / Update (metadata, group, member): `{ mint, authority?, <address>? }`. */
function pointer(name: string, addressField: string, sub: number, u: FieldReader, a: readonly string[]): ParsedInstructionEnum {
  if (sub === 0) {
    requireAccounts(a, 1);
    const [authority, address] = [u.nonZeroPubkey(), u.nonZeroPubkey()];
    u.finish(undefined);
    return { type: `initialize${name}`, info: { mint: a[0], ...some('authority', authority), ...some(addressField, address) } };
  }
  if (sub === 1) {
    requireAccounts(a, 2);
    const address = u.nonZeroPubkey();
    u.finish(undefined);
    return { type: `update${name}`, info: { mint: a[0], ...some(addressField, address), ...signers(a, 1, 'authority', 'multisigAuthority') } };
  }
  throw new NotParsable('unknown pointer instruction');
}

function transferFee(sub: number, u: FieldReader, a: readonly string[]): ParsedInstructionEnum {
  const parsed = instructionOver(a);
  switch (sub) {
    case 0: {
      const [configAuthority, withdrawAuthority, transferFeeBasisPoints, maximumFee] = [u.optionalPubkey(), u.optionalPubkey(), u.u16(), u.u64()];
      return parsed('initializeTransferFeeConfig', 1, () => ({
        mint: a[0],
        transferFeeBasisPoints,
        maximumFee,
        ...some('transferFeeConfigAuthority', configAuthority),
        ...some('withdrawWithheldAuthority', withdrawAuthority),
      }));
    }
    case 1: {
      const [amount, decimals, fee] = [u.u64(), u.u8(), u.u64()];
      return parsed('transferCheckedWithFee', 4, () => ({
        source: a[0],
        mint: a[1],
        destination: a[2],
        tokenAmount: uiTokenAmount(amount, decimals),
        feeAmount: uiTokenAmount(fee, decimals),
        ...signers(a, 3, 'authority', 'multisigAuthority'),
      }));
    }
    case 2:
      return parsed('withdrawWithheldTokensFromMint', 3, () => ({
        mint: a[0],
        feeRecipient: a[1],
        ...signers(a, 2, 'withdrawWithheldAuthority', 'multisigWithdrawWithheldAuthority'),
      }));
    case 3: {
      const count = u.u8();
      return parsed('withdrawWithheldTokensFromAccounts', 3 + count, () => {
        const firstSource = a.length - count;
        return {
          mint: a[0],
          feeRecipient: a[1],
          sourceAccounts: a.slice(firstSource),
          ...signers(a.slice(0, firstSource), 2, 'withdrawWithheldAuthority', 'multisigWithdrawWithheldAuthority'),
        };
      });
    }
    case 4:
      return parsed('harvestWithheldTokensToMint', 1, () => ({ mint: a[0], sourceAccounts: a.slice(1) }));
    case 5: {
      const [transferFeeBasisPoints, maximumFee] = [u.u16(), u.u64()];
      // Agave spells the multisig field this way.
      return parsed('setTransferFee', 2, () => ({
        mint: a[0],
        transferFeeBasisPoints,
        maximumFee,
        ...signers(a, 1, 'transferFeeConfigAuthority', 'multisigtransferFeeConfigAuthority'),
      }));
    }
    default:
      throw new NotParsable('unknown transfer fee instruction');
  }
}

/** An Enable / Disable pair over a token account (required memos, CPI guard). */
function toggle(suffix: string, sub: number, a: readonly string[]): ParsedInstructionEnum {
  requireAccounts(a, 2);
  if (sub > 1) throw new NotParsable('unknown toggle instruction');
  return { type: `${sub === 0 ? 'enable' : 'disable'}${suffix}`, info: { account: a[0], ...signers(a, 1, 'owner', 'multisigOwner') } };
}

/** The extension instruction with token tag `tag`, or undefined when it is not one parsed here. */
export function parseTokenExtensionInstruction(tag: number, data: Uint8Array, a: readonly string[]): ParsedInstructionEnum | undefined {
  const parsers: Record<number, (sub: number, u: FieldReader) => ParsedInstructionEnum> = {
    26: (sub, u) => transferFee(sub, u, a),
    28: (sub, u) => {
      // `decode_instruction`: exactly the sub-tag and the state byte.
      if (data.length !== 3 || sub > 1) throw new NotParsable('bad default account state instruction');
      const accountState = ACCOUNT_STATES[u.u8()];
      if (accountState === undefined) throw new NotParsable('unknown account state');
      if (sub === 0) {
        requireAccounts(a, 1);
        return { type: 'initializeDefaultAccountState', info: { mint: a[0], accountState } };
      }
      requireAccounts(a, 2);
      return { type: 'updateDefaultAccountState', info: { mint: a[0], accountState, ...signers(a, 1, 'freezeAuthority', 'multisigFreezeAuthority') } };
    },
    30: (sub) => toggle('RequiredMemoTransfers', sub, a),
    33: (sub, u) => {
      if (sub === 0) {
        requireAccounts(a, 1);
        const [rateAuthority, rate] = [u.nonZeroPubkey(), u.i16()];
        u.finish(undefined);
        return { type: 'initializeInterestBearingConfig', info: { mint: a[0], rateAuthority, rate } };
      }
      if (sub !== 1) throw new NotParsable('unknown interest-bearing instruction');
      requireAccounts(a, 2);
      const newRate = u.i16();
      u.finish(undefined);
      return { type: 'updateInterestBearingConfigRate', info: { mint: a[0], newRate, ...signers(a, 1, 'rateAuthority', 'multisigRateAuthority') } };
    },
    34: (sub) => toggle('CpiGuard', sub, a),
    36: (sub, u) => {
      if (sub === 0) {
        requireAccounts(a, 1);
        const [authority, programId] = [u.nonZeroPubkey(), u.nonZeroPubkey()];
        u.finish(undefined);
        return { type: 'initializeTransferHook', info: { mint: a[0], ...some('authority', authority), ...some('programId', programId) } };
      }
      if (sub !== 1) throw new NotParsable('unknown transfer hook instruction');
      requireAccounts(a, 2);
      const programId = u.nonZeroPubkey();
      u.finish(undefined);
      return { type: 'updateTransferHook', info: { mint: a[0], ...some('programId', programId), ...signers(a, 1, 'authority', 'multisigAuthority') } };
    },
    39: (sub, u) => pointer('MetadataPointer', 'metadataAddress', sub, u, a),
    40: (sub, u) => pointer('GroupPointer', 'groupAddress', sub, u, a),
    41: (sub, u) => pointer('GroupMemberPointer', 'memberAddress', sub, u, a),
    43: (sub, u) => {
      if (sub === 0) {
        requireAccounts(a, 1);
        const [authority, multiplier] = [u.nonZeroPubkey(), u.f64()];
        u.finish(undefined);
        return { type: 'initializeScaledUiAmountConfig', info: { mint: a[0], authority, multiplier: rustF64(multiplier) } };
      }
      if (sub !== 1) throw new NotParsable('unknown scaled UI amount instruction');
      requireAccounts(a, 2);
      const [multiplier, timestamp] = [u.f64(), u.i64()];
      u.finish(undefined);
      return {
        type: 'updateMultiplier',
        info: { mint: a[0], newMultiplier: rustF64(multiplier), newMultiplierTimestamp: timestamp, ...signers(a, 1, 'authority', 'multisigAuthority') },
      };
    },
    44: (sub, u) => {
      if (sub === 0) {
        requireAccounts(a, 1);
        const authority = u.nonZeroPubkey();
        u.finish(undefined);
        return { type: 'initializePausableConfig', info: { mint: a[0], authority } };
      }
      if (sub > 2) throw new NotParsable('unknown pausable instruction');
      requireAccounts(a, 2);
      return { type: sub === 1 ? 'pause' : 'resume', info: { mint: a[0], ...signers(a, 1, 'authority', 'multisigAuthority') } };
    },
  };
  const parse = parsers[tag];
  if (!parse) return undefined;
  // `decode_instruction_type`: the sub-tag follows the token tag.
  if (data.length < 2) throw new NotParsable('no extension instruction type');
  return parse(data[1], new FieldReader(data, 2));
}
