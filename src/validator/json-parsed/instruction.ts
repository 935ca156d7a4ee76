/**
 * `jsonParsed` instructions (agave transaction-status/src/parse_instruction.rs): an instruction of
 * a program Agave has a parser for is `{ program, programId, parsed, stackHeight }` with `parsed`
 * a `{ type, info }` (a memo: its text); any other, or one its parser refuses, is partially decoded
 * (`{ programId, accounts, data, stackHeight }`).
 */
import bs58 from 'bs58';
import {
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  ASSOCIATED_TOKEN_PROGRAM,
  MEMO_PROGRAM_V1,
  MEMO_PROGRAM_V3,
  BPF_LOADER,
  BPF_LOADER_UPGRADEABLE,
  STAKE_PROGRAM,
  SYSTEM_PROGRAM,
  VOTE_PROGRAM,
} from '../../runtime/ids.js';
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '../spl-token.js';
import { parseAssociatedTokenInstruction } from './associated-token-instruction.js';
import { parseBpfLoaderInstruction, parseUpgradeableLoaderInstruction } from './loader-instruction.js';
import { parseLookupTableInstruction } from './lookup-table-instruction.js';
import { parseStakeInstruction } from './stake-instruction.js';
import { parseSystemInstruction } from './system-instruction.js';
import { parseTokenInstruction } from './token-instruction.js';
import { parseVoteInstruction } from './vote-instruction.js';
import type { InstructionParser } from './instruction-parser.js';

/** `parse_memo_data`: the data as UTF-8 text. */
const parseMemo = (data: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(data);

/** `PARSABLE_PROGRAM_IDS` with structured parsers, by program id. */
const PARSERS: Record<string, [string, InstructionParser]> = {
  [ADDRESS_LOOKUP_TABLE_PROGRAM]: ['address-lookup-table', parseLookupTableInstruction],
  [ASSOCIATED_TOKEN_PROGRAM]: ['spl-associated-token-account', parseAssociatedTokenInstruction],
  [BPF_LOADER]: ['bpf-loader', parseBpfLoaderInstruction],
  [BPF_LOADER_UPGRADEABLE]: ['bpf-upgradeable-loader', parseUpgradeableLoaderInstruction],
  [STAKE_PROGRAM]: ['stake', parseStakeInstruction],
  [SYSTEM_PROGRAM]: ['system', parseSystemInstruction],
  [TOKEN_PROGRAM_ID]: ['spl-token', parseTokenInstruction],
  [TOKEN_2022_PROGRAM_ID]: ['spl-token', parseTokenInstruction],
  [VOTE_PROGRAM]: ['vote', parseVoteInstruction],
};

/** A compiled instruction: indexes into the transaction's keys. */
interface CompiledInstruction {
  programIdIndex: number;
  accounts: Uint8Array;
  data: Uint8Array;
}

/** `parse`: the parsed form, or undefined where the program has no parser or it refuses the instruction. */
function parsed(programId: string, keys: readonly string[], ix: CompiledInstruction): { program: string; parsed: unknown } | undefined {
  try {
    if (programId === MEMO_PROGRAM_V1 || programId === MEMO_PROGRAM_V3) return { program: 'spl-memo', parsed: parseMemo(ix.data) };
    const entry = PARSERS[programId];
    if (!entry) return undefined;
    const accounts = [...ix.accounts].map((i) => keys[i]);
    // Every parser first checks that the instruction names accounts, all of them in the message.
    if (accounts.length === 0 || accounts.some((a) => a === undefined)) return undefined;
    return { program: entry[0], parsed: entry[1](ix.data, accounts) };
  } catch {
    return undefined;
  }
}

/** `UiInstruction::parse`: parsed where Agave can, else `UiPartiallyDecodedInstruction`. */
export function instructionJson(keys: readonly string[], ix: CompiledInstruction, stackHeight: number | null) {
  const programId = keys[ix.programIdIndex];
  const p = parsed(programId, keys, ix);
  if (p) return { program: p.program, programId, parsed: p.parsed, stackHeight };
  return { programId, accounts: [...ix.accounts].map((i) => keys[i]), data: bs58.encode(ix.data), stackHeight };
}
