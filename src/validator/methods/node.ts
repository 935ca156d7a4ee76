/**
 * The node itself: getVersion, getHealth, getIdentity, getGenesisHash, and the slots its ledger
 * stages have reached (getMaxRetransmitSlot, getMaxShredInsertSlot, getHighestSnapshotSlot: this
 * node makes no snapshots).
 */
import { sha256 } from '../../crypto/sha256.js';
import { decodeAddress } from '../../runtime/accounts.js';
import { AGAVE_VERSION, ALL_FEATURES } from '../../runtime/litesvm-release.js';
import { RpcError, SERVER_ERROR } from '../json-rpc.js';
import { positional } from '../params.js';
import type { MethodGroup } from './context.js';

let featureSetId: number | undefined;

/** Agave's `feature_set` id: the first four bytes (little-endian) of SHA-256 over every feature id, sorted. */
export function featureSet(): number {
  if (featureSetId === undefined) {
    const ids = ALL_FEATURES.map(decodeAddress).sort((a, b) => {
      for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
      return 0;
    });
    const digest = sha256(...ids);
    featureSetId = new DataView(digest.buffer, digest.byteOffset).getUint32(0, true);
  }
  return featureSetId;
}

export const nodeMethods: MethodGroup = (ctx) => ({
  getVersion: (p) => (positional(p, 0, 0), { 'solana-core': AGAVE_VERSION, 'feature-set': featureSet() }),
  getHealth: (p) => (positional(p, 0, 0), 'ok'),
  getIdentity: (p) => (positional(p, 0, 0), { identity: ctx.identity }),
  getGenesisHash: (p) => (positional(p, 0, 0), ctx.ledger.genesisHash),
  getMaxRetransmitSlot: (p) => (positional(p, 0, 0), ctx.ledger.slot),
  getMaxShredInsertSlot: (p) => (positional(p, 0, 0), ctx.ledger.slot),
  getHighestSnapshotSlot: (p) => {
    positional(p, 0, 0);
    throw new RpcError(SERVER_ERROR.NO_SNAPSHOT, 'No snapshot');
  },
});
