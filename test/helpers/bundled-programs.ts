/** Real mainnet program ELFs, read at test time from LiteSVM's bundled programs (never committed). */
import { LiteSVM } from 'litesvm';
import { address } from '@solana/kit';
import bs58 from 'bs58';

const UPGRADEABLE = 'BPFLoaderUpgradeab1e11111111111111111111111';
/** Bytes before the ELF in an upgradeable programdata account. */
const PROGRAMDATA_HEADER = 45;

export const BUNDLED = {
  splToken: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
  token2022: 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb',
  memoV1: 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo',
  memoV2: 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr',
  ata: 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
} as const;

let svm: LiteSVM | undefined;

/** The ELF of a program bundled with LiteSVM. */
export function bundledElf(programId: string): Uint8Array {
  svm ??= new LiteSVM();
  const account = svm.getAccount(address(programId));
  if (!account.exists) throw new Error(`LiteSVM has no program ${programId}`);
  if (account.programAddress !== UPGRADEABLE) return account.data;
  const programData = svm.getAccount(address(bs58.encode(account.data.subarray(4, 36))));
  if (!programData.exists) throw new Error(`missing programdata of ${programId}`);
  return programData.data.subarray(PROGRAMDATA_HEADER);
}
