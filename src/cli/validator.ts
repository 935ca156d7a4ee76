/**
 * `websvm validator [--rpc-port N] [--bind-address ADDR] [--bpf-program ADDRESS FILE]…
 * [--upgradeable-program ADDRESS FILE AUTHORITY|none]… [--account ADDRESS|- FILE]… [--account-dir DIR]…
 * [--ledger DIR [--reset]] [--slot-time MS|transaction|manual] [--fork-url URL] [--coverage FILE.lcov] [--quiet]`: a local validator
 * (JSON-RPC on N, PubSub on N+1) until interrupted. The validator module is loaded only here, so
 * the other commands never load its server dependencies.
 */
import { SVM } from '../api/svm.js';
import { isAddressText } from '../runtime/accounts.js';
import { DEFAULT_SLOT_TIME_MS, type SlotTime } from '../validator/slot-clock.js';
import type { Command } from './command.js';
import { EXIT_FAILURE, UsageError } from './errors.js';
import { readElf } from './files.js';
import { intArg, pairs, triples, value } from './options.js';

function address(text: string, option: string): string {
  if (!isAddressText(text)) throw new UsageError(`${option} needs an address, got ${text}`);
  return text;
}

function slotTimeArg(spec: string | undefined): SlotTime {
  if (spec === undefined) return DEFAULT_SLOT_TIME_MS;
  if (spec === 'transaction' || spec === 'manual') return spec;
  const ms = intArg(spec, '--slot-time', DEFAULT_SLOT_TIME_MS);
  if (ms === 0) throw new UsageError('--slot-time must be at least 1 millisecond');
  return ms;
}

/** solana-test-validator's default RPC port. */
const DEFAULT_RPC_PORT = 8899;

export const validator: Command = {
  operands: '',
  summary: 'serve JSON-RPC and WebSocket PubSub over a simulator, as solana-test-validator does',
  options: [
    { name: '--rpc-port', value: 'N', help: `JSON-RPC port (default ${DEFAULT_RPC_PORT}); PubSub listens on N+1; 0 picks free ports` },
    { name: '--bind-address', value: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
    { name: '--bpf-program', value: 'ADDRESS FILE', arity: 2, help: 'deploy the program FILE.so at ADDRESS with the upgradeable loader (repeatable)' },
    {
      name: '--upgradeable-program',
      value: 'ADDRESS FILE AUTHORITY',
      arity: 3,
      help: 'deploy FILE.so at ADDRESS with the upgradeable loader and AUTHORITY as its upgrade authority, or none (repeatable)',
    },
    {
      name: '--account',
      value: 'ADDRESS FILE',
      arity: 2,
      help: "load an account from a JSON file as `solana account --output json` writes it, at ADDRESS or (with -) the file's (repeatable)",
    },
    { name: '--account-dir', value: 'DIR', help: 'load every *.json account file of DIR (repeatable)' },
    { name: '--ledger', value: 'DIR', help: 'keep the chain (accounts, transactions, blocks) in DIR across restarts and crashes' },
    { name: '--reset', help: 'with --ledger: start afresh, removing what DIR holds' },
    {
      name: '--slot-time',
      value: 'MS',
      help: `milliseconds a slot lasts (default ${DEFAULT_SLOT_TIME_MS}); transaction: a slot per batch of transactions; manual: slots never advance by themselves`,
    },
    { name: '--fork-url', value: 'URL', help: 'fork the cluster at URL: accounts not held here are copied from it on first read; writes stay here' },
    {
      name: '--coverage',
      value: 'FILE.lcov',
      help: 'record the lines, functions, branches and instructions the served programs run; written to FILE as lcov when the validator stops (as `websvm coverage --lcov`)',
    },
    { name: '--quiet', help: 'print nothing once started' },
  ],
  json: '{ rpcUrl, wsUrl } once listening',
  serves: true,
  run(p) {
    const port = intArg(value(p, '--rpc-port'), '--rpc-port', DEFAULT_RPC_PORT, 65534, 'PubSub needs the next port');
    const host = value(p, '--bind-address', '127.0.0.1')!;
    const svm = new SVM();
    for (const [programId, file] of pairs(p.values.get('--bpf-program'), '--bpf-program')) svm.addProgram(programId, readElf(file));
    const upgradeable = triples(p.values.get('--upgradeable-program'), '--upgradeable-program').map(([programId, file, authority]) => ({
      programId: address(programId, '--upgradeable-program'),
      file,
      authority: authority === 'none' ? null : address(authority, '--upgradeable-program AUTHORITY'),
    }));
    const accounts = pairs(p.values.get('--account'), '--account').map(([at, file]) => ({ address: at === '-' ? undefined : address(at, '--account'), file }));
    const ledger = value(p, '--ledger');
    if (p.flags.has('--reset') && ledger === undefined) throw new UsageError('--reset needs --ledger');
    const slotTime = slotTimeArg(value(p, '--slot-time'));
    const quiet = p.flags.has('--quiet');
    const json = p.flags.has('--json');
    const lcov = value(p, '--coverage');
    if (lcov !== undefined) svm.withCoverage();
    void import('../validator/index.js')
      .then(({ startValidator }) =>
        startValidator({
          port,
          host,
          svm,
          slotTime,
          accounts,
          accountDirs: p.values.get('--account-dir'),
          upgradeablePrograms: upgradeable,
          ledger,
          reset: p.flags.has('--reset'),
          forkUrl: value(p, '--fork-url'),
        }),
      )
      .then(
        (v) => {
          if (json) process.stdout.write(`${JSON.stringify({ rpcUrl: v.rpcUrl, wsUrl: v.wsUrl })}\n`);
          else if (!quiet) process.stdout.write(`JSON RPC URL: ${v.rpcUrl}\nWebSocket URL: ${v.wsUrl}\n`);
          const stop = () =>
            void v
              .close()
              .then(() => {
                if (lcov !== undefined) svm.coverage()!.writeLcov(lcov);
                process.exit(0);
              })
              .catch((e: Error) => {
                process.stderr.write(`websvm validator: ${e.message}\n`);
                process.exit(EXIT_FAILURE);
              });
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
