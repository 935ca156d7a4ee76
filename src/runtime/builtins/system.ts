/**
 * The System program (agave `programs/system/src/system_processor.rs`): account creation,
 * assignment (also onto prefunded accounts), allocation and transfers, with and without seeds,
 * and nonce accounts (nonce.ts).
 * 150 CU per instruction.
 */
import { sha256 } from '../../crypto/sha256.js';
import { MAX_SEED_LEN, PDA_MARKER } from '../../syscalls/pda.js';
import { decodeAddress, encodeAddress, encodeAddressAt } from '../accounts.js';
import { fail, InstructionFailure } from '../errors.js';
import { SYSTEM_PROGRAM } from '../ids.js';
import type { CpiInstruction } from '../cpi.js';
import type { Builtin, InvokeContext } from '../invoke-context.js';
import { MAX_PERMITTED_DATA_LENGTH, type InstructionFrame, type TransactionContext } from '../transaction-context.js';
import { BincodeReader } from './bincode.js';
import { decodeOrUndefined, encode, enumeration, pubkey, string, struct, u32, u64, type ValueOf } from '../codec.js';
import { NonceInstructions } from './nonce.js';
import { FEATURES } from '../features.js';

/** `SystemError` codes (custom program errors of the System program). */
export const SystemError = {
  AccountAlreadyInUse: 0,
  ResultWithNegativeLamports: 1,
  InvalidProgramId: 2,
  InvalidAccountDataLength: 3,
  MaxSeedLengthExceeded: 4,
  AddressWithSeedMismatch: 5,
  NonceNoRecentBlockhashes: 6,
  NonceBlockhashNotExpired: 7,
  NonceUnexpectedBlockhashValue: 8,
} as const;

const systemError = (code: number): InstructionFailure => new InstructionFailure({ kind: 'Custom', code });

/** `PubkeyError` numbers. */
const PUBKEY_ERROR_MAX_SEED_LENGTH_EXCEEDED = 0;
const PUBKEY_ERROR_ILLEGAL_OWNER = 2;

/**
 * `Pubkey::create_with_seed`, with its error as the System and Vote programs report it: they cast
 * the `PubkeyError` to a number (`e as u64`), so a seed over 32 bytes is custom error 0 and an
 * owner ending in the PDA marker custom error 2.
 */
export function createWithSeed(base: string, seed: string, owner: string): string {
  const seedBytes = new TextEncoder().encode(seed);
  if (seedBytes.length > MAX_SEED_LEN) throw new InstructionFailure({ kind: 'Custom', code: PUBKEY_ERROR_MAX_SEED_LENGTH_EXCEEDED });
  const ownerBytes = decodeAddress(owner);
  const tail = ownerBytes.subarray(32 - PDA_MARKER.length);
  if (tail.every((b, i) => b === PDA_MARKER[i])) throw new InstructionFailure({ kind: 'Custom', code: PUBKEY_ERROR_ILLEGAL_OWNER });
  return encodeAddress(sha256(decodeAddress(base), seedBytes, ownerBytes));
}

/** `SystemInstruction`, its variants in tag order. */
export const SYSTEM_INSTRUCTION = enumeration({
  CreateAccount: struct({ lamports: u64, space: u64, owner: pubkey }),
  Assign: struct({ owner: pubkey }),
  Transfer: struct({ lamports: u64 }),
  CreateAccountWithSeed: struct({ base: pubkey, seed: string, lamports: u64, space: u64, owner: pubkey }),
  AdvanceNonceAccount: struct({}),
  WithdrawNonceAccount: struct({ lamports: u64 }),
  InitializeNonceAccount: struct({ authority: pubkey }),
  AuthorizeNonceAccount: struct({ authority: pubkey }),
  Allocate: struct({ space: u64 }),
  AllocateWithSeed: struct({ base: pubkey, seed: string, space: u64, owner: pubkey }),
  AssignWithSeed: struct({ base: pubkey, seed: string, owner: pubkey }),
  TransferWithSeed: struct({ lamports: u64, fromSeed: string, fromOwner: pubkey }),
  UpgradeNonceAccount: struct({}),
  CreateAccountAllowPrefund: struct({ lamports: u64, space: u64, owner: pubkey }),
});

type SystemInstruction = ValueOf<typeof SYSTEM_INSTRUCTION>;
const TAGS = SYSTEM_INSTRUCTION.tags;

/**
 * `limited_deserialize` of the System program's instruction data. The fixed-size variants other
 * programs invoke are read in place (through the codec, a CPI's CreateAccount or Transfer spent
 * ~10 µs of cold code); the others, and data too short for its variant, go through the codec.
 */
