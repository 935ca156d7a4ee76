/**
 * Account directories: what `saveAccountsToDirectory` writes, `loadAccountsFromDirectory` gives
 * back exactly, whatever order the files come in (an upgradeable program before or after its
 * ProgramData), and a directory with any bad file loads nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  address,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressEncoder,
  getProgramDerivedAddress,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
  type Address,
  type KeyPairSigner,
} from '@solana/kit';
import { SVM, TransactionMetadata, WebsvmError } from '../../src/index.js';
import { formatAccountJson } from '../../src/api/account-json.js';
import { programElf } from '../helpers/encoding.js';

const UPGRADEABLE_LOADER = address('BPFLoaderUpgradeab1e11111111111111111111111');
const newDir = () => mkdtempSync(join(tmpdir(), 'accounts-'));
const fileName = (a: string) => `${a}.json`;

async function programData(program: Address): Promise<Address> {
  const [found] = await getProgramDerivedAddress({ programAddress: UPGRADEABLE_LOADER, seeds: [getAddressEncoder().encode(program)] });
  return found;
}

async function runLogging(svm: SVM, payer: KeyPairSigner, program: Address): Promise<string[]> {
  const tx = await pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => appendTransactionMessageInstructions([{ programAddress: program, accounts: [], data: new Uint8Array(0) }], m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
  const result = svm.sendTransaction(tx);
  if (!(result instanceof TransactionMetadata)) throw new Error(result.toString());
  return result.logs();
}

describe('account directories', () => {
  it('give back every saved account and a runnable upgradeable program, whichever of its two files sorts first', async () => {
    // Program ids until both orders of `<program>.json` and `<programdata>.json` have come up
    // (files load in sorted order; each id's order is derived, not left to chance).
    const byOrder = new Map<boolean, Address>();
    while (byOrder.size < 2) {
      const program = (await generateKeyPairSigner()).address;
      byOrder.set(fileName(program) < fileName(await programData(program)), program);
    }
    for (const [programFirst, program] of byOrder) {
      const svm = new SVM();
      const payer = await generateKeyPairSigner();
      svm.airdrop(payer.address, lamports(1_000_000_000n));
      svm.addProgram(program, programElf('logging'));
      const dir = newDir();
      const saved = svm.saveAccountsToDirectory(dir);
      expect(saved).toContain(await programData(program));

      const fresh = new SVM();
      expect(fresh.loadAccountsFromDirectory(dir).sort(), `program file first: ${programFirst}`).toEqual([...saved].sort());
      for (const a of saved) expect(fresh.accountJson(a)).toBe(svm.accountJson(a));
      expect(await runLogging(fresh, payer, program)).toContain('Program log: hello from websvm');
    }
  });

  describe('are loaded all or nothing', () => {
    const good = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
    const goodAccount = { lamports: 5n, data: Uint8Array.of(1, 2, 3), owner: '11111111111111111111111111111111', executable: false, rentEpoch: 0n };
    const other = 'So11111111111111111111111111111111111111112';
    const loadWith = (files: Record<string, string>) => {
      const dir = newDir();
      writeFileSync(join(dir, fileName(good)), formatAccountJson(good, goodAccount));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const svm = new SVM();
      const clock = svm.getClock().slot;
      let error: unknown;
      try {
        svm.loadAccountsFromDirectory(dir);
      } catch (e) {
        error = e;
      }
      // Nothing of the directory reached the SVM, the good file's account included.
      expect(svm.getAccount(good).exists).toBe(false);
      expect(svm.getClock().slot).toBe(clock);
      expect(error).toBeInstanceOf(WebsvmError);
      return error as WebsvmError;
    };
    const withAccount = (patch: Record<string, unknown>, pubkey: string = other) =>
      JSON.stringify({
        pubkey,
        account: { lamports: 1, data: ['', 'base64'], owner: '11111111111111111111111111111111', executable: false, rentEpoch: 0, space: 0, ...patch },
      });

    it('a malformed file names itself and what is wrong', () => {
      const cases: [string, RegExp][] = [
        ['{ "pubkey": ', /JSON/],
        [withAccount({ data: ['AQID!', 'base64'] }), /"data" must be \[<base64>, "base64"\]/],
        [withAccount({ data: ['AQIDB', 'base64'] }), /"data"/],
        [withAccount({ owner: 'not-an-address' }), /"owner" must be an address/],
        [withAccount({}, 'short'), /"pubkey" must be an address/],
        [withAccount({ lamports: -1 }), /"lamports" must be an unsigned 64-bit integer/],
        [withAccount({ lamports: 18_446_744_073_709_551_616n.toString() }), /"lamports"/],
        [withAccount({ executable: 'yes' }), /"executable" must be true or false/],
      ];
      for (const [text, why] of cases) {
        const error = loadWith({ 'zzz.json': text });
        expect(error.kind).toBe('InvalidAccountJson');
        expect(error.message).toContain('zzz.json: invalid account JSON');
        expect(error.message).toMatch(why);
      }
    });

    it('two files of one account', () => {
      const error = loadWith({ 'copy.json': formatAccountJson(good, goodAccount) });
      expect(error.kind).toBe('DuplicateAccount');
      expect(error.message).toMatch(new RegExp(`copy.json: account ${good} is also in .*${good}.json`));
    });

    it('an account that cannot be set: a program without its ProgramData, a malformed sysvar', async () => {
      const program = (await generateKeyPairSigner()).address;
      const state = new Uint8Array(36);
      state[0] = 2;
      state.set(getAddressEncoder().encode(await programData(program)), 4);
      const programAccount = { lamports: 1n, data: state, owner: UPGRADEABLE_LOADER, executable: true, rentEpoch: 0n };
      const missing = loadWith({ [fileName(program)]: formatAccountJson(program, programAccount) });
      expect(missing.kind).toBe('InvalidAccount');
      expect(missing.message).toContain(`${fileName(program)}: account ${program} cannot be set: invalid account data for instruction`);

      const clock = 'SysvarC1ock11111111111111111111111111111111';
      const sysvar = loadWith({ 'clock.json': formatAccountJson(clock, { ...goodAccount, owner: 'Sysvar1111111111111111111111111111111111111' }) });
      expect(sysvar.kind).toBe('InvalidAccount');
      expect(sysvar.message).toContain(`clock.json: account ${clock} cannot be set: sysvar data too short`);
    });
  });
});
