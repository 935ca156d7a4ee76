/**
 * Durable nonce accounts (agave `programs/system/src/system_instruction.rs`, solana-nonce): the
 * System program's initialize / advance / withdraw / authorize / upgrade instructions and the
 * 80-byte account state `Versions { Legacy | Current } (State { Uninitialized | Initialized })`.
 */
import { sha256 } from '../../crypto/sha256.js';
import { decodeAddress, encodeAddress } from '../accounts.js';
import { decodeOrUndefined, encode, enumeration, pubkey, struct, u64, type ValueOf } from '../codec.js';
import { fail, InstructionFailure } from '../errors.js';
import { SYSTEM_PROGRAM, SYSVAR } from '../ids.js';
import type { InvokeContext } from '../invoke-context.js';

const LEGACY = 0;
const CURRENT = 1;
const NONCE_NO_RECENT_BLOCKHASHES = 6;
const NONCE_BLOCKHASH_NOT_EXPIRED = 7;

/** A decoded nonce account. */
export interface NonceState {
  version: number;
  initialized: boolean;
  authority: string;
  durableNonce: string;
  lamportsPerSignature: bigint;
}

/** `DurableNonce::from_blockhash`: sha256("DURABLE_NONCE" ‖ blockhash). */
export function durableNonce(blockhash: string): string {
  return encodeAddress(sha256(new TextEncoder().encode('DURABLE_NONCE'), decodeAddress(blockhash)));
}

// `Versions::{Legacy, Current}(State::{Uninitialized, Initialized(Data)})`.
const NONCE_STATE = enumeration({
  Uninitialized: struct({}),
  Initialized: struct({ authority: pubkey, durableNonce: pubkey, lamportsPerSignature: u64 }),
});
const NONCE_VERSIONS = enumeration({ Legacy: struct({ state: NONCE_STATE }), Current: struct({ state: NONCE_STATE }) });
type NonceVersions = ValueOf<typeof NONCE_VERSIONS>;

/** Bytes of a nonce account (`State::size()`: an initialized state, 80). */
export const NONCE_STATE_SIZE = NONCE_VERSIONS.size({
  kind: 'Current',
  state: { kind: 'Initialized', authority: SYSTEM_PROGRAM, durableNonce: SYSTEM_PROGRAM, lamportsPerSignature: 0n },
});

/** Decodes nonce account data; undefined when it is not a nonce state (bincode fails). */
export function decodeNonce(data: Uint8Array): NonceState | undefined {
  const versions = decodeOrUndefined(NONCE_VERSIONS, data);
  if (!versions) return undefined;
  const version = versions.kind === 'Legacy' ? LEGACY : CURRENT;
  const s = versions.state;
  if (s.kind === 'Uninitialized') return { version, initialized: false, authority: SYSTEM_PROGRAM, durableNonce: SYSTEM_PROGRAM, lamportsPerSignature: 0n };
  return { version, initialized: true, authority: s.authority, durableNonce: s.durableNonce, lamportsPerSignature: s.lamportsPerSignature };
}

/** The account data of `s` for an account of `length` bytes (zero-padded). */
function encodeNonce(s: NonceState, length: number): Uint8Array {
  const versions: NonceVersions = {
    kind: s.version === LEGACY ? 'Legacy' : 'Current',
    state: s.initialized
      ? { kind: 'Initialized', authority: s.authority, durableNonce: s.durableNonce, lamportsPerSignature: s.lamportsPerSignature }
      : { kind: 'Uninitialized' },
  };
  if (length < NONCE_VERSIONS.size(versions)) fail('AccountDataTooSmall');
  return encode(NONCE_VERSIONS, versions, length);
}

const systemError = (code: number) => new InstructionFailure({ kind: 'Custom', code });

/** Handles the nonce instructions of the System program (tags 4, 5, 6, 7, 12). */
export class NonceInstructions {
  constructor(
    private readonly ic: InvokeContext,
    private readonly signers: Set<string>,
  ) {}

  private get tx() {
    return this.ic.tx;
  }

  private key(i: number): string {
    return this.tx.instructionKey(i);
  }

  private need(n: number): void {
    this.tx.requireAccounts(n);
  }

  private state(i: number): NonceState {
    const s = decodeNonce(this.tx.account(i).data);
    if (!s) fail('InvalidAccountData');
    return s;
  }

  private setState(i: number, s: NonceState): void {
    this.tx.setData(i, encodeNonce(s, this.tx.account(i).data.length));
  }

  private writable(i: number, what: string): void {
    if (!this.tx.current().accounts[i].isWritable) {
      this.ic.log(`${what} nonce account: Account ${this.key(i)} must be writeable`);
      fail('InvalidArgument');
    }
  }

