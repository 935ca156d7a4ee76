/**
 * The core must load in a browser bundle: outside the Node-only entries (the CLI,
 * `websvm/validator`, `websvm/anchor`, which reads Anchor workspaces and answers in web3.js's
 * Buffers, `websvm/vitest`, which runs inside vitest, and src/package, how the Node package loads
 * its core) no module imports a Node built-in or uses Node-only globals (file access and
 * node:crypto go through `process.getBuiltinModule`), nor imports those entries.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../src/', import.meta.url).pathname;
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('browser-safe core', () => {
  it('has no Node-only imports or globals outside src/cli, src/validator, src/anchor, src/vitest and src/package', () => {
    const nodeOnly = [join(root, 'cli'), join(root, 'validator'), join(root, 'anchor'), join(root, 'vitest'), join(root, 'package')];
    const core = files(root).filter((f) => !nodeOnly.some((dir) => f.startsWith(dir)));
    expect(core.length).toBeGreaterThan(50);
    const offenders = core.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return (
        /from ['"](node:|fs|path|os|crypto|child_process|ws)['"]/.test(text) ||
        /\bBuffer\./.test(text) ||
        /\brequire\(/.test(text) ||
        /from ['"][./]*(cli|validator|anchor|vitest|package)\//.test(text)
      );
    });
    expect(offenders.map((f) => f.slice(root.length))).toEqual([]);
  });
});
