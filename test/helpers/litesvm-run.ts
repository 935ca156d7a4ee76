/** Runs one top-level instruction of a freshly deployed ELF in LiteSVM (the Agave oracle). */
import {
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
  type Address,
} from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';

/** What the oracle observed. */
export interface OracleRun {
  /** The program id LiteSVM deployed the ELF under. */
  programId: Address;
  logs: string[];
  /** Lines the program itself logged (between its invoke line and its consumed line). */
  programLogs: string[];
  /** `X` of the program's `consumed X of Y compute units` line. */
  consumed: bigint;
  /** Text after `Program <id> ` on the program's last line: `success` or `failed: …`. */
  outcome: string;
}

const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111' as Address;

/** `computeUnitLimit` adds a SetComputeUnitLimit instruction (up to 1 400 000) before the program's. */
export async function runInLiteSvm(elf: Uint8Array, data: Uint8Array, computeUnitLimit?: number): Promise<OracleRun> {
  const svm = new LiteSVM();
  const [payer, program] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
  const programId: Address = program.address;
  svm.airdrop(payer.address, lamports(1_000_000_000n));
  svm.addProgram(programId, elf);
  const budget =
    computeUnitLimit === undefined
      ? []
      : [{ programAddress: COMPUTE_BUDGET, accounts: [], data: Uint8Array.from([2, ...new Uint8Array(new Uint32Array([computeUnitLimit]).buffer)]) }];
  const tx = await pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => appendTransactionMessageInstructions([...budget, { programAddress: programId, accounts: [], data }], m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
  const result = svm.sendTransaction(tx);
  const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
  const logs = meta.logs();
  const consumedLine = logs.find((l) => l.startsWith(`Program ${programId} consumed `));
  const consumed = BigInt(consumedLine?.split(' ')[3] ?? '-1');
  const last = logs.filter((l) => l.startsWith(`Program ${programId} `)).at(-1) ?? '';
  const invoke = logs.indexOf(`Program ${programId} invoke [1]`);
  const programLogs = logs.slice(invoke + 1, consumedLine ? logs.indexOf(consumedLine) : undefined);
  return { programId, logs, programLogs, consumed, outcome: last.slice(`Program ${programId} `.length) };
}
