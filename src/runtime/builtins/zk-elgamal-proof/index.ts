/**
 * The ZK ElGamal Proof program (Agave's `programs/zk-elgamal-proof`, proofs of zk-sdk 7): each
 * instruction verifies one zero-knowledge proof about ElGamal ciphertexts or Pedersen commitments,
 * read from the instruction data or (with 5 bytes of data: the discriminator and a u32 offset)
 * from an account, and may record the proof's context in a context-state account;
 * CloseContextState returns such an account's lamports.
 *
 * Every instruction first charges its fixed units and logs its name; a failed proof logs
 * `proof verification failed: <error>` and fails with InvalidInstructionData. While the
 * `disable_zk_elgamal_proof_program` gate is active without `reenable_zk_elgamal_proof_program`,
 * every instruction fails before charging anything.
 */
import { decodeAddress } from '../../accounts.js';
import { bytes, decode, encode, layout, u32, u8 } from '../../codec.js';
import { fail } from '../../errors.js';
import { FEATURES } from '../../features.js';
import { SYSTEM_PROGRAM, ZK_ELGAMAL_PROOF_PROGRAM } from '../../ids.js';
import type { Builtin, InvokeContext } from '../../invoke-context.js';
import { verifyBatchedRangeProof } from './range-proof.js';
import { ProofVerificationFailure } from './ristretto.js';
import {
  verifyCiphertextCiphertextEquality,
  verifyCiphertextCommitmentEquality,
  verifyGroupedCiphertextValidity,
  verifyPercentageWithCap,
  verifyPubkeyValidity,
  verifyZeroCiphertext,
} from './sigma-proofs.js';

/** One proof instruction: its name, units, sizes and verifier (which throws `ProofVerificationFailure`). */
interface ProofInstruction {
  name: string;
  units: number;
  contextLength: number;
  proofLength: number;
  verify(data: Uint8Array): void;
}

/** The proof instructions by discriminator (1..12; the proof type stored in a context state is the same number). */
const PROOF_INSTRUCTIONS: readonly ProofInstruction[] = [
  { name: 'VerifyZeroCiphertext', units: 6_000, contextLength: 96, proofLength: 96, verify: verifyZeroCiphertext },
  { name: 'VerifyCiphertextCiphertextEquality', units: 8_000, contextLength: 192, proofLength: 224, verify: verifyCiphertextCiphertextEquality },
  { name: 'VerifyCiphertextCommitmentEquality', units: 6_400, contextLength: 128, proofLength: 192, verify: verifyCiphertextCommitmentEquality },
  { name: 'VerifyPubkeyValidity', units: 2_600, contextLength: 32, proofLength: 64, verify: verifyPubkeyValidity },
  { name: 'VerifyPercentageWithCap', units: 6_500, contextLength: 104, proofLength: 256, verify: verifyPercentageWithCap },
  { name: 'VerifyBatchedRangeProofU64', units: 111_000, contextLength: 264, proofLength: 672, verify: (d) => verifyBatchedRangeProof(d, 64) },
  { name: 'VerifyBatchedRangeProofU128', units: 200_000, contextLength: 264, proofLength: 736, verify: (d) => verifyBatchedRangeProof(d, 128) },
  { name: 'VerifyBatchedRangeProofU256', units: 368_000, contextLength: 264, proofLength: 800, verify: (d) => verifyBatchedRangeProof(d, 256) },
  {
    name: 'VerifyGroupedCiphertext2HandlesValidity',
    units: 6_400,
    contextLength: 160,
    proofLength: 160,
    verify: (d) => verifyGroupedCiphertextValidity(d, 2, false),
  },
  {
    name: 'VerifyBatchedGroupedCiphertext2HandlesValidity',
    units: 13_000,
    contextLength: 256,
    proofLength: 160,
    verify: (d) => verifyGroupedCiphertextValidity(d, 2, true),
  },
  {
    name: 'VerifyGroupedCiphertext3HandlesValidity',
    units: 8_100,
    contextLength: 224,
    proofLength: 192,
    verify: (d) => verifyGroupedCiphertextValidity(d, 3, false),
  },
  {
    name: 'VerifyBatchedGroupedCiphertext3HandlesValidity',
    units: 16_400,
    contextLength: 352,
    proofLength: 192,
    verify: (d) => verifyGroupedCiphertextValidity(d, 3, true),
  },
];

const CLOSE_CONTEXT_STATE_UNITS = 3_300;
/** Instruction data that points into the first account: a discriminator and where the proof starts there. */
const PROOF_FROM_ACCOUNT = layout({ discriminator: u8, offset: u32 });
/** A context state account's header: its authority and its proof type (0: uninitialized); the context follows. */
const CONTEXT_STATE_META = layout({ authority: bytes(32), proofType: u8 });
const CONTEXT_STATE_META_LENGTH = CONTEXT_STATE_META.fixedSize;
/** A header is read only from data at least that long. */
const headerNeverShort = (): never => fail('InvalidAccountData');

