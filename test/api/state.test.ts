/** Account files (`solana account --output json`), directory snapshots and in-memory snapshots. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getSignatureFromTransaction,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { systemTransfer } from '../helpers/dual.js';
import { SVM, WebsvmError } from '../../src/index.js';
import { formatAccountJson, parseAccountJson } from '../../src/api/account-json.js';
import { base64ToBytes, bytesToBase64 } from '../../src/platform.js';
import { sameBytes } from '../../src/runtime/bytes.js';

describe('account state', () => {
  it('round-trips solana-cli account JSON exactly, u64 fields included', () => {
    const account = {
      lamports: 18_446_744_073_709_551_615n,
      data: Uint8Array.of(1, 2, 250),
      owner: 'BPFLoaderUpgradeab1e11111111111111111111111',
      executable: true,
      rentEpoch: 18_446_744_073_709_551_615n,
    };
    const text = formatAccountJson('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', account);
    expect(text).toContain('"rentEpoch": 18446744073709551615');
    expect(parseAccountJson(text)).toEqual({ address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', account });
    expect(() => parseAccountJson('{"pubkey": 1}')).toThrow(WebsvmError);
    expect(() => parseAccountJson('not json')).toThrow(/invalid account JSON/);
  });

  it('reads and writes base64 the same through node:buffer and through atob/btoa (browsers)', () => {
    const pseudoRandom = (length: number) => {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = Math.imul(i, 2654435761) >>> 24;
      return bytes;
    };
    // The last is longer than the fallback's 32 KiB chunks.
    const samples = [new Uint8Array(0), Uint8Array.of(0xfb), Uint8Array.of(0xfb, 0xff), Uint8Array.of(0xfb, 0xff, 0xbf), pseudoRandom(100_001)];
    const noBuffer = () => vi.spyOn(process, 'getBuiltinModule').mockImplementation(() => undefined as never);
    const runBoth = <T>(f: () => T): [T, T] => {
      const native = f();
      const spy = noBuffer();
      try {
        return [native, f()];
      } finally {
        spy.mockRestore();
      }
    };
    for (const bytes of samples) {
      const [native, web] = runBoth(() => bytesToBase64(bytes));
      expect(native).toBe(web);
      for (const decoded of runBoth(() => base64ToBytes(native))) {
        expect(decoded && sameBytes(decoded, bytes)).toBe(true);
        expect(decoded!.buffer.byteLength).toBe(bytes.length); // its own buffer, not a pool's
      }
    }
    expect(bytesToBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
    for (const [text, bytes] of [
      ['+/8', [0xfb, 0xff]],
      ['+w', [0xfb]],
      ['', []],
    ] as const)
      expect(runBoth(() => base64ToBytes(text))).toEqual([Uint8Array.from(bytes), Uint8Array.from(bytes)]);
    for (const text of ['-_8=', 'AQID\n', 'A', 'AQIDB', 'AQ=', 'AQ===', 'A=Q=']) expect(runBoth(() => base64ToBytes(text))).toEqual([undefined, undefined]);
    // A 10 MiB account through its JSON text and back (compared as bytes: toEqual walks 10 M elements slowly).
    const account = { lamports: 1n, data: pseudoRandom(10 * 1024 * 1024), owner: '11111111111111111111111111111111', executable: false, rentEpoch: 0n };
    const { data, ...rest } = parseAccountJson(formatAccountJson('9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin', account)).account;
    expect(sameBytes(data, account.data)).toBe(true);
    expect(rest).toEqual({ lamports: 1n, owner: account.owner, executable: false, rentEpoch: 0n });
  });

  it('saves and loads whole directories, and restores snapshots', async () => {
    const svm = new SVM();
    const [a, b] = [(await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address];
    svm.airdrop(a, 5_000_000_000n);
    svm.setAccount({ address: b, lamports: lamports(77n), data: Uint8Array.of(9, 9), programAddress: a, executable: false, space: 2n });
    const dir = mkdtempSync(join(tmpdir(), 'state-'));
    svm.saveAccountsToDirectory(dir, [a, b]);
    expect(readdirSync(dir).sort()).toEqual([`${a}.json`, `${b}.json`].sort());
    const other = new SVM();
    expect(other.loadAccountsFromDirectory(dir).sort()).toEqual([a, b].sort());
    expect(other.getBalance(a)).toBe(5_000_000_000n);
    expect(other.getAccount(b)).toMatchObject({ exists: true, data: Uint8Array.of(9, 9), programAddress: a });

    const snap = svm.snapshot();
    svm.airdrop(b, 1_000_000_000n);
    svm.setAccount({ address: a, lamports: lamports(1n), data: new Uint8Array(0), programAddress: b, executable: false, space: 0n });
    const c = (await generateKeyPairSigner()).address;
    svm.airdrop(c, 1_000_000_000n);
    svm.restore(snap);
    expect(svm.getBalance(a)).toBe(5_000_000_000n);
    expect(svm.getBalance(b)).toBe(77n);
    expect(svm.getAccount(c).exists).toBe(false);
  });

  it('a restore brings back the transaction history and the blockhash: a transaction sent since can be sent again', async () => {
    const svm = new SVM();
    const payer = await generateKeyPairSigner();
    svm.airdrop(payer.address, 5_000_000_000n);
    const to = (await generateKeyPairSigner()).address;
    const transfer = await pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(payer, m),
      (m) => appendTransactionMessageInstructions([systemTransfer(payer, to, 1_000_000_000n)], m),
      (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
      (m) => signTransactionMessageWithSigners(m),
    );
    const snap = svm.snapshot();
    const blockhash = svm.latestBlockhash();
    expect(String(svm.sendTransaction(transfer))).not.toMatch(/Failed/);
    expect(svm.getTransaction(getSignatureFromTransaction(transfer))).toBeDefined();
    expect(String(svm.sendTransaction(transfer))).toMatch(/AlreadyProcessed/);
    svm.expireBlockhash();
    svm.restore(snap);
    expect(svm.latestBlockhash()).toBe(blockhash);
    expect(svm.getTransaction(getSignatureFromTransaction(transfer))).toBeNull();
    expect(svm.getBalance(to)).toBeNull();
    expect(String(svm.sendTransaction(transfer))).not.toMatch(/Failed/);
    expect(svm.getBalance(to)).toBe(1_000_000_000n);
  });

  it('time travel: warpToSlot, setClock and the other sysvar setters', () => {
    const svm = new SVM();
    svm.warpToSlot(1234n);
    expect(svm.getClock().slot).toBe(1234n);
    const clock = svm.getClock();
    clock.unixTimestamp = 1_700_000_000n;
    svm.setClock(clock);
    expect(svm.getClock().unixTimestamp).toBe(1_700_000_000n);
    svm.setRent({ lamportsPerByteYear: 1n, exemptionThreshold: 1, burnPercent: 0 });
    expect(svm.minimumBalanceForRentExemption(0n)).toBe(128n);
    svm.setLastRestartSlot(99n);
    expect(svm.getLastRestartSlot()).toBe(99n);
    const before = svm.latestBlockhash();
    svm.expireBlockhash();
    expect(svm.latestBlockhash()).not.toBe(before);
  });
});
