/**
 * sBPF opcode bytes (solana-sbpf `ebpf.rs`). Names follow the reference so that a reader can
 * move between the two code bases; classes 4/7 and 6 are reused by V2 (memory, PQR) and V3 (JMP32).
 */

/** Operation classes: the low three bits of an opcode. */
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU32_LOAD = 0x04;
export const BPF_JMP64 = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_PQR = 0x06;
export const BPF_ALU64_STORE = 0x07;
export const BPF_CLS_MASK = 0x07;
export const BPF_ALU_OP_MASK = 0xf0;

/** Operand source bit. */
export const BPF_K = 0x00;
export const BPF_X = 0x08;

/** Size modifiers (V0 memory classes). */
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_DW = 0x18;
/** Size modifiers (V2 memory-in-ALU classes). */
export const BPF_1B = 0x20;
export const BPF_2B = 0x30;
export const BPF_4B = 0x80;
export const BPF_8B = 0x90;
/** Mode modifiers. */
export const BPF_IMM = 0x00;
export const BPF_MEM = 0x60;

/** ALU operations. */
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_MOV = 0xb0;
export const BPF_ARSH = 0xc0;
export const BPF_END = 0xd0;
export const BPF_HOR = 0xf0;

/** PQR operations (V2). */
export const BPF_UHMUL = 0x20;
export const BPF_UDIV = 0x40;
export const BPF_UREM = 0x60;
export const BPF_LMUL = 0x80;
export const BPF_SHMUL = 0xa0;
export const BPF_SDIV = 0xc0;
export const BPF_SREM = 0xe0;

/** Jump operations. */
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_JNE = 0x50;
export const BPF_JSGT = 0x60;
export const BPF_JSGE = 0x70;
export const BPF_CALL = 0x80;
export const BPF_EXIT = 0x90;
export const BPF_JLT = 0xa0;
export const BPF_JLE = 0xb0;
export const BPF_JSLT = 0xc0;
export const BPF_JSLE = 0xd0;

// Full opcodes.
export const LD_DW_IMM = BPF_LD | BPF_IMM | BPF_DW; // 0x18
export const LD_B_REG = BPF_LDX | BPF_MEM | BPF_B; // 0x71
export const LD_H_REG = BPF_LDX | BPF_MEM | BPF_H; // 0x69
export const LD_W_REG = BPF_LDX | BPF_MEM | BPF_W; // 0x61
export const LD_DW_REG = BPF_LDX | BPF_MEM | BPF_DW; // 0x79
export const ST_B_IMM = BPF_ST | BPF_MEM | BPF_B; // 0x72
export const ST_H_IMM = BPF_ST | BPF_MEM | BPF_H; // 0x6a
export const ST_W_IMM = BPF_ST | BPF_MEM | BPF_W; // 0x62
export const ST_DW_IMM = BPF_ST | BPF_MEM | BPF_DW; // 0x7a
export const ST_B_REG = BPF_STX | BPF_MEM | BPF_B; // 0x73
export const ST_H_REG = BPF_STX | BPF_MEM | BPF_H; // 0x6b
export const ST_W_REG = BPF_STX | BPF_MEM | BPF_W; // 0x63
export const ST_DW_REG = BPF_STX | BPF_MEM | BPF_DW; // 0x7b