function readInstruction(data: Uint8Array): SystemInstruction {
  const tag = data.length >= 4 ? (data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24)) >>> 0 : -1;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u64At = (at: number) => view.getBigUint64(at, true);
  switch (tag) {
    case TAGS.CreateAccount:
      if (data.length >= 52) return { kind: 'CreateAccount', lamports: u64At(4), space: u64At(12), owner: encodeAddressAt(data, 20) };
      break;
    case TAGS.Assign:
      if (data.length >= 36) return { kind: 'Assign', owner: encodeAddressAt(data, 4) };
      break;
    case TAGS.Transfer:
      if (data.length >= 12) return { kind: 'Transfer', lamports: u64At(4) };
      break;
    case TAGS.Allocate:
      if (data.length >= 12) return { kind: 'Allocate', space: u64At(4) };
      break;
  }
  return SYSTEM_INSTRUCTION.read(new BincodeReader(data));
}

/** Whether `data` is the System program's AdvanceNonceAccount (its tag: the variant has no fields, trailing bytes are allowed). */
export const isAdvanceNonceAccount = (data: Uint8Array): boolean => decodeOrUndefined(u32, data) === SYSTEM_INSTRUCTION.tags.AdvanceNonceAccount;

/** `system_instruction::transfer`, for a builtin to invoke. */
export function transferInstruction(from: string, to: string, lamports: bigint): CpiInstruction {
  return {
    programId: SYSTEM_PROGRAM,
    accounts: [
      { key: from, isSigner: true, isWritable: true },
      { key: to, isSigner: false, isWritable: true },
    ],
    data: encode(SYSTEM_INSTRUCTION, { kind: 'Transfer', lamports }),
  };
}

/** The data of `system_instruction::create_account`, for a builtin to invoke. */
export const createAccountData = (lamports: bigint, space: bigint, owner: string): Uint8Array =>
  encode(SYSTEM_INSTRUCTION, { kind: 'CreateAccount', lamports, space, owner });

/** `system_instruction::allocate`, for a builtin to invoke. */
export function allocateInstruction(account: string, space: bigint): CpiInstruction {
  const data = encode(SYSTEM_INSTRUCTION, { kind: 'Allocate', space });
  return { programId: SYSTEM_PROGRAM, accounts: [{ key: account, isSigner: true, isWritable: true }], data };
}

/** `system_instruction::assign`, for a builtin to invoke. */
export function assignInstruction(account: string, owner: string): CpiInstruction {
  const data = encode(SYSTEM_INSTRUCTION, { kind: 'Assign', owner });
  return { programId: SYSTEM_PROGRAM, accounts: [{ key: account, isSigner: true, isWritable: true }], data };
}

/** An account address, with the base it was derived from when seeds are involved. */
interface Address {
  address: string;
  base?: string;
}

/** Rust's `{:?}` of the processor's `Address` struct. */
const debug = (a: Address) => `Address { address: ${a.address}, base: ${a.base ? `Some(${a.base})` : 'None'} }`;

/**
 * One System instruction being processed: its context and frame, with the processor's helpers as
 * methods (one object per instruction, not a closure per helper and a set of signers).
 */
class SystemCall {
  readonly tx: TransactionContext;
  readonly frame: InstructionFrame;

  constructor(readonly ic: InvokeContext) {
    this.tx = ic.tx;
    this.frame = this.tx.current();
  }

  key(i: number): string {
    return this.tx.keys[this.frame.accounts[i]!.txIndex]!;
  }

  /** Whether `key` is a signer of the instruction. */
  signed(key: string): boolean {
    const accounts = this.frame.accounts;
    for (let i = 0; i < accounts.length; i++) if (accounts[i]!.isSigner && this.tx.keys[accounts[i]!.txIndex] === key) return true;
    return false;
  }

  /** The instruction's signers, for the nonce instructions. */
  signerSet(): Set<string> {
    return new Set(this.frame.accounts.filter((a) => a.isSigner).map((a) => this.tx.keys[a.txIndex]!));
  }

  isSigner(a: Address): boolean {
    return this.signed(a.base ?? a.address);
  }

  withSeed(address: string, base: string, seed: string, owner: string): Address {
    const derived = createWithSeed(base, seed, owner);
    if (address !== derived) {
      this.ic.log(`Create: address ${address} does not match derived address ${derived}`);
      throw systemError(SystemError.AddressWithSeedMismatch);
    }
    return { address, base };
  }

  allocate(i: number, address: Address, space: bigint): void {
    if (!this.isSigner(address)) {
      this.ic.log(`Allocate: 'to' account ${debug(address)} must sign`);
      fail('MissingRequiredSignature');
    }
    const acc = this.tx.account(i);
    if (acc.data.length !== 0 || acc.owner !== SYSTEM_PROGRAM) {
      this.ic.log(`Allocate: account ${debug(address)} already in use`);
      throw systemError(SystemError.AccountAlreadyInUse);
    }
    if (space > BigInt(MAX_PERMITTED_DATA_LENGTH)) {
      this.ic.log(`Allocate: requested ${space}, max allowed ${MAX_PERMITTED_DATA_LENGTH}`);
      throw systemError(SystemError.InvalidAccountDataLength);
    }
    this.tx.setDataLength(i, Number(space));
  }

