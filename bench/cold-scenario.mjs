/**
 * One whole test file as a user meets it, run in a fresh process by `bench/cold.ts`: import the
 * simulator (after @solana/kit), create it with the default programs, then six transactions —
 * a mint, two token accounts, mint-to, transfer-checked and an associated token account created by
 * CPI. The same script drives websvm (the built package, imported by name) or LiteSVM, chosen by
 * the first argument, and prints each phase's milliseconds as JSON.
 */
import { performance } from 'node:perf_hooks';

const impl = process.argv[2];
if (impl !== 'websvm' && impl !== 'litesvm') throw new Error('usage: cold-scenario.mjs websvm|litesvm');

const t0 = performance.now();
const kit = await import('@solana/kit');
const tKit = performance.now();
const mod = impl === 'websvm' ? await import('websvm') : await import('litesvm');
const tImport = performance.now();
const svm = impl === 'websvm' ? new mod.SVM() : new mod.LiteSVM();
const tNew = performance.now();

const { address, AccountRole, appendTransactionMessageInstructions, createTransactionMessage, generateKeyPairSigner, getAddressEncoder, getProgramDerivedAddress, lamports, pipe, setTransactionMessageFeePayerSigner, signTransactionMessageWithSigners } = kit;
const TOKEN = address('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const ATA = address('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');
const SYSTEM = address('11111111111111111111111111111111');
const enc = getAddressEncoder();
const u64 = (v) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
};
const u32 = (v) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
};
const bytes = (...parts) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])));
const meta = (addr, writable, signer) =>
  signer ? { address: addr, role: writable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER, signer } : { address: addr, role: writable ? AccountRole.WRITABLE : AccountRole.READONLY };

const [payer, mint, a, b, owner] = await Promise.all([0, 1, 2, 3, 4].map(() => generateKeyPairSigner()));
svm.airdrop(payer.address, lamports(10_000_000_000n));
const create = (acc, space) => ({
  programAddress: SYSTEM,
  accounts: [meta(payer.address, true, payer), meta(acc.address, true, acc)],
  data: bytes(u32(0), u64(svm.minimumBalanceForRentExemption(BigInt(space))), u64(space), enc.encode(TOKEN)),
});
const send = async (instructions) => {
  const tx = await pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
  const r = svm.sendTransaction(tx);
  if (typeof r.err === 'function') throw new Error(`${impl}: transaction failed: ${String(r.err())}\n${r.meta().logs().join('\n')}`);
  return r;
};

const tSetup = performance.now();
await send([create(mint, 82), { programAddress: TOKEN, accounts: [meta(mint.address, true)], data: bytes(20, 6, enc.encode(payer.address), 0) }]);
const tFirst = performance.now();
await send([create(a, 165), { programAddress: TOKEN, accounts: [meta(a.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(payer.address)) }]);
await send([create(b, 165), { programAddress: TOKEN, accounts: [meta(b.address, true), meta(mint.address, false)], data: bytes(18, enc.encode(owner.address)) }]);
await send([{ programAddress: TOKEN, accounts: [meta(mint.address, true), meta(a.address, true), meta(payer.address, false, payer)], data: bytes(7, u64(1_000_000n)) }]);
await send([
  {
    programAddress: TOKEN,
    accounts: [meta(a.address, true), meta(mint.address, false), meta(b.address, true), meta(payer.address, false, payer)],
    data: bytes(12, u64(250_000n), 6),
  },
]);
const tToken = performance.now();
const [ata] = await getProgramDerivedAddress({ programAddress: ATA, seeds: [enc.encode(owner.address), enc.encode(TOKEN), enc.encode(mint.address)] });
await send([
  {
    programAddress: ATA,
    accounts: [meta(payer.address, true, payer), meta(ata, true), meta(owner.address, false), meta(mint.address, false), meta(SYSTEM, false), meta(TOKEN, false)],
    data: bytes(1),
  },
]);
const tEnd = performance.now();
if (!svm.getAccount(ata)) throw new Error('no ATA');

console.log(
  JSON.stringify({
    kit: tKit - t0,
    import: tImport - tKit,
    newSvm: tNew - tImport,
    firstTx: tFirst - tSetup,
    nextTokenTxs: tToken - tFirst,
    ataTx: tEnd - tToken,
    script: tEnd - tKit,
  }),
);
