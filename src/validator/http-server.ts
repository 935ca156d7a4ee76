/** The JSON-RPC endpoint over HTTP (`node:http`), with Agave's body limit and `GET /health`. */
import { createServer, type Server } from 'node:http';
import { handleBody, type Methods } from './json-rpc.js';

/** Agave's `MAX_REQUEST_BODY_SIZE`. */
export const MAX_REQUEST_BODY_SIZE = 50 * 1024;

const HEADERS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST, GET, OPTIONS' };

/**
 * An HTTP server answering JSON-RPC posts with `methods` (not listening yet). `durable`, when
 * given, is awaited before each answer: what the answer reports is then on disk.
 */
export function createRpcServer(methods: Methods, durable?: () => Promise<void>): Server {
  return createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, HEADERS).end();
      return;
    }
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { ...HEADERS, allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_SIZE) {
        res.writeHead(413, { ...HEADERS, connection: 'close' }).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_REQUEST_BODY_SIZE) return;
      const answered = handleBody(methods, Buffer.concat(chunks).toString('utf8'));
      (durable ? answered.then(async (body) => (await durable(), body)) : answered).then(
        (body) => res.writeHead(200, { ...HEADERS, 'content-type': 'application/json' }).end(body ?? ''),
        () => res.writeHead(500, HEADERS).end(),
      );
    });
    req.on('error', () => res.destroy());
  });
}
