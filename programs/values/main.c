/*
 * values: what the debugger reads beyond plain locals, built with debug information like every
 * program folder (`clang-19 -g -O1`) — bitfields, a structure the optimiser keeps in two
 * registers (DWARF pieces), a constant DWARF states the value of, read-only globals, an array
 * indexed by a variable, structures passed by value, arguments whose registers are reused
 * before the function is done with them, and a function the optimiser specialises for one
 * caller (so that its copy is not entered with the parameters its prototype declares).
 * Instruction data: k, scale, sign. Each function logs what it holds (sol_log_64_), so tests
 * compare the debugger's values with what the program really stores.
 */
#include "../include/websvm.h"

struct point {
  int64_t x;
  int64_t y;
};

typedef struct {
  uint8_t ready : 1;
  uint8_t kind : 3;
  int level : 5;
  uint32_t wide : 12;
} Flags;

struct pair {
  uint32_t lo;
  uint32_t hi;
};

const struct point ORIGIN = {3, -4};
const uint64_t TABLE[4] = {11, 22, 33, 44};

/* Optimised: the registers of p, scale and sign are reused for the log's arguments; bias is a constant. */
__attribute__((noinline)) uint64_t area(const struct point *p, uint64_t scale, signed char sign) {
  const int64_t bias = -6;
  uint64_t a = (uint64_t)(p->x * p->y) * scale;
  sol_log_64_(a, (uint64_t)p->x, (uint64_t)p->y, scale, (uint64_t)(sign + bias));
  return a * (uint64_t)sign;
}

/* Optimised; its call with ORIGIN and weight 1 goes to a copy specialised for them, which takes no parameters. */
__attribute__((noinline)) int64_t norm(const struct point *p, int64_t w) {
  return (p->x * p->x + p->y * p->y) * w;
}

/* Optimised: pr lives in two registers around the log. */
__attribute__((noinline)) uint64_t split(uint64_t v) {
  struct pair pr = {(uint32_t)v, (uint32_t)(v >> 32)};
  sol_log_64_(pr.lo, pr.hi, 0, 0, 0);
  return pr.lo + pr.hi;
}

/* Unoptimised: its parameters and locals live in its stack frame. */
__attribute__((noinline, optnone)) uint64_t layout(Flags flags, struct point corner, uint64_t i) {
  uint64_t arr[4] = {TABLE[0], TABLE[1], TABLE[2], TABLE[3]};
  const uint64_t *cursor = &arr[i];
  sol_log_64_(flags.ready, flags.kind, (uint64_t)flags.level, flags.wide, *cursor);
  sol_log_64_((uint64_t)corner.x, (uint64_t)corner.y, i, arr[i + 1 & 3], (uint64_t)(ORIGIN.x * ORIGIN.y));
  return arr[i] + (uint64_t)corner.x;
}

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint8_t k = ix.data_len > 0 ? ix.data[0] : 1;
  uint64_t scale = ix.data_len > 1 ? ix.data[1] : 2;
  signed char sign = ix.data_len > 2 ? -(signed char)ix.data[2] : -1;
  struct point q = {k, 7};
  Flags flags = {.ready = 1, .kind = k & 7, .level = -(int)k, .wide = 0xab0 | k};
  struct point corner = {k, (int64_t)k - 10};
  uint64_t total = area(&q, scale, sign) + split(k * 0x100000003ul) + layout(flags, corner, k & 3) + (uint64_t)(norm(&ORIGIN, 1) + norm(&q, k));
  sol_log_64_(total, 0, 0, 0, 0);
  return SUCCESS;
}
