/** The `litesvm` package's `FeatureSet`: feature gates by id (32 bytes or base58). */
import { decodeAddress } from '../runtime/accounts.js';
import { FEATURES, FeatureSet as RuntimeFeatureSet } from '../runtime/features.js';
import { FEATURE_SNAPSHOT } from '../runtime/litesvm-release.js';
import { toNamedAddress, type AddressInput } from './inputs.js';
import { toU64, type U64Input } from '../arguments.js';

export class FeatureSet {
  /** @internal */
  readonly inner: RuntimeFeatureSet;

  /** Every feature inactive (use {@link FeatureSet.mainnet} for LiteSVM's default). */
  constructor(inner?: RuntimeFeatureSet) {
    this.inner = inner ?? new RuntimeFeatureSet();
  }

  /** Every known feature active. */
  static allEnabled(): FeatureSet {
    return new FeatureSet(RuntimeFeatureSet.allEnabled());
  }

  /** The features active on mainnet: what `new SVM()` runs with. */
  static mainnet(): FeatureSet {
    return new FeatureSet(RuntimeFeatureSet.mainnet());
  }

  /** Ids of the gates websvm implements both ways, by name. */
  static readonly ids = FEATURES;

  isActive(featureId: AddressInput): boolean {
    return this.inner.isActive(toNamedAddress(featureId, 'featureId'));
  }
  activatedSlot(featureId: AddressInput): bigint | null {
    return this.inner.activatedSlot(toNamedAddress(featureId, 'featureId')) ?? null;
  }
  activate(featureId: AddressInput, slot: U64Input): void {
    this.inner.activate(toNamedAddress(featureId, 'featureId'), toU64(slot, 'slot'));
  }
  deactivate(featureId: AddressInput): void {
    this.inner.deactivate(toNamedAddress(featureId, 'featureId'));
  }
  getActiveFeatures(): Uint8Array[] {
    return this.inner.entries().map(([id]) => decodeAddress(id).slice());
  }
  getInactiveFeatures(): Uint8Array[] {
    return this.inner.inactive().map((id) => decodeAddress(id).slice());
  }
  getActiveFeaturesCount(): number {
    return this.inner.entries().length;
  }
  getInactiveFeaturesCount(): number {
    return this.inner.inactive().length;
  }

  /**
   * Agave's `Debug` form, as LiteSVM prints it: the active ids with their slots, the inactive ids,
   * then the `FeatureSnapshot` flags. (LiteSVM lists the ids in hash-map order, which varies.)
   */
  toString(): string {
    const active = this.inner
      .entries()
      .map(([id, slot]) => `${id}: ${slot}`)
      .join(', ');
    const snapshot = FEATURE_SNAPSHOT.map(([name, id]) => `${name}: ${this.inner.isActive(id)}`).join(', ');
    return `FeatureSet(FeatureSet { active: {${active}}, inactive: {${this.inner.inactive().join(', ')}}, snapshot: FeatureSnapshot { ${snapshot} } })`;
  }
}
