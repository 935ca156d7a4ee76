// A CommonJS consumer of the Anchor entry (checked by .ci/run): `require('websvm/anchor')` shares the package's SVM class.
const { SVM } = require('websvm');
const { WebsvmProvider } = require('websvm/anchor');

const provider = new WebsvmProvider(new SVM());
provider.connection.getBalance(provider.publicKey).then((balance) => {
  if (balance !== 100_000_000_000) throw new Error('require: the provider wallet is not funded');
  console.log('anchor require ok');
});
