/**
 * The upgradeable BPF loader's management instructions (agave `programs/bpf_loader/src/lib.rs`
 * `process_loader_upgradeable_instruction`): buffers, deploy, upgrade, authorities, close and
 * extend, 2 370 units each, with Agave's checks and log lines. A program deployed or upgraded by a
 * transaction becomes executable in the next slot (`DELAY_VISIBILITY_SLOT_OFFSET`).
 */
import { decodeAddress, encodeAddress } from '../accounts.js';
import { fail, InstructionFailure } from '../errors.js';
import { nativeInvokeSigned } from '../cpi.js';
import { BPF_LOADER_UPGRADEABLE, SYSTEM_PROGRAM, SYSVAR } from '../ids.js';
import type { Builtin, InvokeContext } from '../invoke-context.js';
import { loadProgram } from '../program-loader.js';
import { VerifierError } from '../../verifier/index.js';
import { MAX_PERMITTED_DATA_LENGTH } from '../transaction-context.js';
import { findProgramAddress } from '../../syscalls/pda.js';
import { BincodeReader } from './bincode.js';
import {
  BUFFER_METADATA_SIZE,
  decodeLoaderState,
  encodeLoaderState,
  LOADER_INSTRUCTION,
  type LoaderState,
  PROGRAM_SIZE,
  PROGRAMDATA_METADATA_SIZE,
  UNINITIALIZED_SIZE,
} from '../loader-state.js';
import { createAccountData, transferInstruction } from './system.js';

const UPGRADEABLE_LOADER_COMPUTE_UNITS = 2370;
const MINIMUM_EXTEND_PROGRAM_BYTES = 10_240;

/**
 * `deploy_program!`: loads and verifies the ELF with the deployment checks (a failure logs the
 * loader's or verifier's message and is InvalidAccountData); executable from the next slot.
 */
function deployProgram(ic: InvokeContext, programId: string, elf: Uint8Array, slot: bigint): void {
  try {
    const exe = loadProgram(elf, { syscalls: [...ic.env.syscalls.entries()].map((e) => e.name) });
    ic.modifiedPrograms.set(programId, { kind: 'loaded', exe, loader: BPF_LOADER_UPGRADEABLE, deploymentSlot: slot, effectiveSlot: slot + 1n });
  } catch (e) {
    if (e instanceof InstructionFailure || !(e instanceof Error)) throw e;
    // Agave logs the loader's ElfError as is, and the verifier's inside an EbpfError.
    ic.log(e instanceof VerifierError ? `Verifier error: ${e.message}` : e.message);
    fail('InvalidAccountData');
  }
}

class UpgradeableLoader implements Builtin {
  readonly name = 'solana_bpf_loader_upgradeable_program';

