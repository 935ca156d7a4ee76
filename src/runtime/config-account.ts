/**
 * Config program accounts (solana-config-interface): bincode `ConfigKeys` (a short_vec of
 * `(Pubkey, bool)`), then the config's own data (`get_config_data`).
 */
import { bool, decodeOrUndefined, layout, pubkey } from './codec.js';
import { readCompactU16 } from './message.js';
import { WebsvmError } from '../errors.js';

/** One of `ConfigKeys`' entries: a key and whether it signs (a bincode bool: 0 or 1). */
const CONFIG_KEY = layout({ pubkey, signer: bool });

/** A config account's keys and the bytes of its data. */
export interface ConfigAccount {
  keys: { pubkey: string; signer: boolean }[];
  data: Uint8Array;
}

/** The keys run past the data's end (caught below: such an account has no keys to show). */
class Truncated extends WebsvmError<'MalformedData'> {
  constructor() {
    super('MalformedData', 'config keys run past the account data');
  }
}

/** The keys and data of a config account; undefined where `ConfigKeys` does not deserialize. */
export function decodeConfigAccount(bytes: Uint8Array): ConfigAccount | undefined {
  let at = 0;
  const next = () => {
    if (at >= bytes.length) throw new Truncated();
    return bytes[at++];
  };
  try {
    const count = readCompactU16(next, () => new Truncated());
    const keys: ConfigAccount['keys'] = [];
    for (let i = 0; i < count; i++) {
      const key = decodeOrUndefined(CONFIG_KEY, bytes.subarray(at));
      if (!key) return undefined;
      keys.push(key);
      at += CONFIG_KEY.fixedSize;
    }
    return { keys, data: bytes.subarray(at) };
  } catch (e) {
    if (e instanceof Truncated) return undefined;
    throw e;
  }
}
