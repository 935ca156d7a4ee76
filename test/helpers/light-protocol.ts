/**
 * Light Protocol's on-chain programs as test and benchmark subjects (real Anchor and pinocchio
 * programs of 0.02–1.5 MB, fetched by `npm run prepare:programs`): their ids, IDLs, the accounts
 * their test validator starts with, and the instructions the differential suite and the benchmarks
 * send — the Light system program's `invoke` compressing lamports, compressed-token's `create_token_pool`
 * (a PDA created by CPI, then SPL Token's InitializeAccount) and `mint_to` (SPL Token MintTo, then
 * a CPI chain through the Light system program into account compression, hashing each new leaf
 * with poseidon), account-compression's `initialize_group_authority` (a PDA created by CPI) and
 * `update_group_authority` (a small instruction).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { address, getAddressEncoder, getProgramDerivedAddress, type Address, type Instruction, type KeyPairSigner } from '@solana/kit';
import { AnchorProgram, type AnchorIdl } from '../../src/index.js';
import { prepareRealPrograms } from '../../scripts/fetch-real-programs.js';

const dir = prepareRealPrograms();
const enc = getAddressEncoder();

/** The programs, by the name their ELF file has. */
export const LIGHT_PROGRAMS = {
  spl_noop: address('noopb9bkMVfRPU8AsbpTUg8AQkHtKwMYZiFUjNRtMmV'),
  light_system_program_pinocchio: address('SySTEM1eSU2p4BGQfQpimFEWWSC1XDFeun3Nqzz3rT7'),
  light_compressed_token: address('cTokenmWW8bLPjZEBAUgYy3zKxQZW6VKi7bqNFEVv3m'),
  account_compression: address('compr6CUsB5m2jS4Y3831ztGSTnDpnKJTKS95d64XVq'),
  light_registry: address('Lighton6oQpVkeewmo2mcPTQQp7kYHr4fWpAgJyEmDX'),
} as const;
export type LightProgram = keyof typeof LIGHT_PROGRAMS;

/** A program's ELF. */
export const lightElf = (name: LightProgram): Uint8Array => new Uint8Array(readFileSync(join(dir, 'programs', `${name}.so`)));

/** An account to store: the published dumps, decoded. */
export interface StoredAccount {
  address: Address;
  lamports: bigint;
  data: Uint8Array;
  owner: Address;
  executable: boolean;
}

/** One published account dump (`accounts/<file>`), decoded. */
export function lightAccountDump(file: string): StoredAccount {
  const { pubkey, account } = JSON.parse(readFileSync(join(dir, 'accounts', file), 'utf8'));
  return {
    address: address(pubkey),
    lamports: BigInt(account.lamports),
    data: new Uint8Array(Buffer.from(account.data[0], 'base64')),
    owner: address(account.owner),
    executable: account.executable,
  };
}

/** Every account the test validator starts with (Merkle trees, queues, registered-program PDAs…); of dumps sharing an address, the last by file name. */
export function lightAccounts(): StoredAccount[] {
  const byAddress = new Map<string, StoredAccount>();
  for (const file of readdirSync(join(dir, 'accounts')).sort()) {
    const dump = lightAccountDump(file);
    byAddress.set(dump.address, dump);
  }
  return [...byAddress.values()];
}

/** A version-1 state Merkle tree (every append hashes a path of 26 poseidon nodes). */
export const STATE_TREE_V1 = address('smt1NamzXdq4AMqS2fS2F1i5KTYPZRhoHgWx38d8WsT');
/** A batched (version-2) output queue: appends store the leaf hash, the tree is updated later. */
export const OUTPUT_QUEUE_V2 = address('oq1na8gojfdUhsfCpyjNt6h4JaDWtHf1yQj4koBWfto');
/** The Light system program's registration with account compression. */
const REGISTERED_PROGRAM_PDA = address('35hkDgaAKwMCaxRz2ocSZ6NaUrtKkyNqU6c4RV3tYJRh');
const SYSTEM_PROGRAM = address('11111111111111111111111111111111');
const SPL_TOKEN = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');

/** A published IDL (old format, camelCase names). */
const lightIdl = (name: string) => JSON.parse(readFileSync(join(dir, 'idl', `${name}.json`), 'utf8')) as AnchorIdl;

/** compressed-token, driven by its published IDL. */
export const compressedToken = new AnchorProgram(lightIdl('light_compressed_token'), LIGHT_PROGRAMS.light_compressed_token);
/** The Light system program (pinocchio) through the IDL of its Anchor predecessor, whose instructions it keeps. */
export const lightSystem = new AnchorProgram(lightIdl('light_system_program'), LIGHT_PROGRAMS.light_system_program_pinocchio);

/** account-compression publishes no IDL on npm: the two instructions used here, from its source. */
const accountCompression = new AnchorProgram(
  {
    name: 'account_compression',
    instructions: [
      {
        name: 'initialize_group_authority',
        accounts: [
          { name: 'authority', isMut: true, isSigner: true },
          { name: 'seed', isMut: false, isSigner: true },
          { name: 'group_authority', isMut: true, isSigner: false },
          { name: 'system_program', isMut: false, isSigner: false, address: SYSTEM_PROGRAM },
        ],
        args: [{ name: 'authority', type: 'publicKey' }],
      },
      {
        name: 'update_group_authority',
        accounts: [
          { name: 'authority', isMut: false, isSigner: true },
          { name: 'group_authority', isMut: true, isSigner: false },
        ],
        args: [{ name: 'authority', type: 'publicKey' }],
      },
    ],
  },
  LIGHT_PROGRAMS.account_compression,
);

