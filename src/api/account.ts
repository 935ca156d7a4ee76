/**
 * LiteSVM's `Account` value class: an account's fields behind accessor methods, with the same
 * `toString()` (Agave's `Debug` form, data shown as hex up to its first 64 bytes).
 */
import { refused, toBoolean, toBytes, toU64 } from '../arguments.js';
import bs58 from 'bs58';

/** Agave's `MAX_DEBUG_ACCOUNT_DATA`: bytes of data a debug print shows. */
const MAX_DEBUG_ACCOUNT_DATA = 64;

/** An account value, as LiteSVM's `Account`: lamports, data, owner (32 bytes), executable, rent epoch. */
export class Account {
  readonly #lamports: bigint;
  readonly #data: Uint8Array;
  readonly #owner: Uint8Array;
  readonly #executable: boolean;
  readonly #rentEpoch: bigint;

  constructor(lamports: bigint, data: Uint8Array, owner: Uint8Array, executable: boolean, rentEpoch: bigint) {
    this.#lamports = toU64(lamports, 'lamports');
    this.#data = new Uint8Array(toBytes(data, 'data')); // a copy (a Buffer's slice() is a view)
    if (toBytes(owner, 'owner').length !== 32) throw refused('owner', 'a 32-byte address', owner);
    this.#owner = new Uint8Array(owner);
    this.#executable = toBoolean(executable, 'executable');
    this.#rentEpoch = toU64(rentEpoch, 'rentEpoch');
  }

  /** Balance in lamports. */
  lamports(): bigint {
    return this.#lamports;
  }

  /** A copy of the account's data. */
  data(): Uint8Array {
    return this.#data.slice();
  }

  /** The owning program's address bytes. */
  owner(): Uint8Array {
    return this.#owner.slice();
  }

  /** Whether the account holds a program. */
  executable(): boolean {
    return this.#executable;
  }

  /** The epoch rent was last collected at. */
  rentEpoch(): bigint {
    return this.#rentEpoch;
  }

  /** `Account(Account { lamports: …, data.len: …, owner: …, executable: …, rent_epoch: …[, data: hex] })`. */
  toString(): string {
    const shown = this.#data.subarray(0, MAX_DEBUG_ACCOUNT_DATA);
    const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join('');
    const data = shown.length > 0 ? `, data: ${hex}` : '';
    return (
      `Account(Account { lamports: ${this.#lamports}, data.len: ${this.#data.length}, owner: ${bs58.encode(this.#owner)}, ` +
      `executable: ${this.#executable}, rent_epoch: ${this.#rentEpoch}${data} })`
    );
  }
}
