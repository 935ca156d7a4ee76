/**
 * websvm's saved-state format on its own: what it refuses (each with a typed error saying why),
 * that the loaded state is independent of the input bytes, and that the airdrop account carries on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, lamports } from '@solana/kit';
import { ComputeBudget, SVM, WebsvmError } from '../../src/index.js';
import { Rng } from '../jit/fuzz.js';
import { crc32 } from '../../src/crypto/crc32.js';
import { STATE_FORMAT_VERSION } from '../../src/runtime/state-codec.js';

/** Where the body starts (magic, version, length, checksum). */
const HEADER_SIZE = 24;

/** A small state: a minimal simulator with one funded account. */
function smallState(): Uint8Array {
  const svm = SVM.default();
  svm.setAccount('4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T', {
    lamports: 5n,
    data: Uint8Array.of(1, 2, 3),
    owner: '11111111111111111111111111111111',
    executable: false,
  });
  return svm.toBytes();
}

/** `bytes` with the body changed by `change` and the header's length and checksum made to match again. */
function resealed(bytes: Uint8Array, change: (body: Uint8Array) => Uint8Array): Uint8Array {
  const body = change(bytes.slice(HEADER_SIZE));
  const out = new Uint8Array(HEADER_SIZE + body.length);
  out.set(bytes.subarray(0, HEADER_SIZE));
  out.set(body, HEADER_SIZE);
  const view = new DataView(out.buffer);
  view.setBigUint64(12, BigInt(body.length), true);
  view.setUint32(20, crc32(body), true);
  return out;
}

/** The `WebsvmError` `load` throws. */
function refusal(load: () => unknown): WebsvmError {
  try {
    load();
  } catch (e) {
    if (e instanceof WebsvmError) return e;
    throw e;
  }
  throw new Error('loaded');
}

describe('saved state', () => {
  it('refuses what is not a whole, undamaged state of this version, saying why', () => {
    const bytes = smallState();
    const refused = (input: Uint8Array) => {
      const e = refusal(() => SVM.fromBytes(input));
      expect(e.kind).toBe('InvalidSnapshot');
      return e.message;
    };
    expect(refused(new Uint8Array(0))).toMatch(/not a websvm state \(only 0 bytes\)/);
    expect(refused(new TextEncoder().encode('{"accounts": []} and some more text'))).toMatch(/no websvmST header/);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(8, STATE_FORMAT_VERSION + 1, true);
    expect(refused(future)).toMatch(`format version ${STATE_FORMAT_VERSION + 1} is not supported (this websvm reads version ${STATE_FORMAT_VERSION})`);
    expect(refused(bytes.subarray(0, bytes.length - 1))).toMatch(/truncated: the header announces \d+ bytes of state, \d+ follow/);
    expect(refused(Uint8Array.from([...bytes, 0]))).toMatch(/trailing bytes/);
    for (const at of [HEADER_SIZE, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x10;
      expect(refused(flipped)).toMatch(/damaged: the checksum does not match/);
    }
    // Damage that keeps the checksum right is caught by the layout itself.
    expect(refused(resealed(bytes, (body) => body.subarray(0, body.length - 3)))).toMatch(/needs \d+ bytes at offset \d+, only \d+ left/);
    expect(refused(resealed(bytes, (body) => Uint8Array.from([...body, 9])))).toMatch(/1 bytes after the state/);
    expect(refused(resealed(bytes, (body) => Uint8Array.of(7, ...body.subarray(1))))).toMatch(/7 is not a boolean/);
    // The count of active features (after 21 bytes of settings) claiming more than the bytes could hold.
    const hugeCount = (body: Uint8Array) => Uint8Array.of(...body.subarray(0, 21), 0xff, 0xff, 0xff, 0xff, ...body.subarray(25));
    expect(refused(resealed(bytes, hugeCount))).toMatch(/a count of 4294967295 at offset 21 exceeds the \d+ bytes left/);
  });

  it('damage the checksum would not catch either loads or is refused with a typed error, never anything else', () => {
    const svm = SVM.default().withSysvars().withComputeBudget(new ComputeBudget());
    svm.setAccount('4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T', {
      lamports: 5n,
      data: Uint8Array.of(1, 2, 3),
      owner: '11111111111111111111111111111111',
      executable: false,
    });
    const bytes = svm.toBytes();
    const rng = new Rng(20261206);
    const outcomes = { loaded: 0, refused: 0 };
    for (let i = 0; i < 150; i++) {
      const damaged = resealed(bytes, (body) => {
        const out = body.slice(0, rng.int(8) === 0 ? rng.int(body.length) : body.length);
        for (let n = 1 + rng.int(3); n > 0 && out.length > 0; n--) out[rng.int(out.length)] = rng.pick([0, 1, 2, 0xff, rng.int(256)]);
        return out;
      });
      try {
        SVM.fromBytes(damaged).toBytes();
        outcomes.loaded++;
      } catch (e) {
        if (!(e instanceof WebsvmError) || e.kind !== 'InvalidSnapshot') throw e;
        outcomes.refused++;
      }
    }
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('refuses a file that cannot be read, or is not a state, with typed errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'websvm-state-'));
    const missing = refusal(() => SVM.loadFromFile(join(dir, 'missing.bin')));
    expect(missing.kind).toBe('FileError');
    expect(missing.message).toMatch(/cannot read .*missing\.bin: ENOENT/);
    writeFileSync(join(dir, 'text.bin'), 'hello');
    expect(refusal(() => SVM.loadFromFile(join(dir, 'text.bin'))).kind).toBe('InvalidSnapshot');
    expect(refusal(() => new SVM().saveToFile(join(dir, 'no-such-dir', 'x.bin'))).kind).toBe('FileError');
    expect(refusal(() => SVM.fromBytes([1, 2, 3] as unknown as Uint8Array)).kind).toBe('InvalidArgument');
    expect(refusal(() => SVM.loadFromFile('')).kind).toBe('InvalidArgument');
  });

  it('loads a state that does not share memory with its input (a Node Buffer included)', () => {
    const address = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
    const input = Buffer.from(smallState());
    const svm = SVM.fromBytes(input);
    input.fill(0);
    const account = svm.getAccount(address);
    expect(account.exists && [...account.data]).toEqual([1, 2, 3]);
  });

  it('keeps the airdrop account: a loaded simulator airdrops from the same funds', async () => {
    const svm = new SVM().withLamports(lamports(3_000_000n));
    const to = (await generateKeyPairSigner()).address;
    const loaded = SVM.fromBytes(svm.toBytes());
    expect(String(loaded.airdrop(to, lamports(1_000_000n)))).toBe(String(svm.airdrop(to, lamports(1_000_000n))));
    expect(loaded.getBalance(to)).toBe(1_000_000n);
  });
});
