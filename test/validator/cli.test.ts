/** `websvm validator` as a process: it prints its URLs, serves a deployed program, and stops on SIGINT. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { websvm } from '../cli/in-process.js';

const PROGRAM = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';

describe('websvm validator', () => {
  it('refuses bad arguments before listening', () => {
    expect(websvm('validator', '--rpc-port', '65535').code).toBe(2);
    expect(websvm('validator', '--bpf-program', PROGRAM).err).toContain('--bpf-program needs 2 values');
    expect(websvm('validator', '--bpf-program', PROGRAM, 'no-such-file.so').code).toBe(1);
  });

  it('refuses bad solana-test-validator style genesis options', () => {
    expect(websvm('validator', '--upgradeable-program', PROGRAM, 'programs/bin/accounts.so').err).toContain('--upgradeable-program needs 3 values');
    expect(websvm('validator', '--upgradeable-program', PROGRAM, 'programs/bin/accounts.so', 'nobody').err).toContain(
      '--upgradeable-program AUTHORITY needs an address, got nobody',
    );
    expect(websvm('validator', '--account', 'x', 'a.json').err).toContain('--account needs an address, got x');
    expect(websvm('validator', '--reset').err).toContain('--reset needs --ledger');
    expect(websvm('validator', '--slot-time', '0').err).toContain('--slot-time must be at least 1 millisecond');
  });

  it('prints its URLs, serves --bpf-program and stops on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'validator', '--rpc-port', '0', '--json', '--bpf-program', PROGRAM, 'programs/bin/accounts.so'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const { rpcUrl, wsUrl } = JSON.parse(line.toString()) as { rpcUrl: string; wsUrl: string };
      expect(Number(new URL(wsUrl).port)).toBe(Number(new URL(rpcUrl).port) + 1);
      const res = await fetch(rpcUrl, {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getAccountInfo', params: [PROGRAM, { encoding: 'base64' }] }),
      });
      const { result } = (await res.json()) as { result: { value: { executable: boolean; owner: string } } };
      expect(result.value).toMatchObject({ executable: true, owner: 'BPFLoaderUpgradeab1e11111111111111111111111' });
    } finally {
      child.kill('SIGINT');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
