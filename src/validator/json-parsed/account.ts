/**
 * `jsonParsed` account data (agave account-decoder/src/parse_account_data.rs
 * `parse_account_data_v3`): the parser is chosen by the owning program, and the answer is
 * `{ program, parsed, space }` with the program's name in kebab case. Where no parser reads the
 * data, RPC falls back to base64.
 */
import type { Account } from '../../runtime/accounts.js';
import {
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  BPF_LOADER_UPGRADEABLE,
  CONFIG_PROGRAM,
  STAKE_PROGRAM,
  SYSTEM_PROGRAM,
  SYSVAR_OWNER,
  VOTE_PROGRAM,
} from '../../runtime/ids.js';
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '../spl-token.js';
import { parseConfig } from './config-account.js';
import { parseUpgradeableLoader } from './loader-account.js';
import { parseLookupTable } from './lookup-table-account.js';
import { parseNonce } from './nonce-account.js';
import { parseStake } from './stake-account.js';
import { parseSysvar } from './sysvar-account.js';
import { parseToken } from './token-account.js';
import type { MintUnits } from '../token-units.js';
import { parseVote } from './vote-account.js';

/** Agave's `ParsedAccount`. */
export interface ParsedAccount {
  program: string;
  parsed: object;
  space: number;
}

/** A mint's units by its address (token accounts need them), or undefined when unknown. */
export type UnitsOf = (mint: string) => MintUnits | undefined;

type Parser = (address: string, data: Uint8Array, unitsOf: UnitsOf) => object | undefined;

/** `PARSABLE_PROGRAM_IDS`: each owner's program name and parser. */
const PARSERS: Record<string, [string, Parser]> = {
  [ADDRESS_LOOKUP_TABLE_PROGRAM]: ['address-lookup-table', (_, d) => parseLookupTable(d)],
  [BPF_LOADER_UPGRADEABLE]: ['bpf-upgradeable-loader', (_, d) => parseUpgradeableLoader(d)],
  [CONFIG_PROGRAM]: ['config', parseConfig],
  [SYSTEM_PROGRAM]: ['nonce', (_, d) => parseNonce(d)],
  [TOKEN_PROGRAM_ID]: ['spl-token', (_, d, unitsOf) => parseToken(d, unitsOf)],
  [TOKEN_2022_PROGRAM_ID]: ['spl-token-2022', (_, d, unitsOf) => parseToken(d, unitsOf)],
  [STAKE_PROGRAM]: ['stake', (_, d) => parseStake(d)],
  [SYSVAR_OWNER]: ['sysvar', parseSysvar],
  [VOTE_PROGRAM]: ['vote', parseVote],
};

/** The parsed form of the account at `address`, or undefined where its owner has no parser or the parser fails. */
export function parseAccount(address: string, account: Account, unitsOf: UnitsOf): ParsedAccount | undefined {
  const entry = PARSERS[account.owner];
  if (!entry) return undefined;
  const parsed = entry[1](address, account.data, unitsOf);
  return parsed && { program: entry[0], parsed, space: account.data.length };
}