export const LD_1B_REG = BPF_ALU32_LOAD | BPF_X | BPF_1B; // 0x2c
export const LD_2B_REG = BPF_ALU32_LOAD | BPF_X | BPF_2B; // 0x3c
export const LD_4B_REG = BPF_ALU32_LOAD | BPF_X | BPF_4B; // 0x8c
export const LD_8B_REG = BPF_ALU32_LOAD | BPF_X | BPF_8B; // 0x9c
export const ST_1B_IMM = BPF_ALU64_STORE | BPF_K | BPF_1B; // 0x27
export const ST_2B_IMM = BPF_ALU64_STORE | BPF_K | BPF_2B; // 0x37
export const ST_4B_IMM = BPF_ALU64_STORE | BPF_K | BPF_4B; // 0x87
export const ST_8B_IMM = BPF_ALU64_STORE | BPF_K | BPF_8B; // 0x97
export const ST_1B_REG = BPF_ALU64_STORE | BPF_X | BPF_1B; // 0x2f
export const ST_2B_REG = BPF_ALU64_STORE | BPF_X | BPF_2B; // 0x3f
export const ST_4B_REG = BPF_ALU64_STORE | BPF_X | BPF_4B; // 0x8f
export const ST_8B_REG = BPF_ALU64_STORE | BPF_X | BPF_8B; // 0x9f

export const ADD32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_ADD;
export const ADD32_REG = BPF_ALU32_LOAD | BPF_X | BPF_ADD;
export const SUB32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_SUB;
export const SUB32_REG = BPF_ALU32_LOAD | BPF_X | BPF_SUB;
export const MUL32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_MUL;
export const MUL32_REG = BPF_ALU32_LOAD | BPF_X | BPF_MUL;
export const DIV32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_DIV;
export const DIV32_REG = BPF_ALU32_LOAD | BPF_X | BPF_DIV;
export const OR32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_OR;
export const OR32_REG = BPF_ALU32_LOAD | BPF_X | BPF_OR;
export const AND32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_AND;
export const AND32_REG = BPF_ALU32_LOAD | BPF_X | BPF_AND;
export const LSH32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_LSH;
export const LSH32_REG = BPF_ALU32_LOAD | BPF_X | BPF_LSH;
export const RSH32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_RSH;
export const RSH32_REG = BPF_ALU32_LOAD | BPF_X | BPF_RSH;
export const NEG32 = BPF_ALU32_LOAD | BPF_NEG;
export const MOD32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_MOD;
export const MOD32_REG = BPF_ALU32_LOAD | BPF_X | BPF_MOD;
export const XOR32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_XOR;
export const XOR32_REG = BPF_ALU32_LOAD | BPF_X | BPF_XOR;
export const MOV32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_MOV;
export const MOV32_REG = BPF_ALU32_LOAD | BPF_X | BPF_MOV;
export const ARSH32_IMM = BPF_ALU32_LOAD | BPF_K | BPF_ARSH;
export const ARSH32_REG = BPF_ALU32_LOAD | BPF_X | BPF_ARSH;
export const LE = BPF_ALU32_LOAD | BPF_K | BPF_END; // 0xd4
export const BE = BPF_ALU32_LOAD | BPF_X | BPF_END; // 0xdc

export const LMUL32_IMM = BPF_PQR | BPF_K | BPF_LMUL;
export const LMUL32_REG = BPF_PQR | BPF_X | BPF_LMUL;
export const UDIV32_IMM = BPF_PQR | BPF_K | BPF_UDIV;
export const UDIV32_REG = BPF_PQR | BPF_X | BPF_UDIV;
export const UREM32_IMM = BPF_PQR | BPF_K | BPF_UREM;
export const UREM32_REG = BPF_PQR | BPF_X | BPF_UREM;
export const SDIV32_IMM = BPF_PQR | BPF_K | BPF_SDIV;
export const SDIV32_REG = BPF_PQR | BPF_X | BPF_SDIV;
export const SREM32_IMM = BPF_PQR | BPF_K | BPF_SREM;
export const SREM32_REG = BPF_PQR | BPF_X | BPF_SREM;

