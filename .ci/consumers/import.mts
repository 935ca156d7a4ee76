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

// The Anchor entry, sharing the package's SVM class: an Anchor-like example through @coral-xyz/anchor's own Program.
const { WebsvmProvider } = await import('websvm/anchor');
const { BN, Program } = await import('@coral-xyz/anchor');
const { Keypair } = await import('@solana/web3.js');
const { readFileSync } = await import('node:fs');
const example = new URL('../../Anchor-like-examples/counter/', import.meta.url);
const idl = JSON.parse(readFileSync(new URL('idl/counter.json', example), 'utf8'));
const anchorSvm = new SVM();
anchorSvm.addProgramFromFile(idl.address, new URL('program/counter.so', example).pathname);
const provider = new WebsvmProvider(anchorSvm);
if ((await provider.connection.getBalance(provider.publicKey)) !== 100_000_000_000) throw new Error('import: the provider wallet is not funded');
const program = new Program(idl, provider);
const counter = Keypair.generate();
const counterAccounts = { counter: counter.publicKey, authority: provider.publicKey };
await program.methods.initialize(new BN(41)).accounts(counterAccounts).signers([counter]).rpc();
await program.methods.increment().accounts(counterAccounts).rpc();
const { count } = (await (program.account as unknown as Record<string, { fetch(at: unknown): Promise<{ count: { toString(): string } }> }>).counter.fetch(
  counter.publicKey,
)) as { count: { toString(): string } };
if (count.toString() !== '42') throw new Error(`import: the counter reads ${count}, not 42`);
console.log('anchor import ok: the counter example ran through Program');
