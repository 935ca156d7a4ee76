/**
 * A short run of each in-process fuzz campaign (test/fuzz/, `npm run fuzz:all` runs them for
 * longer): a few seconds each, fixed seeds, no findings allowed.
 */
import { describe, expect, it } from 'vitest';
import { apiMisuse } from './api-misuse.js';
import { cliArguments } from './cli-arguments.js';
import { dwarfMutation } from './dwarf-mutation.js';
import { elfMutation } from './elf-mutation.js';
import { transactionMutation } from './transaction-mutation.js';

const SECONDS = 4;

describe('fuzz campaigns, short', () => {
  it.each([
    ['ELF mutation vs LiteSVM', elfMutation],
    ['transaction mutation vs LiteSVM', transactionMutation],
    ['CLI arguments', cliArguments],
    ['API misuse', apiMisuse],
    ['DWARF mutation', dwarfMutation],
  ] as const)(
    '%s',
    async (_, campaign) => {
      const report = await campaign({ seconds: SECONDS, seed: 20261206 });
      expect(report.findings).toEqual([]);
      expect(report.cases).toBeGreaterThan(20);
      expect(Object.keys(report.outcomes).length).toBeGreaterThan(1); // the mutants reach more than one outcome
    },
    60_000,
  );
});
