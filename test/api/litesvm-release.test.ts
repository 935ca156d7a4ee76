/**
 * What websvm copies from a LiteSVM release (src/runtime/litesvm-release.ts, written by
 * `npm run sync:litesvm`) against the installed `litesvm`: a failure names the drifted constant.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as generated from '../../src/runtime/litesvm-release.js';
import { readLiteSvmRelease, type LiteSvmRelease } from '../../scripts/litesvm-release.js';
import { decodeAddress, encodeAddress } from '../../src/runtime/accounts.js';
import { BPF_LOADER_UPGRADEABLE } from '../../src/runtime/ids.js';
import { blockhashOf, GENESIS_BLOCKHASH } from '../../src/runtime/runtime.js';
import { findProgramAddress } from '../../src/syscalls/pda.js';

describe('the LiteSVM release websvm copies', () => {
  const installed = readLiteSvmRelease();

  for (const name of Object.keys(installed) as (keyof LiteSvmRelease)[]) {
    it(`${name} is the installed litesvm's`, () => {
      expect(generated[name], `${name} drifted from litesvm ${installed.LITESVM_VERSION}: run npm run sync:litesvm`).toEqual(installed[name]);
    });
  }

  it('the README states the versions websvm matches', () => {
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(
      `websvm matches LiteSVM ${installed.LITESVM_VERSION} (Agave ${installed.AGAVE_VERSION})`,
    );
  });

  it('the constants written out to spare a new SVM the work are what they stand for', () => {
    for (const [program, programData] of generated.DEFAULT_PROGRAM_DATA) {
      expect(encodeAddress(findProgramAddress([decodeAddress(program)], decodeAddress(BPF_LOADER_UPGRADEABLE))[0])).toBe(programData);
    }
    expect(GENESIS_BLOCKHASH).toBe(blockhashOf(new TextEncoder().encode('genesis')));
  });
});
