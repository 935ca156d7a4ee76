/**
 * `FeatureSet` in websvm and in LiteSVM: the same active and inactive ids after the same
 * activations and deactivations (of known and unknown ids), and the same `toString()` — compared
 * entry by entry, since LiteSVM lists the ids in hash-map order.
 */
import { describe, expect, it } from 'vitest';
import { FeatureSet as OracleFeatures } from 'litesvm';
import bs58 from 'bs58';
import { FeatureSet } from '../../src/index.js';

/** A `FeatureSet(FeatureSet { active: {…}, inactive: {…}, snapshot: FeatureSnapshot { … } })` text, its lists as sets. */
function parsed(text: string) {
  const found = /^FeatureSet\(FeatureSet \{ active: \{(.*)\}, inactive: \{(.*)\}, snapshot: FeatureSnapshot \{ (.*) \} \}\)$/.exec(text);
  expect(found, text.slice(0, 200)).not.toBeNull();
  const list = (s: string) => new Set(s === '' ? [] : s.split(', '));
  return { active: list(found![1]), inactive: list(found![2]), snapshot: found![3] };
}

/** Both sides' sets after the same changes, starting from `ours` (and its copy on LiteSVM's side). */
function both(ours: FeatureSet): [FeatureSet, OracleFeatures] {
  const theirs = new OracleFeatures();
  for (const id of theirs.getInactiveFeatures()) if (!ours.inner.inactive().includes(bs58.encode(id))) theirs.deactivate(id);
  for (const [id, slot] of ours.inner.entries()) theirs.activate(bs58.decode(id), slot);
  return [ours, theirs];
}

function expectSame(ours: FeatureSet, theirs: OracleFeatures): void {
  expect(parsed(String(ours))).toEqual(parsed(String(theirs)));
  expect(ours.getActiveFeaturesCount()).toBe(theirs.getActiveFeaturesCount());
  expect(ours.getInactiveFeaturesCount()).toBe(theirs.getInactiveFeaturesCount());
  const ids = (list: Uint8Array[]) => new Set(list.map((id) => bs58.encode(id)));
  expect(ids(ours.getInactiveFeatures())).toEqual(ids(theirs.getInactiveFeatures()));
}

describe('FeatureSet: websvm vs LiteSVM', () => {
  it('prints and counts the empty and the all-enabled sets the same', () => {
    expectSame(new FeatureSet(), new OracleFeatures());
    expectSame(FeatureSet.allEnabled(), OracleFeatures.allEnabled());
  });

  it('follows activations and deactivations of known and unknown ids the same', () => {
    const [ours, theirs] = both(FeatureSet.mainnet());
    expectSame(ours, theirs);
    const known = bs58.decode(FeatureSet.ids.relaxPostExecMinBalanceCheck);
    const unknown = new Uint8Array(32).fill(7);
    const other = new Uint8Array(32).fill(9);
    for (const change of [
      (f: FeatureSet | OracleFeatures) => f.deactivate(known),
      (f: FeatureSet | OracleFeatures) => f.deactivate(unknown),
      (f: FeatureSet | OracleFeatures) => f.activate(other, 18_446_744_073_709_551_615n),
      (f: FeatureSet | OracleFeatures) => f.activate(unknown, 5n),
      (f: FeatureSet | OracleFeatures) => f.activate(known, 0n),
    ]) {
      change(ours);
      change(theirs);
      expectSame(ours, theirs);
    }
  });
});
