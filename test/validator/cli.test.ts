/**
 * `websvm validator` as a process: it prints its URLs, serves a deployed program, stops on SIGINT,
 * and with --coverage writes what the programs ran as lcov when it stops.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, LAMPORTS_PER_SOL, PublicKey, Transaction, TransactionInstruction } from '@solana/web3.js';
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

  it('--coverage writes the lines and branches of the transactions it served as lcov, on SIGINT', async () => {
    const lcov = join(mkdtempSync(join(tmpdir(), 'websvm-validator-coverage-')), 'served.lcov');
    const args = ['validator', '--rpc-port', '0', '--json', '--bpf-program', PROGRAM, 'programs/bin/debuginfo.so', '--coverage', lcov];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const { rpcUrl } = JSON.parse(line.toString()) as { rpcUrl: string };
      const rpc = async (method: string, params: unknown[]) => {
        const res = await fetch(rpcUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
        return ((await res.json()) as { result: unknown }).result;
      };
      const payer = Keypair.generate();
      await rpc('requestAirdrop', [payer.publicKey.toBase58(), LAMPORTS_PER_SOL]);
      const { value } = (await rpc('getLatestBlockhash', [])) as { value: { blockhash: string } };
      const ix = new TransactionInstruction({ programId: new PublicKey(PROGRAM), keys: [], data: Buffer.from([0, 1, 2, 3, 4, 5]) });
      const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: value.blockhash }).add(ix);
      tx.sign(payer);
      // Without preflight the program runs once, when the transaction is processed.
      expect(await rpc('sendTransaction', [tx.serialize().toString('base64'), { encoding: 'base64', skipPreflight: true }])).toEqual(expect.any(String));
    } finally {
      child.kill('SIGINT');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const text = readFileSync(lcov, 'utf8');
    expect(text).toMatch(/^TN:websvm\nSF:programs\/debuginfo\/checks\.c\n/);
    expect(text).toContain('FNDA:1,checked_sum\n');
    expect(text).toMatch(/\nBRDA:4,0,0,5\n/); // clamp's test in checked_sum kept all five values
  });
});