/** An Anchor instruction as a kit instruction, with `signers` attached to their account metas. */
export function withSigners(
  ix: { programAddress: string; accounts: { address: string; role: number }[]; data: Uint8Array },
  signers: KeyPairSigner[],
): Instruction {
  const bySigner = new Map(signers.map((s) => [s.address as string, s]));
  return {
    programAddress: address(ix.programAddress),
    accounts: ix.accounts.map((a) =>
      a.role & 2 && bySigner.has(a.address)
        ? { address: address(a.address), role: a.role, signer: bySigner.get(a.address) }
        : { address: address(a.address), role: a.role },
    ),
    data: ix.data,
  } as Instruction;
}

type Seed = Parameters<typeof getProgramDerivedAddress>[0]['seeds'][number];
const pda = async (program: Address, ...seeds: Seed[]) => (await getProgramDerivedAddress({ programAddress: program, seeds }))[0];
const cpiAuthority = await pda(LIGHT_PROGRAMS.light_compressed_token, 'cpi_authority');
const accountCompressionAuthority = await pda(LIGHT_PROGRAMS.light_system_program_pinocchio, 'cpi_authority');

/** The compressed-token pool of `mint` (the SPL token account holding what was compressed). */
export const tokenPool = (mint: Address) => pda(LIGHT_PROGRAMS.light_compressed_token, 'pool', enc.encode(mint));

/** compressed-token `create_token_pool`: `payer` creates the pool of `mint`. */
export async function createTokenPool(payer: KeyPairSigner, mint: Address): Promise<Instruction> {
  const accounts = {
    feePayer: payer.address,
    tokenPoolPda: await tokenPool(mint),
    systemProgram: SYSTEM_PROGRAM,
    mint,
    tokenProgram: SPL_TOKEN,
    cpiAuthorityPda: cpiAuthority,
  };
  return withSigners(compressedToken.instruction('createTokenPool', {}, accounts), [payer]);
}

/** compressed-token `mint_to`: `authority` (the mint's, also paying) mints compressed tokens into `tree`. */
export async function mintTo(authority: KeyPairSigner, mint: Address, recipients: Address[], amounts: bigint[], tree: Address): Promise<Instruction> {
  const accounts = {
    feePayer: authority.address,
    authority: authority.address,
    cpiAuthorityPda: cpiAuthority,
    mint,
    tokenPoolPda: await tokenPool(mint),
    tokenProgram: SPL_TOKEN,
    lightSystemProgram: LIGHT_PROGRAMS.light_system_program_pinocchio,
    registeredProgramPda: REGISTERED_PROGRAM_PDA,
    noopProgram: LIGHT_PROGRAMS.spl_noop,
    accountCompressionAuthority,
    accountCompressionProgram: LIGHT_PROGRAMS.account_compression,
    merkleTree: tree,
    selfProgram: LIGHT_PROGRAMS.light_compressed_token,
    systemProgram: SYSTEM_PROGRAM,
  };
  return withSigners(compressedToken.instruction('mintTo', { publicKeys: recipients, amounts, lamports: null }, accounts), [authority]);
}

/** The group authority PDA derived from `seed`. */
export const groupAuthority = (seed: Address) => pda(LIGHT_PROGRAMS.account_compression, 'group_authority', enc.encode(seed));

/** account-compression `initialize_group_authority`: `payer` creates the group of `seed`, run by `payer`. */
export async function initializeGroupAuthority(payer: KeyPairSigner, seed: KeyPairSigner): Promise<Instruction> {
  const accounts = { authority: payer.address, seed: seed.address, group_authority: await groupAuthority(seed.address) };
  return withSigners(accountCompression.instruction('initialize_group_authority', { authority: payer.address }, accounts), [payer, seed]);
}

/** account-compression `update_group_authority`: `authority` hands `group` to `next`. */
export function updateGroupAuthority(authority: KeyPairSigner, group: Address, next: Address): Instruction {
  return withSigners(accountCompression.instruction('update_group_authority', { authority: next }, { authority: authority.address, group_authority: group }), [
    authority,
  ]);
}

/** Where the Light system program keeps compressed lamports. */
export const solPool = () => pda(LIGHT_PROGRAMS.light_system_program_pinocchio, 'sol_pool_pda');

/**
 * Light system `invoke` compressing `lamports` of `owner` (who pays) into one compressed account
 * appended to `tree`: no input accounts, so no proof; the leaf goes through account compression.
 * `systemProgram` is left to the IDL client's well-known defaults and `decompressionRecipient` is None.
 */
export async function compressLamports(owner: KeyPairSigner, lamports: bigint, tree: Address): Promise<Instruction> {
  const inputs = lightSystem.encodeType('InstructionDataInvoke', {
    proof: null,
    inputCompressedAccountsWithMerkleContext: [],
    outputCompressedAccounts: [{ compressedAccount: { owner: owner.address, lamports, address: null, data: null }, merkleTreeIndex: 0 }],
    relayFee: null,
    newAddressParams: [],
    compressOrDecompressLamports: lamports,
    isCompress: true,
  });
  const ix = lightSystem.instruction(
    'invoke',
    { inputs },
    {
      feePayer: owner.address,
      authority: owner.address,
      registeredProgramPda: REGISTERED_PROGRAM_PDA,
      noopProgram: LIGHT_PROGRAMS.spl_noop,
      accountCompressionAuthority,
      accountCompressionProgram: LIGHT_PROGRAMS.account_compression,
      solPoolPda: await solPool(),
      decompressionRecipient: null,
    },
  );
  // The tree is a remaining account (merkleTreeIndex 0 counts from the first of them).
  return withSigners({ ...ix, accounts: [...ix.accounts, { address: tree, role: 1 }] }, [owner]);
}