  process(ic: InvokeContext): void {
    ic.consumeChecked(UPGRADEABLE_LOADER_COMPUTE_UNITS);
    const tx = ic.tx;
    const frame = tx.current();
    // `limited_deserialize`: the whole instruction is decoded before any account is read.
    const ix = LOADER_INSTRUCTION.read(new BincodeReader(frame.data));
    const log = (line: string) => ic.log(line);
    const signer = (i: number) => frame.accounts[i]?.isSigner === true;
    const writable = (i: number) => frame.accounts[i].isWritable;
    const state = (i: number) => decodeLoaderState(tx.account(i).data);
    const setState = (i: number, s: LoaderState) => {
      const bytes = encodeLoaderState(s);
      const data = tx.dataMut(i);
      if (data.length < bytes.length) fail('AccountDataTooSmall');
      data.set(bytes);
    };
    const deploy = (programId: string, elf: Uint8Array, slot: bigint) => deployProgram(ic, programId, elf, slot);
    const clockSlot = () => ic.env.clock.slot;
    /** The checks deploy and upgrade make on the buffer; returns the length of its program bytes. */
    const verifyBuffer = (i: number, authority: string, authorityIndex: number): number => {
      const buffer = state(i);
      if (buffer.kind !== 'Buffer') {
        log('Invalid Buffer account');
        fail('InvalidArgument');
      }
      if (buffer.authority !== authority) {
        log("Buffer and upgrade authority don't match");
        fail('IncorrectAuthority');
      }
      if (!signer(authorityIndex)) {
        log('Upgrade authority did not sign');
        fail('MissingRequiredSignature');
      }
      const length = tx.account(i).data.length;
      if (length <= BUFFER_METADATA_SIZE) {
        log('Buffer account too small');
        fail('InvalidAccountData');
      }
      return length - BUFFER_METADATA_SIZE;
    };

    switch (ix.kind) {
      case 'InitializeBuffer': {
        tx.requireAccounts(2);
        if (state(0).kind !== 'Uninitialized') {
          log('Buffer account already initialized');
          fail('AccountAlreadyInitialized');
        }
        return setState(0, { kind: 'Buffer', authority: tx.instructionKey(1) });
      }
      case 'Write': {
        const { offset, bytes } = ix;
        tx.requireAccounts(2);
        const s = state(0);
        if (s.kind !== 'Buffer') {
          log('Invalid Buffer account');
          fail('InvalidAccountData');
        }
        if (s.authority === undefined) {
          log('Buffer is immutable');
          fail('Immutable');
        }
        if (s.authority !== tx.instructionKey(1)) {
          log('Incorrect buffer authority provided');
          fail('IncorrectAuthority');
        }
        if (!signer(1)) {
          log('Buffer authority did not sign');
          fail('MissingRequiredSignature');
        }
        const data = tx.dataMut(0);
        const end = BUFFER_METADATA_SIZE + offset + bytes.length;
        if (data.length < end) {
          log(`Write overflow: ${data.length} < ${end}`);
          fail('AccountDataTooSmall');
        }
        data.set(bytes, BUFFER_METADATA_SIZE + offset);
        return;
      }
      case 'DeployWithMaxDataLen': {
        const { maxDataLen } = ix;
        tx.requireAccounts(4);
        const payer = tx.instructionKey(0);
        const programData = tx.instructionKey(1);
        tx.checkSysvarAccount(4, SYSVAR.rent);
        tx.checkSysvarAccount(5, SYSVAR.clock);
        tx.requireAccounts(8);
        const authority = tx.instructionKey(7);
        if (state(2).kind !== 'Uninitialized') {
          log('Program account already initialized');
          fail('AccountAlreadyInitialized');
        }
        const program = tx.account(2);
        if (program.data.length < PROGRAM_SIZE) {
          log('Program account too small');
          fail('AccountDataTooSmall');
        }
        if (program.lamports < ic.env.minimumBalance(program.data.length)) {
          log('Program account not rent-exempt');
          fail('ExecutableAccountNotRentExempt');
        }
        const programId = tx.instructionKey(2);
        const bufferDataLen = verifyBuffer(3, authority, 7);
        if (maxDataLen < BigInt(bufferDataLen)) {
          log('Max data length is too small to hold Buffer data');
          fail('AccountDataTooSmall');
        }
        const programDataLen = PROGRAMDATA_METADATA_SIZE + Number(maxDataLen);
        if (programDataLen > MAX_PERMITTED_DATA_LENGTH) {
          log('Max data length is too large');
          fail('InvalidArgument');
        }
        const [derived, bump] = findProgramAddress([decodeAddress(programId)], decodeAddress(BPF_LOADER_UPGRADEABLE));
        if (encodeAddress(derived) !== programData) {
          log('ProgramData address is not derived');
          fail('InvalidArgument');
        }
        // Drain the buffer to the payer, who then pays for the programdata account.
        tx.checkedAddLamports(0, tx.account(3).lamports);
        tx.setLamports(3, 0n);
        const rentExempt = ic.env.minimumBalance(programDataLen);
        const createData = createAccountData(rentExempt > 1n ? rentExempt : 1n, BigInt(programDataLen), BPF_LOADER_UPGRADEABLE);
        nativeInvokeSigned(
          ic,
          {
            programId: SYSTEM_PROGRAM,
            accounts: [
              { key: payer, isSigner: true, isWritable: true },
              { key: programData, isSigner: true, isWritable: true },
              { key: tx.instructionKey(3), isSigner: false, isWritable: true },
            ],
            data: createData,
          },
          [[decodeAddress(programId), Uint8Array.of(bump)]],
        );
        const elf = tx.account(3).data.subarray(BUFFER_METADATA_SIZE);
        deploy(programId, elf, clockSlot());
        setState(1, { kind: 'ProgramData', slot: clockSlot(), authority });
        tx.dataMut(1).set(elf, PROGRAMDATA_METADATA_SIZE);
        tx.setDataLength(3, BUFFER_METADATA_SIZE);
        setState(2, { kind: 'Program', programData });
        tx.setExecutable(2);
        log(`Deployed program ${programId}`);
        return;
      }
      case 'Upgrade': {
        tx.requireAccounts(3);
        const programData = tx.instructionKey(0);
        tx.checkSysvarAccount(4, SYSVAR.rent);
        tx.checkSysvarAccount(5, SYSVAR.clock);
        tx.requireAccounts(7);
        const authority = tx.instructionKey(6);
        if (!writable(1)) {
          log('Program account not writeable');
          fail('InvalidArgument');
        }
        if (tx.account(1).owner !== BPF_LOADER_UPGRADEABLE) {
          log('Program account not owned by loader');
          fail('IncorrectProgramId');
        }
        const program = state(1);
        if (program.kind !== 'Program') {
          log('Invalid Program account');
          fail('InvalidAccountData');
        }
        if (program.programData !== programData) {
          log('Program and ProgramData account mismatch');
          fail('InvalidArgument');
        }
        const programId = tx.instructionKey(1);
        const bufferDataLen = verifyBuffer(2, authority, 6);
        const bufferLamports = tx.account(2).lamports;
        const bufferData = tx.account(2).data;
        const pd = tx.account(0);
        const min = ic.env.minimumBalance(pd.data.length);
        const required = min > 1n ? min : 1n;
        if (pd.data.length < PROGRAMDATA_METADATA_SIZE + bufferDataLen) {
          log('ProgramData account not large enough');
          fail('AccountDataTooSmall');
        }
        if (pd.lamports + bufferLamports < required) {
          log('Buffer account balance too low to fund upgrade');
          fail('InsufficientFunds');
        }
        const pds = state(0);
        if (pds.kind !== 'ProgramData') {
          log('Invalid ProgramData account');
          fail('InvalidAccountData');
        }
        if (clockSlot() === pds.slot) {
          log('Program was deployed in this block already');
          fail('InvalidArgument');
        }
        if (pds.authority === undefined) {
          log('Program not upgradeable');
          fail('Immutable');
        }
        if (pds.authority !== authority) {
          log('Incorrect upgrade authority provided');
          fail('IncorrectAuthority');
        }
        if (!signer(6)) {
          log('Upgrade authority did not sign');
          fail('MissingRequiredSignature');
        }
        const elf = bufferData.subarray(BUFFER_METADATA_SIZE);
        deploy(programId, elf, clockSlot());
        setState(0, { kind: 'ProgramData', slot: clockSlot(), authority });
        const data = tx.dataMut(0);
        data.set(elf, PROGRAMDATA_METADATA_SIZE);
        data.fill(0, PROGRAMDATA_METADATA_SIZE + bufferDataLen);
        tx.checkedAddLamports(3, pd.lamports + bufferLamports - required);
        tx.setLamports(2, 0n);
        tx.setLamports(0, required);
        tx.setDataLength(2, BUFFER_METADATA_SIZE);
        log(`Upgraded program ${programId}`);
        return;
      }
      case 'SetAuthority':
      case 'SetAuthorityChecked': {
        const checked = ix.kind === 'SetAuthorityChecked';
        tx.requireAccounts(checked ? 3 : 2);
        const present = tx.instructionKey(1);
        const next = frame.accounts.length > 2 ? tx.instructionKey(2) : undefined;
        const s = state(0);
        const what = s.kind === 'Buffer' ? 'buffer' : 'upgrade';
        if (s.kind !== 'Buffer' && s.kind !== 'ProgramData') {
          log('Account does not support authorities');
          fail('InvalidArgument');
        }
        if (s.kind === 'Buffer' && !checked && next === undefined) {
          log('Buffer authority is not optional');
          fail('IncorrectAuthority');
        }
        if (s.authority === undefined) {
          log(s.kind === 'Buffer' ? 'Buffer is immutable' : 'Program not upgradeable');
          fail('Immutable');
        }
        if (s.authority !== present) {
          log(`Incorrect ${what} authority provided`);
          fail('IncorrectAuthority');
        }
        if (!signer(1)) {
          log(s.kind === 'Buffer' ? 'Buffer authority did not sign' : 'Upgrade authority did not sign');
          fail('MissingRequiredSignature');
        }
        if (checked && !signer(2)) {
          log('New authority did not sign');
          fail('MissingRequiredSignature');
        }
        setState(0, { ...s, authority: next });
        log(checked ? `New authority ${next}` : `New authority ${next === undefined ? 'None' : `Some(${next})`}`);
        return;
      }
      case 'Close': {
        tx.requireAccounts(2);
        if (frame.accounts[0].txIndex === frame.accounts[1].txIndex) {
          log('Recipient is the same as the account being closed');
          fail('InvalidArgument');
        }
        const closeKey = tx.instructionKey(0);
        const s = state(0);
        tx.setDataLength(0, UNINITIALIZED_SIZE);
        const closeWith = (authority: string | undefined) => {
          if (authority === undefined) {
            log('Account is immutable');
            fail('Immutable');
          }
          if (authority !== tx.instructionKey(2)) {
            log('Incorrect authority provided');
            fail('IncorrectAuthority');
          }
          if (!signer(2)) {
            log('Authority did not sign');
            fail('MissingRequiredSignature');
          }
          tx.checkedAddLamports(1, tx.account(0).lamports);
          tx.setLamports(0, 0n);
          setState(0, { kind: 'Uninitialized' });
        };
        if (s.kind === 'Uninitialized') {
          tx.checkedAddLamports(1, tx.account(0).lamports);
          tx.setLamports(0, 0n);
          log(`Closed Uninitialized ${closeKey}`);
        } else if (s.kind === 'Buffer') {
          tx.requireAccounts(3);
          closeWith(s.authority);
          log(`Closed Buffer ${closeKey}`);
        } else if (s.kind === 'ProgramData') {
          tx.requireAccounts(4);
          const programKey = tx.instructionKey(3);
          if (!writable(3)) {
            log('Program account is not writable');
            fail('InvalidArgument');
          }
          if (tx.account(3).owner !== BPF_LOADER_UPGRADEABLE) {
            log('Program account not owned by loader');
            fail('IncorrectProgramId');
          }
          if (clockSlot() === s.slot) {
            log('Program was deployed in this block already');
            fail('InvalidArgument');
          }
          const program = state(3);
          if (program.kind !== 'Program') {
            log('Invalid Program account');
            fail('InvalidArgument');
          }
          if (program.programData !== closeKey) {
            log('ProgramData account does not match ProgramData account');
            fail('InvalidArgument');
          }
          closeWith(s.authority);
          ic.modifiedPrograms.set(programKey, { kind: 'failed', loader: BPF_LOADER_UPGRADEABLE });
          log(`Closed Program ${programKey}`);
        } else {
          log('Account does not support closing');
          fail('InvalidArgument');
        }
        return;
      }
      case 'ExtendProgram':
        return this.extend(ic, ix.additionalBytes);
      // Migrate is gated off (`enable_loader_v4`) and Agave 4.2 has no ExtendProgramChecked.
      case 'Migrate':
      case 'ExtendProgramChecked':
        return fail('InvalidInstructionData');
    }
  }

