export { loadElf, type LoadElfOptions } from './loader.js';
export { ElfError, type ElfErrorKind } from './errors.js';
export { SOLANA_SYSCALL_NAMES } from './syscall-names.js';
export { murmur3_32, hashSymbolName, hashPc } from './murmur3.js';
export { writeElf, type ElfImage } from './writer.js';
