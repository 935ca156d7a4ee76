// An ES module consumer of the built package: `import … from 'websvm'` with its types (checked by .ci/run).
import { assemble, execute, SVM, type ExecuteResult } from 'websvm';

const result: ExecuteResult = execute(assemble('mov r0, 7\nexit'));
if (!result.ok || result.value !== 7n) throw new Error('import: wrong result');
if (new SVM().getBalance('11111111111111111111111111111111') === null) throw new Error('import: no System program');
console.log('package import ok');