export const ADD64_IMM = BPF_ALU64_STORE | BPF_K | BPF_ADD;
export const ADD64_REG = BPF_ALU64_STORE | BPF_X | BPF_ADD;
export const SUB64_IMM = BPF_ALU64_STORE | BPF_K | BPF_SUB;
export const SUB64_REG = BPF_ALU64_STORE | BPF_X | BPF_SUB;
export const MUL64_IMM = BPF_ALU64_STORE | BPF_K | BPF_MUL;
export const MUL64_REG = BPF_ALU64_STORE | BPF_X | BPF_MUL;
export const DIV64_IMM = BPF_ALU64_STORE | BPF_K | BPF_DIV;
export const DIV64_REG = BPF_ALU64_STORE | BPF_X | BPF_DIV;
export const OR64_IMM = BPF_ALU64_STORE | BPF_K | BPF_OR;
export const OR64_REG = BPF_ALU64_STORE | BPF_X | BPF_OR;
export const AND64_IMM = BPF_ALU64_STORE | BPF_K | BPF_AND;
export const AND64_REG = BPF_ALU64_STORE | BPF_X | BPF_AND;
export const LSH64_IMM = BPF_ALU64_STORE | BPF_K | BPF_LSH;
export const LSH64_REG = BPF_ALU64_STORE | BPF_X | BPF_LSH;
export const RSH64_IMM = BPF_ALU64_STORE | BPF_K | BPF_RSH;
export const RSH64_REG = BPF_ALU64_STORE | BPF_X | BPF_RSH;
export const NEG64 = BPF_ALU64_STORE | BPF_NEG;
export const MOD64_IMM = BPF_ALU64_STORE | BPF_K | BPF_MOD;
export const MOD64_REG = BPF_ALU64_STORE | BPF_X | BPF_MOD;
export const XOR64_IMM = BPF_ALU64_STORE | BPF_K | BPF_XOR;
export const XOR64_REG = BPF_ALU64_STORE | BPF_X | BPF_XOR;
export const MOV64_IMM = BPF_ALU64_STORE | BPF_K | BPF_MOV;
export const MOV64_REG = BPF_ALU64_STORE | BPF_X | BPF_MOV;
export const ARSH64_IMM = BPF_ALU64_STORE | BPF_K | BPF_ARSH;
export const ARSH64_REG = BPF_ALU64_STORE | BPF_X | BPF_ARSH;
export const HOR64_IMM = BPF_ALU64_STORE | BPF_K | BPF_HOR; // 0xf7

export const LMUL64_IMM = BPF_PQR | BPF_B | BPF_K | BPF_LMUL;
export const LMUL64_REG = BPF_PQR | BPF_B | BPF_X | BPF_LMUL;
export const UHMUL64_IMM = BPF_PQR | BPF_B | BPF_K | BPF_UHMUL;
export const UHMUL64_REG = BPF_PQR | BPF_B | BPF_X | BPF_UHMUL;
export const UDIV64_IMM = BPF_PQR | BPF_B | BPF_K | BPF_UDIV;
export const UDIV64_REG = BPF_PQR | BPF_B | BPF_X | BPF_UDIV;
export const UREM64_IMM = BPF_PQR | BPF_B | BPF_K | BPF_UREM;
export const UREM64_REG = BPF_PQR | BPF_B | BPF_X | BPF_UREM;
export const SHMUL64_IMM = BPF_PQR | BPF_B | BPF_K | BPF_SHMUL;
export const SHMUL64_REG = BPF_PQR | BPF_B | BPF_X | BPF_SHMUL;
export const SDIV64_IMM = BPF_PQR | BPF_B | BPF_K | BPF_SDIV;
export const SDIV64_REG = BPF_PQR | BPF_B | BPF_X | BPF_SDIV;
export const SREM64_IMM = BPF_PQR | BPF_B | BPF_K | BPF_SREM;
export const SREM64_REG = BPF_PQR | BPF_B | BPF_X | BPF_SREM;

