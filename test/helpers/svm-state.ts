import type { SVM } from '../../src/index.js';

/** Everything a refused call could have touched: accounts, settings, the history's size. */
export function state(svm: SVM): string {
  const accounts = [...svm.runtime.accounts.entries()].map(([k, a]) => [
    k,
    a.lamports,
    a.owner,
    a.executable,
    a.rentEpoch,
    Buffer.from(a.data).toString('base64'),
  ]);
  return JSON.stringify({ accounts, config: svm.runtime.config, history: svm.runtime.history }, (_, v) => (typeof v === 'bigint' ? `${v}` : v));
}
