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
import bs58 from 'bs58';

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
  /** The return data the transaction ended with (base58 program id), failed or not. */
  returnData: { programId: string; data: Uint8Array };
}

const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111' as Address;

/** A LiteSVM with the ELF deployed and a funded payer. */
export async function deployInLiteSvm(elf: Uint8Array) {
  const svm = new LiteSVM();
  const [payer, program] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
  svm.airdrop(payer.address, lamports(1_000_000_000n));
  svm.addProgram(program.address, elf);
  /** A signed transaction calling the program once (`computeUnitLimit` adds SetComputeUnitLimit first). */
  const transaction = (data: Uint8Array, computeUnitLimit?: number) => {
    const budget =
      computeUnitLimit === undefined
        ? []
        : [{ programAddress: COMPUTE_BUDGET, accounts: [], data: Uint8Array.from([2, ...new Uint8Array(new Uint32Array([computeUnitLimit]).buffer)]) }];
    return pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(payer, m),
      (m) => appendTransactionMessageInstructions([...budget, { programAddress: program.address, accounts: [], data }], m),
      (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
      (m) => signTransactionMessageWithSigners(m),
    );
  };
  return { svm, programId: program.address as Address, transaction };
}

/** `computeUnitLimit` adds a SetComputeUnitLimit instruction (up to 1 400 000) before the program's. */
export async function runInLiteSvm(elf: Uint8Array, data: Uint8Array, computeUnitLimit?: number): Promise<OracleRun> {
  const { svm, programId, transaction } = await deployInLiteSvm(elf);
  const result = svm.sendTransaction(await transaction(data, computeUnitLimit));
  const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
  const logs = meta.logs();
  const consumedLine = logs.find((l) => l.startsWith(`Program ${programId} consumed `));
  const consumed = BigInt(consumedLine?.split(' ')[3] ?? '-1');
  const last = logs.filter((l) => l.startsWith(`Program ${programId} `)).at(-1) ?? '';
  const invoke = logs.indexOf(`Program ${programId} invoke [1]`);
  const programLogs = logs.slice(invoke + 1, consumedLine ? logs.indexOf(consumedLine) : undefined);
  const returnData = { programId: bs58.encode(meta.returnData().programId()), data: meta.returnData().data() };
  return { programId, logs, programLogs, consumed, outcome: last.slice(`Program ${programId} `.length), returnData };
}
