/**
 * `jsonParsed` for Config program accounts (agave account-decoder/src/parse_config.rs): the stake
 * config at its address, and validator info (keys led by the validator-info id, data a JSON string).
 */
import { decodeConfigAccount } from '../../runtime/config-account.js';
import { BincodeReader } from '../../runtime/builtins/bincode.js';
import { STAKE_CONFIG } from '../../runtime/ids.js';
import { decodeStakeConfig } from '../../runtime/sysvars.js';

/** `solana_account_decoder::validator_info::id()`. */
const VALIDATOR_INFO = 'Va1idator1nfo111111111111111111111111111111';

function stakeConfig(data: Uint8Array): object | undefined {
  const config = decodeConfigAccount(data);
  if (!config) return undefined;
  try {
    return { type: 'stakeConfig', info: decodeStakeConfig(config.data) };
  } catch {
    return undefined;
  }
}

function validatorInfo(data: Uint8Array): object | undefined {
  const config = decodeConfigAccount(data);
  if (!config || config.keys[0]?.pubkey !== VALIDATOR_INFO) return undefined;
  try {
    const configData: unknown = JSON.parse(new BincodeReader(config.data, { limit: Infinity }).string());
    return { type: 'validatorInfo', info: { keys: config.keys, configData } };
  } catch {
    return undefined;
  }
}

/** `parse_config`, or undefined where neither form reads. */
export const parseConfig = (address: string, data: Uint8Array): object | undefined => (address === STAKE_CONFIG ? stakeConfig(data) : validatorInfo(data));
