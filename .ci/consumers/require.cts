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

// The Anchor entry's CommonJS types (scripts/packed-consumers.ts runs it from a CommonJS project: tsx cannot require @solana/web3.js here).
export type AnchorProvider = import('websvm/anchor').WebsvmProvider;
