/**
 * What a validator starts with besides the default programs, from files as solana-test-validator
 * takes them: accounts (`--account`, `--account-dir`) and upgradeable programs with an upgrade
 * authority or none (`--upgradeable-program`).
 */
import { readFileSync } from 'node:fs';
import type { SVM } from '../api/svm.js';
import { parseAccountJson } from '../api/account-json.js';
import type { Account } from '../runtime/accounts.js';
import { WebsvmError } from '../errors.js';
import { programDataAddress, writeProgramDataAuthority } from '../runtime/loader-state.js';

/** An account file to load, at `address` or (when left out) at the address the file names. */
export interface AccountFile {
  address?: string;
  file: string;
}

/** A program to deploy with the upgradeable loader; `authority` null makes it immutable. */
export interface UpgradeableProgram {
  programId: string;
  file: string;
  authority: string | null;
}

/** Loads each account file into `svm`. */
export function loadAccountFiles(svm: SVM, files: readonly AccountFile[]): void {
  for (const { address, file } of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new WebsvmError('FileError', `${file}: ${(e as Error).message}`);
    }
    const parsed = parseAccountJson(text);
    svm.runtime.setAccount(address ?? parsed.address, parsed.account);
  }
}

/** Deploys each program and sets its ProgramData's upgrade authority. */
export function deployUpgradeablePrograms(svm: SVM, programs: readonly UpgradeableProgram[]): void {
  for (const { programId, file, authority } of programs) {
    svm.addProgramFromFile(programId, file);
    const programData = programDataAddress(svm.runtime.getAccount(programId)!.data)!; // addProgramFromFile deploys an upgradeable program
    svm.runtime.setAccount(programData, withUpgradeAuthority(svm.runtime.getAccount(programData)!, authority));
  }
}

/** A ProgramData account with `authority` as its upgrade authority (null: none, the program becomes immutable). */
export function withUpgradeAuthority(programData: Account, authority: string | null): Account {
  const data = programData.data.slice();
  writeProgramDataAuthority(data, authority ?? undefined);
  return { ...programData, data };
}