export const JA = BPF_JMP64 | BPF_JA; // 0x05
export const JEQ64_IMM = BPF_JMP64 | BPF_K | BPF_JEQ;
export const JEQ64_REG = BPF_JMP64 | BPF_X | BPF_JEQ;
export const JGT64_IMM = BPF_JMP64 | BPF_K | BPF_JGT;
export const JGT64_REG = BPF_JMP64 | BPF_X | BPF_JGT;
export const JGE64_IMM = BPF_JMP64 | BPF_K | BPF_JGE;
export const JGE64_REG = BPF_JMP64 | BPF_X | BPF_JGE;
export const JLT64_IMM = BPF_JMP64 | BPF_K | BPF_JLT;
export const JLT64_REG = BPF_JMP64 | BPF_X | BPF_JLT;
export const JLE64_IMM = BPF_JMP64 | BPF_K | BPF_JLE;
export const JLE64_REG = BPF_JMP64 | BPF_X | BPF_JLE;
export const JSET64_IMM = BPF_JMP64 | BPF_K | BPF_JSET;
export const JSET64_REG = BPF_JMP64 | BPF_X | BPF_JSET;
export const JNE64_IMM = BPF_JMP64 | BPF_K | BPF_JNE;
export const JNE64_REG = BPF_JMP64 | BPF_X | BPF_JNE;
export const JSGT64_IMM = BPF_JMP64 | BPF_K | BPF_JSGT;
export const JSGT64_REG = BPF_JMP64 | BPF_X | BPF_JSGT;
export const JSGE64_IMM = BPF_JMP64 | BPF_K | BPF_JSGE;
export const JSGE64_REG = BPF_JMP64 | BPF_X | BPF_JSGE;
export const JSLT64_IMM = BPF_JMP64 | BPF_K | BPF_JSLT;
export const JSLT64_REG = BPF_JMP64 | BPF_X | BPF_JSLT;
export const JSLE64_IMM = BPF_JMP64 | BPF_K | BPF_JSLE;
export const JSLE64_REG = BPF_JMP64 | BPF_X | BPF_JSLE;
export const CALL_IMM = BPF_JMP64 | BPF_CALL; // 0x85
export const CALL_REG = BPF_JMP64 | BPF_X | BPF_CALL; // 0x8d
export const EXIT = BPF_JMP64 | BPF_EXIT; // 0x95

export const JEQ32_IMM = BPF_JMP32 | BPF_K | BPF_JEQ;
export const JEQ32_REG = BPF_JMP32 | BPF_X | BPF_JEQ;
export const JGT32_IMM = BPF_JMP32 | BPF_K | BPF_JGT;
export const JGT32_REG = BPF_JMP32 | BPF_X | BPF_JGT;
export const JGE32_IMM = BPF_JMP32 | BPF_K | BPF_JGE;
export const JGE32_REG = BPF_JMP32 | BPF_X | BPF_JGE;
export const JLT32_IMM = BPF_JMP32 | BPF_K | BPF_JLT;
export const JLT32_REG = BPF_JMP32 | BPF_X | BPF_JLT;
export const JLE32_IMM = BPF_JMP32 | BPF_K | BPF_JLE;
export const JLE32_REG = BPF_JMP32 | BPF_X | BPF_JLE;
export const JSET32_IMM = BPF_JMP32 | BPF_K | BPF_JSET;
export const JSET32_REG = BPF_JMP32 | BPF_X | BPF_JSET;
export const JNE32_IMM = BPF_JMP32 | BPF_K | BPF_JNE;
export const JNE32_REG = BPF_JMP32 | BPF_X | BPF_JNE;
export const JSGT32_IMM = BPF_JMP32 | BPF_K | BPF_JSGT;
export const JSGT32_REG = BPF_JMP32 | BPF_X | BPF_JSGT;
export const JSGE32_IMM = BPF_JMP32 | BPF_K | BPF_JSGE;
export const JSGE32_REG = BPF_JMP32 | BPF_X | BPF_JSGE;
export const JSLT32_IMM = BPF_JMP32 | BPF_K | BPF_JSLT;
export const JSLT32_REG = BPF_JMP32 | BPF_X | BPF_JSLT;
export const JSLE32_IMM = BPF_JMP32 | BPF_K | BPF_JSLE;
export const JSLE32_REG = BPF_JMP32 | BPF_X | BPF_JSLE;
