import { readFileSync } from 'node:fs';
import { execute, loadElf, registerLoggingSyscalls, SyscallRegistry } from './src/index.ts';
import { serializeNoAccounts } from './test/helpers/serialize.ts';
const exe = loadElf(readFileSync('programs/bin/bench_hash.so'));
const data = new Uint8Array(new BigUint64Array([100000n]).buffer);
for (let i = 0; i < 6; i++) {
  const t = performance.now();
  const r = execute(exe, { input: serializeNoAccounts(data, new Uint8Array(32)), computeUnits: 10_000_000, syscalls: new SyscallRegistry() });
  const ms = performance.now() - t;
  console.log(r.instructions, ms.toFixed(1) + 'ms', (Number(r.instructions) / ms / 1000).toFixed(1) + ' M/s');
}
