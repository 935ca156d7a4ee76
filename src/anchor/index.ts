/**
 * `websvm/anchor`: run tests written against `@coral-xyz/anchor` in-process. A
 * {@link WebsvmProvider} stands in for `AnchorProvider` (`new Program(idl, provider)`), and
 * {@link fromWorkspace} deploys an Anchor workspace's built programs. `@coral-xyz/anchor` is the
 * user's own dependency; this entry needs only `@solana/web3.js`, which websvm depends on.
 */
export { WebsvmProvider, KeypairWallet, type Wallet, type SimulationResponse } from './provider.js';
export { WebsvmConnection, type RpcTransactionError } from './connection.js';
export { fromWorkspace, readWorkspace, type Workspace, type WorkspaceOptions, type WorkspaceProgram } from './workspace.js';
