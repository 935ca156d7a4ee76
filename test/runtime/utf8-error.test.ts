import { describe, expect, it } from 'vitest';
import { utf8ErrorText } from '../../src/syscalls/logging.js';

describe("Rust's Utf8Error text for invalid log strings", () => {
  it.each([
    [[0xff], 'invalid utf-8 sequence of 1 bytes from index 0'],
    [[0x61, 0xe2, 0x82], 'incomplete utf-8 byte sequence from index 1'],
    [[0xe2, 0x28, 0xa1], 'invalid utf-8 sequence of 1 bytes from index 0'],
    [[0x61, 0xe2, 0x82, 0x28], 'invalid utf-8 sequence of 2 bytes from index 1'],
    [[0xf0, 0x9f, 0x98], 'incomplete utf-8 byte sequence from index 0'],
    [[0xf0, 0x9f, 0x98, 0x41], 'invalid utf-8 sequence of 3 bytes from index 0'],
    [[0xed, 0xa0, 0x80], 'invalid utf-8 sequence of 1 bytes from index 0'],
    [[0xc0, 0x80], 'invalid utf-8 sequence of 1 bytes from index 0'],
  ])('%j', (bytes, text) => expect(utf8ErrorText(Uint8Array.from(bytes))).toBe(text));
});