  assign(i: number, address: Address, owner: string): void {
    if (this.tx.account(i).owner === owner) return;
    if (!this.isSigner(address)) {
      this.ic.log(`Assign: account ${debug(address)} must sign`);
      fail('MissingRequiredSignature');
    }
    this.tx.setOwner(i, owner);
  }

  transferVerified(from: number, to: number, lamports: bigint): void {
    const acc = this.tx.account(from);
    if (acc.data.length !== 0) {
      this.ic.log('Transfer: `from` must not carry data');
      fail('InvalidArgument');
    }
    if (lamports > acc.lamports) {
      this.ic.log(`Transfer: insufficient lamports ${acc.lamports}, need ${lamports}`);
      throw systemError(SystemError.ResultWithNegativeLamports);
    }
    this.tx.checkedSubLamports(from, lamports);
    this.tx.checkedAddLamports(to, lamports);
  }

  transfer(from: number, to: number, lamports: bigint): void {
    if (!this.frame.accounts[from]!.isSigner) {
      this.ic.log(`Transfer: \`from\` account ${this.key(from)} must sign`);
      fail('MissingRequiredSignature');
    }
    this.transferVerified(from, to, lamports);
  }

  createAccount(to: Address, lamports: bigint, space: bigint, owner: string): void {
    if (this.tx.account(1).lamports > 0n) {
      this.ic.log(`Create Account: account ${debug(to)} already in use`);
      throw systemError(SystemError.AccountAlreadyInUse);
    }
    this.allocate(1, to, space);
    this.assign(1, to, owner);
    this.transfer(0, 1, lamports);
  }

  run(ix: SystemInstruction): void {
    const tx = this.tx;
    switch (ix.kind) {
      case 'CreateAccount':
        tx.requireAccounts(2);
        return this.createAccount({ address: this.key(1) }, ix.lamports, ix.space, ix.owner);
      case 'Assign':
        tx.requireAccounts(1);
        return this.assign(0, { address: this.key(0) }, ix.owner);
      case 'Transfer':
        tx.requireAccounts(2);
        return this.transfer(0, 1, ix.lamports);
      case 'CreateAccountWithSeed':
        tx.requireAccounts(2);
        return this.createAccount(this.withSeed(this.key(1), ix.base, ix.seed, ix.owner), ix.lamports, ix.space, ix.owner);
      case 'Allocate':
        tx.requireAccounts(1);
        return this.allocate(0, { address: this.key(0) }, ix.space);
      case 'AllocateWithSeed': {
        tx.requireAccounts(1);
        const address = this.withSeed(this.key(0), ix.base, ix.seed, ix.owner);
        this.allocate(0, address, ix.space);
        return this.assign(0, address, ix.owner);
      }
      case 'AssignWithSeed':
        tx.requireAccounts(1);
        return this.assign(0, this.withSeed(this.key(0), ix.base, ix.seed, ix.owner), ix.owner);
      case 'TransferWithSeed': {
        tx.requireAccounts(3);
        if (!this.frame.accounts[1]!.isSigner) {
          this.ic.log(`Transfer: 'from' account ${this.key(1)} must sign`);
          fail('MissingRequiredSignature');
        }
        const derived = createWithSeed(this.key(1), ix.fromSeed, ix.fromOwner);
        if (this.key(0) !== derived) {
          this.ic.log(`Transfer: 'from' address ${this.key(0)} does not match derived address ${derived}`);
          throw systemError(SystemError.AddressWithSeedMismatch);
        }
        return this.transferVerified(0, 2, ix.lamports);
      }
      case 'AdvanceNonceAccount':
        return new NonceInstructions(this.ic, this.signerSet()).advance();
      case 'WithdrawNonceAccount':
        return new NonceInstructions(this.ic, this.signerSet()).withdraw(ix.lamports);
      case 'InitializeNonceAccount':
        return new NonceInstructions(this.ic, this.signerSet()).initialize(ix.authority);
      case 'AuthorizeNonceAccount':
        return new NonceInstructions(this.ic, this.signerSet()).authorize(ix.authority);
      case 'UpgradeNonceAccount':
        return new NonceInstructions(this.ic, this.signerSet()).upgrade();
      case 'CreateAccountAllowPrefund': {
        // CreateAccount without the "already has lamports" check; the new account comes first.
        if (!this.ic.env.features.isActive(FEATURES.createAccountAllowPrefund)) fail('InvalidInstructionData');
        // The funder is an account only when there are lamports to move; both counts come first.
        tx.requireAccounts(ix.lamports > 0n ? 2 : 1);
        const to = { address: this.key(0) };
        this.allocate(0, to, ix.space);
        this.assign(0, to, ix.owner);
        if (ix.lamports > 0n) this.transfer(1, 0, ix.lamports);
        return;
      }
    }
  }
}

class SystemProgram implements Builtin {
  readonly name = 'solana_system_program';

  process(ic: InvokeContext): void {
    ic.consumeChecked(150);
    // `limited_deserialize`: the whole instruction is decoded before any account is read.
    const call = new SystemCall(ic);
    call.run(readInstruction(call.frame.data));
  }
}

export const systemProgram: Builtin = new SystemProgram();
