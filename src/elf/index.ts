import { guarded, toBytes, toInteger, toText, toU32 } from '../arguments.js';
import * as murmur3 from './murmur3.js';

export { loadElf, type LoadElfOptions } from './loader.js';
export { ElfError, type ElfErrorKind } from './errors.js';
export { SOLANA_SYSCALL_NAMES } from './syscall-names.js';
export { writeElf, type ElfImage } from './writer.js';

// The hashes as exported, behind checks of their arguments (the loader calls them per call site unchecked).
export const murmur3_32 = guarded(murmur3.murmur3_32, [
  ['bytes', toBytes],
  ['seed', (v, name) => (v === undefined ? 0 : toU32(v, name))],
]);
export const hashSymbolName = guarded(murmur3.hashSymbolName, [['name', toText]]);
export const hashPc = guarded(murmur3.hashPc, [['pc', (v, name) => toInteger(v, name, 0, Number.MAX_SAFE_INTEGER, 'an instruction slot index')]]);
