/** Account files (`solana account --output json`), directory snapshots and in-memory snapshots. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, lamports } from '@solana/kit';
import { SVM, WebsvmError } from '../../src/index.js';
import { formatAccountJson, parseAccountJson } from '../../src/api/account-json.js';

describe('account state', () => {
  it('round-trips solana-cli account JSON exactly, u64 fields included', () => {
    const account = { lamports: 18_446_744_073_709_551_615n, data: Uint8Array.of(1, 2, 250), owner: 'BPFLoaderUpgradeab1e11111111111111111111111', executable: true, rentEpoch: 18_446_744_073_709_551_615n };
    const text = formatAccountJson('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', account);
    expect(text).toContain('"rentEpoch": 18446744073709551615');
    expect(parseAccountJson(text)).toEqual({ address: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', account });
    expect(() => parseAccountJson('{"pubkey": 1}')).toThrow(WebsvmError);
    expect(() => parseAccountJson('not json')).toThrow(/invalid account JSON/);
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
