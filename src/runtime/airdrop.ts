/**
 * The airdrop faucet: a keypair made for each runtime, whose account pays airdrops with signed
 * System transfers (as LiteSVM's `airdrop` does), so an airdrop is an ordinary transaction.
 */
import { encodeAddress } from './accounts.js';
import { transferInstruction } from './builtins/system.js';
import { compileLegacyMessage, encodeTransaction } from './message.js';
import { LocalSigner } from './sigverify.js';

export class AirdropFaucet {
  /** The account airdrops are paid from. */
  readonly address: string;
  private readonly signer: LocalSigner;

  /** A faucet with the secret key `seed` (random unless given: a saved state carries its own). */
  constructor(readonly seed: Uint8Array = crypto.getRandomValues(new Uint8Array(32))) {
    this.signer = new LocalSigner(seed);
    this.address = encodeAddress(this.signer.publicKey);
  }

  /** The signed System transfer of `lamports` from the faucet to `to`, on `blockhash`, as wire bytes. */
  transfer(to: string, lamports: bigint, blockhash: string): Uint8Array {
    const ix = transferInstruction(this.address, to, lamports);
    const accounts = ix.accounts.map(({ key, ...flags }) => ({ pubkey: key, ...flags }));
    const message = compileLegacyMessage(this.address, [{ ...ix, accounts }], blockhash);
    return encodeTransaction([this.signer.sign(message)], message);
  }
}