/** Verifies `proofData`; a failure is logged and reported as InvalidInstructionData. */
function verify(ic: InvokeContext, instruction: ProofInstruction, proofData: Uint8Array): void {
  try {
    instruction.verify(proofData);
  } catch (e) {
    if (!(e instanceof ProofVerificationFailure)) throw e;
    ic.log(`proof verification failed: ${e.message}`);
    fail('InvalidInstructionData');
  }
}

/** `process_verify_proof`: verify, then record the context when a context account and its authority follow. */
function processVerifyProof(ic: InvokeContext, proofType: number, instruction: ProofInstruction): void {
  const tx = ic.tx;
  const data = tx.current().data;
  const proofLength = instruction.contextLength + instruction.proofLength;
  let accessed = 0;
  let proofData: Uint8Array;
  if (data.length === PROOF_FROM_ACCOUNT.fixedSize) {
    tx.instructionKey(0);
    accessed = 1;
    const start = decode(PROOF_FROM_ACCOUNT, data, headerNeverShort).offset;
    const account = tx.account(0).data;
    if (start + proofLength > account.length) fail('InvalidAccountData');
    proofData = account.slice(start, start + proofLength);
  } else {
    if (data.length !== 1 + proofLength) {
      ic.log('invalid proof data');
      fail('InvalidInstructionData');
    }
    proofData = data.subarray(1);
  }
  verify(ic, instruction, proofData);
  if (tx.current().accounts.length < accessed + 2) return;
  const authority = tx.instructionKey(accessed + 1);
  const context = tx.account(accessed);
  if (context.owner !== ZK_ELGAMAL_PROOF_PROGRAM) fail('InvalidAccountOwner');
  if (context.data.length < CONTEXT_STATE_META_LENGTH) fail('InvalidAccountData');
  if (decode(CONTEXT_STATE_META, context.data, headerNeverShort).proofType !== 0) fail('AccountAlreadyInitialized');
  const state = new Uint8Array(CONTEXT_STATE_META_LENGTH + instruction.contextLength);
  if (context.data.length !== state.length) fail('InvalidAccountData');
  state.set(encode(CONTEXT_STATE_META, { authority: decodeAddress(authority), proofType }));
  state.set(proofData.subarray(0, instruction.contextLength), CONTEXT_STATE_META_LENGTH);
  tx.setData(accessed, state);
}

/** `process_close_proof_context`: the authority (account 2, a signer) moves the context's lamports to the destination. */
function processCloseContextState(ic: InvokeContext): void {
  const tx = ic.tx;
  tx.instructionKey(2);
  if (!tx.current().accounts[2].isSigner) fail('MissingRequiredSignature');
  const authority = tx.instructionKey(2);
  if (tx.instructionKey(0) === tx.instructionKey(1)) fail('InvalidInstructionData');
  const context = tx.account(0);
  if (context.data.length < CONTEXT_STATE_META_LENGTH) fail('InvalidAccountData');
  const expected = decodeAddress(authority);
  const stored = decode(CONTEXT_STATE_META, context.data, headerNeverShort).authority;
  if (expected.some((b, i) => stored[i] !== b)) fail('InvalidAccountOwner');
  tx.checkedAddLamports(1, context.lamports);
  tx.setLamports(0, 0n);
  tx.setDataLength(0, 0);
  tx.setOwner(0, SYSTEM_PROGRAM);
}

export const zkElGamalProofProgram: Builtin = {
  name: 'zk_elgamal_proof_program',
  process: (ic) => {
    const features = ic.env.features;
    if (features.isActive(FEATURES.disableZkElGamalProofProgram) && !features.isActive(FEATURES.reenableZkElGamalProofProgram)) {
      ic.log('zk-elgamal-proof program is temporarily disabled');
      fail('InvalidInstructionData');
    }
    const data = ic.tx.current().data;
    if (data.length === 0 || data[0] > PROOF_INSTRUCTIONS.length) fail('InvalidInstructionData');
    if (data[0] === 0) {
      ic.consumeChecked(CLOSE_CONTEXT_STATE_UNITS);
      ic.log('CloseContextState');
      processCloseContextState(ic);
      return;
    }
    const instruction = PROOF_INSTRUCTIONS[data[0] - 1];
    ic.consumeChecked(instruction.units);
    ic.log(`${instruction.name}`);
    processVerifyProof(ic, data[0], instruction);
  },
};
