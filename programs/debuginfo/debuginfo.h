/* Functions of the debuginfo program, one file each side. */
#ifndef DEBUGINFO_H
#define DEBUGINFO_H
#include "../include/websvm.h"

uint64_t checked_sum(const uint8_t *values, uint64_t count);
void require_sorted(const uint8_t *values, uint64_t count);
uint64_t scatter(const uint8_t *values, uint64_t count);
uint64_t average(const uint8_t *values, uint64_t count);
uint64_t weigh(uint64_t value, uint64_t index);
void store_at(uint64_t address, uint64_t value);
#endif
