/* heap: builds a linked list of data[0] nodes with the bump allocator and sums it; returns the sum as a custom error (or InvalidArgument when the heap runs out). */
#include "include/websvm.h"

typedef struct Node {
  struct Node *next;
  uint64_t value;
} Node;

uint64_t entrypoint(const uint8_t *input) {
  Instruction ix = parse_input(input, NULL, 0);
  uint64_t n = ix.data_len ? ix.data[0] * 16 : 100;
  Node *head = NULL;
  for (uint64_t i = 0; i < n; i++) {
    Node *node = heap_alloc(sizeof(Node));
    if (!node) return ERROR_INVALID_ARGUMENT;
    node->value = i * i;
    node->next = head;
    head = node;
  }
  uint64_t sum = 0;
  for (Node *p = head; p; p = p->next) sum += p->value;
  return sum & 0xffffffff;
}
