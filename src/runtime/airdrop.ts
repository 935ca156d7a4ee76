/**
 * The airdrop faucet: a keypair made for each runtime, whose account pays airdrops with signed
 * System transfers (as LiteSVM's `airdrop` does), so an airdrop is an ordinary transaction.
 */
import { encodeAddress } from './accounts.js';
import { SYSTEM_PROGRAM } from './ids.js';
import { compileLegacyMessage, encodeTransaction } from './message.js';
import { publicKeyOf, signMessage } from './sigverify.js';

/** The System program's `Transfer` instruction index. */
const SYSTEM_TRANSFER = 2;

export class AirdropFaucet {
  /** The account airdrops are paid from. */
  readonly address: string;

  /** A faucet with the secret key `seed` (random unless given: a saved state carries its own). */
  constructor(readonly seed: Uint8Array = crypto.getRandomValues(new Uint8Array(32))) {
    this.address = encodeAddress(publicKeyOf(seed));
  }

  /** The signed System transfer of `lamports` from the faucet to `to`, on `blockhash`, as wire bytes. */
  transfer(to: string, lamports: bigint, blockhash: string): Uint8Array {
    const data = new Uint8Array(12);
    const view = new DataView(data.buffer);
    view.setUint32(0, SYSTEM_TRANSFER, true);
    view.setBigUint64(4, lamports, true);
    const message = compileLegacyMessage(
      this.address,
      [
        {
          programId: SYSTEM_PROGRAM,
          accounts: [
            { pubkey: this.address, isSigner: true, isWritable: true },
            { pubkey: to, isSigner: false, isWritable: true },
          ],
          data,
        },
      ],
      blockhash,
    );
    return encodeTransaction([signMessage(message, this.seed)], message);
  }
}
