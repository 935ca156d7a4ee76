/**
 * The cold path of large real programs, run in a fresh process by `bench/programs.bench.ts` for
 * websvm or LiteSVM (first argument): `addProgram` of Light Protocol programs of 0.8–1.5 MB and the
 * first transactions that run them. Before any timing the simulator has run an SPL Token
 * transaction and every transaction is signed, so the phases hold only what the new program costs.
 * Prints each phase's milliseconds as JSON.
 */
import { performance } from 'node:perf_hooks';
import {
  AccountRole,
  address,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  getAddressEncoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type Transaction,
} from '@solana/kit';
import { LiteSVM, type FailedTransactionMetadata } from 'litesvm';
import { SVM } from '../src/index.js';
import { splMintData } from '../test/helpers/encoding.js';
import {
  createTokenPool,
  initializeGroupAuthority,
  LIGHT_PROGRAMS,
  lightAccounts,
  lightElf,
  mintTo,
  STATE_TREE_V1,
  type LightProgram,
} from '../test/helpers/light-protocol.js';

const side = process.argv[2];
if (side !== 'websvm' && side !== 'litesvm') throw new Error('usage: programs-cold.ts websvm|litesvm');
// websvm's SVM offers LiteSVM's interface: one code path drives either.
const svm = side === 'websvm' ? (new SVM() as unknown as LiteSVM) : new LiteSVM();
const TOKEN = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');

const payer = await generateKeyPairSigner();
svm.airdrop(payer.address, lamports(100_000_000_000n));
const sign = (instructions: Instruction[]): Promise<Transaction> =>
  pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
const send = (tx: Transaction) => {
  const r = svm.sendTransaction(tx);
  if ('err' in r) throw new Error(`${side}: ${String((r as FailedTransactionMetadata).err())}\n${r.meta().logs().join('\n')}`);
};
const put = (at: Address, data: Uint8Array, owner: Address, balance = svm.minimumBalanceForRentExemption(BigInt(data.length)), executable = false) =>
  svm.setAccount({ address: at, data, programAddress: owner, executable, lamports: lamports(balance), space: BigInt(data.length) });

// Untimed: state, ELFs read, transactions signed, and one SPL Token transaction (SPL Token is then warm).
for (const a of lightAccounts()) put(a.address, a.data, a.owner, a.lamports, a.executable);
const [seed, mint, otherMint, warmMint] = await Promise.all([0, 1, 2, 3].map(() => generateKeyPairSigner()));
for (const m of [mint, otherMint]) put(m.address, splMintData(payer.address), TOKEN);
put(warmMint.address, new Uint8Array(82), TOKEN);
const elfs = new Map((Object.keys(LIGHT_PROGRAMS) as LightProgram[]).map((name) => [name, lightElf(name)]));
const deploy = (name: LightProgram) => svm.addProgram(LIGHT_PROGRAMS[name], elfs.get(name)!);
const initializeMint2 = {
  programAddress: TOKEN,
  accounts: [{ address: warmMint.address, role: AccountRole.WRITABLE }],
  data: Uint8Array.from([20, 6, ...getAddressEncoder().encode(payer.address), 0]),
} as Instruction;
const txs = {
  warm: await sign([initializeMint2]),
  group: await sign([await initializeGroupAuthority(payer, seed)]),
  pool: await sign([await createTokenPool(payer, mint.address)]),
  otherPool: await sign([await createTokenPool(payer, otherMint.address)]),
  mint: await sign([await mintTo(payer, mint.address, [payer.address], [1_000n], STATE_TREE_V1)]),
};
send(txs.warm);

const phases: Record<string, number> = {};
const time = (phase: string, run: () => void) => {
  const start = performance.now();
  run();
  phases[phase] = performance.now() - start;
};
time('addCompression', () => deploy('account_compression'));
time('firstGroup', () => send(txs.group));
time('addToken', () => deploy('light_compressed_token'));
time('firstPool', () => send(txs.pool));
time('secondPool', () => send(txs.otherPool));
time('addSystem', () => {
  deploy('light_system_program_pinocchio');
  deploy('spl_noop');
});
time('firstMint', () => send(txs.mint));
console.log(JSON.stringify(phases));
