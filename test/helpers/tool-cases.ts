/**
 * Transactions the developer tools (profiler, coverage) must leave exactly as LiteSVM runs them:
 * programs/debuginfo's every path, CPIs (into a program with DWARF, into one without, into
 * itself), faults, a sort and recursion, deployed on both sides of a {@link Dual}.
 */
import { readFileSync } from 'node:fs';
import type { Instruction } from '@solana/kit';
import { expect } from 'vitest';
import { TransactionMetadata } from '../../src/index.js';
import { Dual, deployBoth, meta, observeBoth } from './dual.js';
import { bytes, programElf } from './encoding.js';

export async function toolCases(d: Dual) {
  const debuginfo = await deployBoth(d, new Uint8Array(readFileSync(new URL('../../programs/bin/debuginfo.so', import.meta.url))));
  const cpi = await deployBoth(d, programElf('cpi'));
  const callee = await deployBoth(d, programElf('cpi_callee'));
  const faults = await deployBoth(d, programElf('faults'));
  const sort = await deployBoth(d, programElf('bench_sort'));
  const recursion = await deployBoth(d, programElf('recursion'));
  return [
    { programAddress: debuginfo, accounts: [], data: bytes(0, 1, 2, 3, 4, 5) },
    { programAddress: debuginfo, accounts: [], data: bytes(1, 5, 6) },
    { programAddress: debuginfo, accounts: [], data: bytes(2, 0) },
    { programAddress: debuginfo, accounts: [], data: bytes(3, 5, 1) },
    { programAddress: debuginfo, accounts: [], data: bytes(4) },
    { programAddress: cpi, accounts: [meta(debuginfo, false)], data: bytes(1, 0, 7, 8) },
    { programAddress: cpi, accounts: [meta(callee, false)], data: bytes(1, 7, 8) },
    { programAddress: cpi, accounts: [meta(cpi, false)], data: bytes(3, 2) },
    { programAddress: cpi, accounts: [meta(callee, false)], data: bytes(7) },
    { programAddress: faults, accounts: [], data: bytes(3) },
    { programAddress: faults, accounts: [], data: bytes(4) },
    { programAddress: faults, accounts: [], data: bytes(6) },
    { programAddress: sort, accounts: [], data: bytes(40) },
    { programAddress: recursion, accounts: [], data: bytes(12) },
  ];
}

/** Sends `ix` in a transaction to both sides, expects the same observations of each, and returns our metadata. */
export async function sendToBoth(d: Dual, ix: Instruction): Promise<TransactionMetadata> {
  const tx = await d.transaction([ix]);
  const ours = d.ours.sendTransaction(tx);
  const observed = observeBoth(ours, d.theirs.sendTransaction(tx), {}, {});
  expect(observed.ours).toEqual(observed.theirs);
  return ours instanceof TransactionMetadata ? ours : ours.meta();
}
