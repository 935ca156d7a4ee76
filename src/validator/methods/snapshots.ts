/**
 * The chain saved and brought back: `websvm_snapshot` keeps the whole chain (accounts, transaction
 * history, blocks, slot and clock) under an id, `websvm_restore` returns to it as often as asked,
 * and `surfnet_resetNetwork` (Surfpool's name and answer) returns to the chain the validator
 * started with. Going back moves the slot and block height back too, as reverting a chain does;
 * with `--ledger` the directory is checkpointed at once, and the snapshots are kept there too.
 */
import { invalidParams } from '../json-rpc.js';
import { positional, string } from '../params.js';
import { withContext, type ChainSnapshot, type MethodGroup, type RpcContext } from './context.js';

/** Sets the simulator and the ledger back to `snapshot`. */
function restore(ctx: RpcContext, snapshot: ChainSnapshot): void {
  ctx.svm.restore(snapshot.svm);
  ctx.ledger.replace(snapshot.ledger);
}

export const snapshotMethods: MethodGroup = (ctx) => {
  const snapshots = ctx.snapshots;
  return {
    websvm_snapshot: (p) => {
      positional(p, 0, 0);
      const id = String(snapshots.size + 1);
      const snapshot = { svm: ctx.svm.snapshot(), ledger: ctx.ledger.state };
      snapshots.set(id, snapshot);
      ctx.journal?.record({ kind: 'snapshot', id, snapshot });
      return id;
    },

    websvm_restore: (p) => {
      const [raw] = positional(p, 1, 1);
      const id = string(raw);
      const snapshot = snapshots.get(id);
      if (!snapshot) throw invalidParams(`Invalid params: unknown snapshot id ${JSON.stringify(id)}`);
      restore(ctx, snapshot);
      return withContext(ctx, null);
    },

    surfnet_resetNetwork: (p) => {
      positional(p, 0, 0);
      restore(ctx, ctx.genesis);
      return withContext(ctx, null);
    },
  };
};
