// A CommonJS consumer of the built package: `require('websvm')` with its types (checked by .ci/run).
import websvm = require('websvm');

const result: websvm.ExecuteResult = websvm.execute(websvm.assemble('mov r0, 7\nexit'));
if (!result.ok || result.value !== 7n) throw new Error('require: wrong result');
const svm: websvm.SVM = new websvm.SVM();
if (svm.getBalance('11111111111111111111111111111111') === null) throw new Error('require: no System program');
console.log('package require ok');