  private recentBlockhashes(i: number, what: string): void {
    this.tx.checkSysvarAccount(i, SYSVAR.recentBlockhashes);
    if (this.ic.env.recentBlockhashesEmpty()) {
      this.ic.log(`${what} nonce account: recent blockhash list is empty`);
      throw systemError(NONCE_NO_RECENT_BLOCKHASHES);
    }
  }

  advance(): void {
    this.need(1);
    this.recentBlockhashes(1, 'Advance');
    this.writable(0, 'Advance');
    const s = this.state(0);
    if (!s.initialized) {
      this.ic.log(`Advance nonce account: Account ${this.key(0)} state is invalid`);
      fail('InvalidAccountData');
    }
    if (!this.signers.has(s.authority)) {
      this.ic.log(`Advance nonce account: Account ${s.authority} must be a signer`);
      fail('MissingRequiredSignature');
    }
    const next = durableNonce(this.ic.env.blockhash);
    if (s.durableNonce === next) {
      this.ic.log('Advance nonce account: nonce can only advance once per slot');
      throw systemError(NONCE_BLOCKHASH_NOT_EXPIRED);
    }
    this.setState(0, {
      version: CURRENT,
      initialized: true,
      authority: s.authority,
      durableNonce: next,
      lamportsPerSignature: this.ic.env.lamportsPerSignature,
    });
  }

  withdraw(lamports: bigint): void {
    this.need(2);
    this.tx.checkSysvarAccount(2, SYSVAR.recentBlockhashes); // fetched, not checked for emptiness
    this.tx.checkSysvarAccount(3, SYSVAR.rent);
    this.writable(0, 'Withdraw');
    const from = this.tx.account(0);
    const s = this.state(0);
    let signer: string;
    if (!s.initialized) {
      if (lamports > from.lamports) {
        this.ic.log(`Withdraw nonce account: insufficient lamports ${from.lamports}, need ${lamports}`);
        fail('InsufficientFunds');
      }
      signer = this.key(0);
    } else {
      if (lamports === from.lamports) {
        if (s.durableNonce === durableNonce(this.ic.env.blockhash)) {
          this.ic.log('Withdraw nonce account: nonce can only advance once per slot');
          throw systemError(NONCE_BLOCKHASH_NOT_EXPIRED);
        }
        this.setState(0, { ...s, version: CURRENT, initialized: false });
      } else {
        const amount = lamports + this.ic.env.minimumBalance(from.data.length);
        if (amount > 0xffff_ffff_ffff_ffffn) fail('ArithmeticOverflow');
        if (amount > from.lamports) {
          this.ic.log(`Withdraw nonce account: insufficient lamports ${from.lamports}, need ${amount}`);
          fail('InsufficientFunds');
        }
      }
      signer = s.authority;
    }
    if (!this.signers.has(signer)) {
      this.ic.log(`Withdraw nonce account: Account ${signer} must sign`);
      fail('MissingRequiredSignature');
    }
    this.tx.checkedSubLamports(0, lamports);
    this.tx.checkedAddLamports(1, lamports);
  }

  initialize(authority: string): void {
    this.need(1);
    this.recentBlockhashes(1, 'Initialize');
    this.tx.checkSysvarAccount(2, SYSVAR.rent);
    this.writable(0, 'Initialize');
    const s = this.state(0);
    if (s.initialized) {
      this.ic.log(`Initialize nonce account: Account ${this.key(0)} state is invalid`);
      fail('InvalidAccountData');
    }
    const account = this.tx.account(0);
    const min = this.ic.env.minimumBalance(account.data.length);
    if (account.lamports < min) {
      this.ic.log(`Initialize nonce account: insufficient lamports ${account.lamports}, need ${min}`);
      fail('InsufficientFunds');
    }
    this.setState(0, {
      version: CURRENT,
      initialized: true,
      authority,
      durableNonce: durableNonce(this.ic.env.blockhash),
      lamportsPerSignature: this.ic.env.lamportsPerSignature,
    });
  }

  authorize(newAuthority: string): void {
    this.need(1);
    this.writable(0, 'Authorize');
    const s = this.state(0);
    if (!s.initialized) {
      this.ic.log(`Authorize nonce account: Account ${this.key(0)} state is invalid`);
      fail('InvalidAccountData');
    }
    if (!this.signers.has(s.authority)) {
      this.ic.log(`Authorize nonce account: Account ${s.authority} must sign`);
      fail('MissingRequiredSignature');
    }
    this.setState(0, { ...s, authority: newAuthority });
  }

  upgrade(): void {
    this.need(1);
    if (this.tx.account(0).owner !== SYSTEM_PROGRAM) fail('InvalidAccountOwner');
    if (!this.tx.current().accounts[0].isWritable) fail('InvalidArgument');
    const s = this.state(0);
    if (s.version !== LEGACY || !s.initialized) fail('InvalidArgument');
    this.setState(0, { ...s, version: CURRENT, durableNonce: durableNonce(s.durableNonce) });
  }
}