  /** `common_extend_program` (ExtendProgram: no authority check; the payer is account 3). */
  private extend(ic: InvokeContext, additional: number): void {
    const tx = ic.tx;
    const frame = tx.current();
    const log = (line: string) => ic.log(line);
    if (additional === 0) {
      log('Additional bytes must be greater than 0');
      fail('InvalidInstructionData');
    }
    // Accounts are borrowed in order: ProgramData is checked before the program account is needed.
    tx.requireAccounts(1);
    const pd = tx.account(0);
    const programDataKey = tx.keys[frame.accounts[0].txIndex];
    if (pd.owner !== BPF_LOADER_UPGRADEABLE) {
      log('ProgramData owner is invalid');
      fail('InvalidAccountOwner');
    }
    if (!frame.accounts[0].isWritable) {
      log('ProgramData is not writable');
      fail('InvalidArgument');
    }
    tx.requireAccounts(2);
    if (!frame.accounts[1].isWritable) {
      log('Program account is not writable');
      fail('InvalidArgument');
    }
    if (tx.account(1).owner !== BPF_LOADER_UPGRADEABLE) {
      log('Program account not owned by loader');
      fail('InvalidAccountOwner');
    }
    const programKey = tx.keys[frame.accounts[1].txIndex];
    const program = decodeLoaderState(tx.account(1).data);
    if (program.kind !== 'Program') {
      log('Invalid Program account');
      fail('InvalidAccountData');
    }
    if (program.programData !== programDataKey) {
      log('Program account does not match ProgramData account');
      fail('InvalidArgument');
    }
    const newLen = pd.data.length + additional;
    if (newLen > MAX_PERMITTED_DATA_LENGTH) {
      log(`Extended ProgramData length of ${newLen} bytes exceeds max account data length of ${MAX_PERMITTED_DATA_LENGTH} bytes`);
      fail('InvalidRealloc');
    }
    // `loader_v3_minimum_extend_program_size`: small extensions are refused unless they reach the maximum.
    if (additional < MINIMUM_EXTEND_PROGRAM_BYTES && newLen !== MAX_PERMITTED_DATA_LENGTH) {
      log(
        `ExtendProgram requires a minimum of ${MINIMUM_EXTEND_PROGRAM_BYTES} additional bytes or to extend to maximum size, but only ${additional} were requested`,
      );
      fail('InvalidArgument');
    }
    const s = decodeLoaderState(pd.data);
    if (s.kind !== 'ProgramData') {
      log('ProgramData state is invalid');
      fail('InvalidAccountData');
    }
    if (ic.env.clock.slot === s.slot) {
      log('Program was extended in this block already');
      fail('InvalidArgument');
    }
    if (s.authority === undefined) {
      log('Cannot extend ProgramData accounts that are not upgradeable');
      fail('Immutable');
    }
    const payerIndex = 3;
    const min = ic.env.minimumBalance(newLen);
    const required = (min > 1n ? min : 1n) - pd.lamports;
    if (required > 0n) {
      const payer = tx.instructionKey(payerIndex);
      nativeInvokeSigned(ic, transferInstruction(payer, programDataKey, required), []);
    }
    tx.setDataLength(0, newLen);
    const slot = ic.env.clock.slot;
    deployProgram(ic, programKey, tx.account(0).data.subarray(PROGRAMDATA_METADATA_SIZE), slot);
    const data = tx.dataMut(0);
    data.set(encodeLoaderState({ kind: 'ProgramData', slot, authority: s.authority }));
    log(`Extended ProgramData account by ${additional} bytes`);
  }
}

export const upgradeableLoader: Builtin = new UpgradeableLoader();
