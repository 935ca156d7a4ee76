/** Well-known account addresses (base58), as in solana-sdk-ids. */
export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
/** The Vote program (a builtin, vote.ts). */
export const VOTE_PROGRAM = 'Vote111111111111111111111111111111111111111';
export const NATIVE_LOADER = 'NativeLoader1111111111111111111111111111111';
export const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
export const BPF_LOADER_DEPRECATED = 'BPFLoader1111111111111111111111111111111111';
export const BPF_LOADER = 'BPFLoader2111111111111111111111111111111111';
export const BPF_LOADER_UPGRADEABLE = 'BPFLoaderUpgradeab1e11111111111111111111111';
export const LOADER_V4 = 'LoaderV411111111111111111111111111111111111';
export const ADDRESS_LOOKUP_TABLE_PROGRAM = 'AddressLookupTab1e1111111111111111111111111';
/** The ZK ElGamal Proof program (a builtin, builtins/zk-elgamal-proof). */
export const ZK_ELGAMAL_PROOF_PROGRAM = 'ZkE1Gama1Proof11111111111111111111111111111';
export const ED25519_PROGRAM = 'Ed25519SigVerify111111111111111111111111111';
export const SECP256K1_PROGRAM = 'KeccakSecp256k11111111111111111111111111111';
export const SECP256R1_PROGRAM = 'Secp256r1SigVerify1111111111111111111111111';
export const SYSVAR_OWNER = 'Sysvar1111111111111111111111111111111111111';
export const FEATURE_PROGRAM = 'Feature111111111111111111111111111111111111';
export const CONFIG_PROGRAM = 'Config1111111111111111111111111111111111111';
/** The Stake program (an sBPF program in the default set). */
export const STAKE_PROGRAM = 'Stake11111111111111111111111111111111111111';
/** The deprecated stake configuration account (owned by the Config program). */
export const STAKE_CONFIG = 'StakeConfig11111111111111111111111111111111';
/** SPL programs the RPC knows by address (jsonParsed, memos, Surfpool's cheatcodes). */
export const ASSOCIATED_TOKEN_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
export const MEMO_PROGRAM_V1 = 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo';
export const MEMO_PROGRAM_V3 = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';
/** Lamports sent here are burnt; the rent-state rule exempts it. */
export const INCINERATOR = '1nc1nerator11111111111111111111111111111111';

/** Sysvar account addresses. */
export const SYSVAR = {
  clock: 'SysvarC1ock11111111111111111111111111111111',
  rent: 'SysvarRent111111111111111111111111111111111',
  epochSchedule: 'SysvarEpochSchedu1e111111111111111111111111',
  epochRewards: 'SysvarEpochRewards1111111111111111111111111',
  fees: 'SysvarFees111111111111111111111111111111111',
  recentBlockhashes: 'SysvarRecentB1ockHashes11111111111111111111',
  slotHashes: 'SysvarS1otHashes111111111111111111111111111',
  slotHistory: 'SysvarS1otHistory11111111111111111111111111',
  stakeHistory: 'SysvarStakeHistory1111111111111111111111111',
  instructions: 'Sysvar1nstructions1111111111111111111111111',
  lastRestartSlot: 'SysvarLastRestartS1ot1111111111111111111111',
} as const;

/** The loaders that run sBPF programs. */
export const SBPF_LOADERS = new Set([BPF_LOADER_DEPRECATED, BPF_LOADER, BPF_LOADER_UPGRADEABLE, LOADER_V4]);
