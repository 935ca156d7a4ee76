// A CommonJS consumer of the Anchor entry (checked by .ci/run): `require('websvm/anchor')` shares the
// package's SVM class, and an Anchor-like example runs through @coral-xyz/anchor's own Program.
const { join } = require('node:path');
const { BN, Program } = require('@coral-xyz/anchor');
const { Keypair } = require('@solana/web3.js');
const { SVM } = require('websvm');
const { WebsvmProvider } = require('websvm/anchor');

const example = join(__dirname, '../../Anchor-like-examples/counter');
const idl = require(join(example, 'idl/counter.json'));

async function main() {
  const svm = new SVM();
  svm.addProgramFromFile(idl.address, join(example, 'program/counter.so'));
  const provider = new WebsvmProvider(svm);
  if ((await provider.connection.getBalance(provider.publicKey)) !== 100_000_000_000) throw new Error('require: the provider wallet is not funded');
  const program = new Program(idl, provider);
  const counter = Keypair.generate();
  const accounts = { counter: counter.publicKey, authority: provider.publicKey };
  await program.methods.initialize(new BN(41)).accounts(accounts).signers([counter]).rpc();
  await program.methods.increment().accounts(accounts).rpc();
  const { count } = await program.account.counter.fetch(counter.publicKey);
  if (count.toString() !== '42') throw new Error(`require: the counter reads ${count}, not 42`);
  console.log('anchor require ok: the counter example ran through Program');
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
