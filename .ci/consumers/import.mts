// An ES module consumer of the built package: `import … from 'websvm'` with its types (checked by .ci/run).
import { assemble, execute, SVM, type ExecuteResult } from 'websvm';

const result: ExecuteResult = execute(assemble('mov r0, 7\nexit'));
if (!result.ok || result.value !== 7n) throw new Error('import: wrong result');
const svm = new SVM();
if (svm.getBalance('11111111111111111111111111111111') === null) throw new Error('import: no System program');
// An airdrop is a signed transaction: it runs the bundle's prebuilt Ed25519 and SHA-256 modules.
const to = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const before = svm.getBalance(to) ?? 0n;
svm.airdrop(to, 1_000_000_000n);
if (svm.getBalance(to) !== before + 1_000_000_000n) throw new Error('import: airdrop failed');
console.log('package import ok');

// The Node-only validator entry: a server over an SVM, answering a JSON-RPC call.
const { startValidator } = await import('websvm/validator');
const validator = await startValidator({ port: 0 });
const health = (await (await fetch(validator.rpcUrl, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"getHealth"}' })).json()) as { result: string };
await validator.close();
if (health.result !== 'ok') throw new Error('import: validator not healthy');
console.log('validator import ok');
