// A CommonJS consumer of the built package: `require('websvm')` with its types (checked by .ci/run).
import websvm = require('websvm');

const result: websvm.ExecuteResult = websvm.execute(websvm.assemble('mov r0, 7\nexit'));
if (!result.ok || result.value !== 7n) throw new Error('require: wrong result');
const svm: websvm.SVM = new websvm.SVM();
if (svm.getBalance('11111111111111111111111111111111') === null) throw new Error('require: no System program');
// An airdrop is a signed transaction: it runs the bundle's prebuilt Ed25519 and SHA-256 modules.
const to = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const before = svm.getBalance(to) ?? 0n;
svm.airdrop(to, 1_000_000_000n);
if (svm.getBalance(to) !== before + 1_000_000_000n) throw new Error('require: airdrop failed');
console.log('package require ok');

// The Node-only validator entry from CommonJS: it serves an SVM made with `require('websvm')`, and
// keeps what it was sent in a ledger directory across a restart.
import validatorEntry = require('websvm/validator');
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');

async function call(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error !== undefined) throw new Error(`require: ${method} failed: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function validatorRoundTrip(): Promise<void> {
  const ledger = fs.mkdtempSync(path.join(os.tmpdir(), 'websvm-require-'));
  try {
    const first = await validatorEntry.startValidator({ port: 0, svm: new websvm.SVM(), ledger });
    await call(first.rpcUrl, 'requestAirdrop', [to, 1_000_000_000]).finally(() => first.close());
    const second = await validatorEntry.startValidator({ port: 0, ledger });
    const balance = (await call(second.rpcUrl, 'getBalance', [to]).finally(() => second.close())) as { value: number };
    if (balance.value !== 1_000_000_000) throw new Error(`require: the validator kept ${balance.value} lamports, not 1000000000`);
  } finally {
    fs.rmSync(ledger, { recursive: true, force: true });
  }
  console.log('validator require ok');
}
void validatorRoundTrip().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

// The Anchor entry's CommonJS types (scripts/packed-consumers.ts runs it from a CommonJS project: tsx cannot require @solana/web3.js here).
export type AnchorProvider = import('websvm/anchor').WebsvmProvider;
