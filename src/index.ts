/**
 * websvm — a Solana sBPF runtime simulator in TypeScript.
 *
 * VM level (DESIGN §4): `assemble`, `loadElf`, `verify`, `execute`, `disassemble`.
 */
export * from './errors.js';
export * from './isa/index.js';
export type * from './executable.js';
export * from './elf/index.js';
export * from './asm/index.js';
export * from './vm/index.js';
export * from './verifier/index.js';
export * from './linker/index.js';
export * from './syscalls/index.js';
export * from './api/index.js';
export * from './debug/index.js';
export * from './profile/index.js';
export type { ProgramDecoder, ReportOptions } from './inspect/index.js';
export * from './coverage/index.js';
