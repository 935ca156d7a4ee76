/**
 * `websvm validator [--rpc-port N] [--bind-address ADDR] [--bpf-program ADDRESS FILE]… [--quiet]`:
 * a local validator (JSON-RPC on N, PubSub on N+1) until interrupted. The validator module is
 * loaded only here, so the other commands never load its server dependencies.
 */
import { SVM } from '../api/svm.js';
import type { Command } from './command.js';
import { EXIT_FAILURE, UsageError } from './errors.js';
import { readElf } from './files.js';
import { intArg, value } from './options.js';

/** solana-test-validator's default RPC port. */
const DEFAULT_RPC_PORT = 8899;

export const validator: Command = {
  operands: '',
  summary: 'serve JSON-RPC and WebSocket PubSub over a simulator, as solana-test-validator does',
  options: [
    { name: '--rpc-port', value: 'N', help: `JSON-RPC port (default ${DEFAULT_RPC_PORT}); PubSub listens on N+1; 0 picks free ports` },
    { name: '--bind-address', value: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
    { name: '--bpf-program', value: 'ADDRESS FILE', arity: 2, help: 'deploy the program FILE.so at ADDRESS with the upgradeable loader (repeatable)' },
    { name: '--quiet', help: 'print nothing once started' },
  ],
  json: '{ rpcUrl, wsUrl } once listening',
  serves: true,
  run(p) {
    const port = intArg(value(p, '--rpc-port'), '--rpc-port', DEFAULT_RPC_PORT, 65534, 'PubSub needs the next port');
    const host = value(p, '--bind-address', '127.0.0.1')!;
    const svm = new SVM();
    const programs = p.values.get('--bpf-program') ?? [];
    for (let i = 0; i < programs.length; i += 2) {
      // parseArgs hands an option of arity 2 its values in pairs.
      const [address, file] = programs.slice(i, i + 2);
      if (address === undefined || file === undefined) throw new UsageError('--bpf-program needs 2 values');
      svm.addProgram(address, readElf(file));
    }
    const quiet = p.flags.has('--quiet');
    const json = p.flags.has('--json');
    void import('../validator/index.js')
      .then(({ startValidator }) => startValidator({ port, host, svm }))
      .then(
        (v) => {
          if (json) process.stdout.write(`${JSON.stringify({ rpcUrl: v.rpcUrl, wsUrl: v.wsUrl })}\n`);
          else if (!quiet) process.stdout.write(`JSON RPC URL: ${v.rpcUrl}\nWebSocket URL: ${v.wsUrl}\n`);
          const stop = () => void v.close().then(() => process.exit(0));
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        },
        (e: Error) => {
          process.stderr.write(`websvm validator: ${e.message}\n`);
          process.exit(EXIT_FAILURE);
        },
      );
  },
};
