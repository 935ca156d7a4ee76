export { assemble, type AssembleOptions } from './assembler.js';
export { AsmError, parse, type Operand, type Statement } from './parser.js';
export { assembleToElf } from './to-elf.js';
export { disassemble, type DisassembleOptions } from './disassembler.js';
