/**
 * Merlin transcripts (merlin 3.0): the Fiat–Shamir transcripts of the ZK ElGamal proofs, on the
 * STROBE-128 duplex over Keccak-f[1600]. Only what a verifier needs: appending messages and
 * drawing challenge bytes. No npm package of Merlin is maintained, so it is written here on top of
 * @noble/hashes' Keccak permutation.
 */
import { nobleSha3 } from './noble.js';

/** STROBE-128's rate in bytes: 200 − 2 × 128 / 8 − 2. */
const RATE = 166;
/** STROBE operation flags. */
const FLAG_I = 1;
const FLAG_A = 2;
const FLAG_C = 4;
const FLAG_M = 16;
const FLAG_K = 32;

const ascii = (text: string) => new TextEncoder().encode(text);
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reverses the bytes of each 32-bit word (noble's lanes are little-endian words). */
function swapWords(words: Uint32Array): void {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    words[i] = ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
  }
}

/** The part of STROBE-128 that Merlin uses (meta-AD, AD and PRF operations). */
class Strobe128 {
  private readonly words = new Uint32Array(50);
  private readonly state = new Uint8Array(this.words.buffer);
  private pos = 0;
  private posBegin = 0;

  constructor(protocolLabel: Uint8Array) {
    this.state.set([1, RATE + 2, 1, 0, 1, 96]);
    this.state.set(ascii('STROBEv1.0.2'), 6);
    this.permute();
    this.metaAd(protocolLabel, false);
  }

  metaAd(data: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_M | FLAG_A, more);
    this.absorb(data);
  }

  ad(data: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_A, more);
    this.absorb(data);
  }

  prf(out: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_I | FLAG_A | FLAG_C, more);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.state[this.pos];
      this.state[this.pos] = 0;
      this.advance();
    }
  }

  private permute(): void {
    if (!HOST_IS_LITTLE_ENDIAN) swapWords(this.words);
    nobleSha3().keccakP(this.words);
    if (!HOST_IS_LITTLE_ENDIAN) swapWords(this.words);
  }

  private runF(): void {
    this.state[this.pos] ^= this.posBegin;
    this.state[this.pos + 1] ^= 0x04;
    this.state[RATE + 1] ^= 0x80;
    this.permute();
    this.pos = 0;
    this.posBegin = 0;
  }

  private advance(): void {
    if (++this.pos === RATE) this.runF();
  }

  private absorb(data: Uint8Array): void {
    for (const byte of data) {
      this.state[this.pos] ^= byte;
      this.advance();
    }
  }

  private beginOp(flags: number, more: boolean): void {
    if (more) return; // continues the operation begun with the same flags
    const oldBegin = this.posBegin;
    this.posBegin = this.pos + 1;
    this.absorb(Uint8Array.of(oldBegin, flags));
    if ((flags & (FLAG_C | FLAG_K)) !== 0 && this.pos !== 0) this.runF();
  }
}

/** A little-endian u32 length prefix. */
function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

/** A Merlin transcript. */
export class MerlinTranscript {
  private readonly strobe = new Strobe128(ascii('Merlin v1.0'));

  constructor(label: string) {
    this.appendMessage('dom-sep', ascii(label));
  }

  appendMessage(label: string, message: Uint8Array): void {
    this.strobe.metaAd(ascii(label), false);
    this.strobe.metaAd(u32le(message.length), true);
    this.strobe.ad(message, false);
  }

  appendU64(label: string, value: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, value, true);
    this.appendMessage(label, b);
  }

  challengeBytes(label: string, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.strobe.metaAd(ascii(label), false);
    this.strobe.metaAd(u32le(length), true);
    this.strobe.prf(out, false);
    return out;
  }
}
