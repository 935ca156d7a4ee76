/**
 * BPF loader instructions as Agave parses them (agave transaction-status/src/parse_bpf_loader.rs):
 * the v2 loader's `LoaderInstruction` and the upgradeable loader's `UpgradeableLoaderInstruction`
 * (bincode), written bytes as base64. The upgradeable loader's `Migrate` is not parsed here.
 */
import { BincodeReader } from '../../runtime/builtins/bincode.js';
import { bytesToBase64 } from '../../platform.js';
import { LOADER_INSTRUCTION } from '../../runtime/loader-state.js';
import { instructionOver, NotParsable, type ParsedInstructionEnum, requireAccounts } from './instruction-parser.js';

/** `Write { offset: u32, bytes: Vec<u8> }`. */
const write = (r: BincodeReader) => ({ offset: r.u32(), bytes: bytesToBase64(r.bytes(r.length(1))) });

/** `parse_bpf_loader`. */
export function parseBpfLoaderInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  const r = new BincodeReader(data, { limit: Infinity });
  switch (r.u32()) {
    case 0: {
      const fields = write(r);
      requireAccounts(a, 1);
      return { type: 'write', info: { ...fields, account: a[0] } };
    }
    case 1:
      requireAccounts(a, 2);
      return { type: 'finalize', info: { account: a[0] } };
    default:
      throw new NotParsable('unknown BPF loader instruction');
  }
}

/** An account named only when the instruction lists that many (null otherwise). */
const maybe = (a: readonly string[], index: number) => a[index] ?? null;

/** `parse_bpf_upgradeable_loader`: the instruction decoded as the loader decodes it. */
export function parseUpgradeableLoaderInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  const ix = LOADER_INSTRUCTION.read(new BincodeReader(data, { limit: Infinity }));
  const parsed = instructionOver(a);
  switch (ix.kind) {
    case 'InitializeBuffer':
      return parsed('initializeBuffer', 1, () => ({ account: a[0], ...(a.length > 1 ? { authority: a[1] } : {}) }));
    case 'Write': {
      const fields = { offset: ix.offset, bytes: bytesToBase64(ix.bytes) };
      return parsed('write', 2, () => ({ ...fields, account: a[0], authority: a[1] }));
    }
    case 'DeployWithMaxDataLen':
      return parsed('deployWithMaxDataLen', 8, () => ({
        maxDataLen: ix.maxDataLen,
        payerAccount: a[0],
        programDataAccount: a[1],
        programAccount: a[2],
        bufferAccount: a[3],
        rentSysvar: a[4],
        clockSysvar: a[5],
        systemProgram: a[6],
        authority: a[7],
      }));
    case 'Upgrade':
      return parsed('upgrade', 7, () => ({
        programDataAccount: a[0],
        programAccount: a[1],
        bufferAccount: a[2],
        spillAccount: a[3],
        rentSysvar: a[4],
        clockSysvar: a[5],
        authority: a[6],
      }));
    case 'SetAuthority':
      return parsed('setAuthority', 2, () => ({ account: a[0], authority: a[1], newAuthority: maybe(a, 2) }));
    case 'Close':
      return parsed('close', 3, () => ({ account: a[0], recipient: a[1], authority: a[2], programAccount: maybe(a, 3) }));
    case 'ExtendProgram':
      return parsed('extendProgram', 2, () => ({
        additionalBytes: ix.additionalBytes,
        programDataAccount: a[0],
        programAccount: a[1],
        systemProgram: maybe(a, 2),
        payerAccount: maybe(a, 3),
      }));
    case 'SetAuthorityChecked':
      return parsed('setAuthorityChecked', 3, () => ({ account: a[0], authority: a[1], newAuthority: a[2] }));
    case 'ExtendProgramChecked':
      return parsed('extendProgramChecked', 3, () => ({
        additionalBytes: ix.additionalBytes,
        programDataAccount: a[0],
        programAccount: a[1],
        authority: a[2],
        systemProgram: maybe(a, 3),
        payerAccount: maybe(a, 4),
      }));
    case 'Migrate':
      throw new NotParsable('upgradeable loader instruction not parsed here');
  }
}
