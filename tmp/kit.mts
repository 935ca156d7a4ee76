import { startValidator } from '../src/validator/index.ts';
import { createSolanaRpc, createSolanaRpcSubscriptions, generateKeyPairSigner, lamports } from '@solana/kit';
const v = await startValidator({ port: 0 });
console.log(v.rpcUrl, v.wsUrl);
const rpc = createSolanaRpc(v.rpcUrl);
const subs = createSolanaRpcSubscriptions(v.wsUrl);
const payer = await generateKeyPairSigner();
const abort = new AbortController();
const changes = await subs.accountNotifications(payer.address, { encoding: 'base64' }).subscribe({ abortSignal: abort.signal });
console.log('subscribed');
const sig = await rpc.requestAirdrop(payer.address, lamports(1_000_000_000n)).send();
console.log('airdrop', sig);
for await (const n of changes) { console.log(n); break; }
abort.abort(); await v.close();
