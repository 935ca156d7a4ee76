export * from './constants.js';
export * from './instruction.js';
export * from './version.js';
export * as op from './opcodes.js';
export * from './validity.js';
