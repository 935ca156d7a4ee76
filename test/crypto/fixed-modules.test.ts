/**
 * The fixed WebAssembly modules a bundle carries pre-emitted (src/crypto/fixed-modules.ts): the
 * build's list covers every module the library asks for by name, and a carried module comes back
 * as the same module with the same meta as emitting it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXED_MODULES } from '../../src/crypto/fixed-module-list.js';
import { bundledForm, fixedModule } from '../../src/crypto/fixed-modules.js';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

describe('fixed modules', () => {
  it('the build list names every module the library asks for', () => {
    const asked = sources('src').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/fixedModule\('([^']+)'/g)].map((m) => m[1]));
    expect(asked.length).toBeGreaterThan(4);
    for (const name of asked) expect(Object.keys(FIXED_MODULES)).toContain(name);
  });

  it('a carried module is the emitted one: same imports, exports and meta', () => {
    for (const [name, emit] of Object.entries(FIXED_MODULES)) {
      const emitted = emit();
      const form = JSON.parse(JSON.stringify(bundledForm(emitted))) as ReturnType<typeof bundledForm>;
      expect(new Uint8Array(Buffer.from(form.bytes as string, 'base64'))).toEqual(emitted.bytes);
      const carried = fixedModule(name, () => expect.fail('the carried form must be used'), { [name]: form });
      const direct = new WebAssembly.Module(emitted.bytes);
      expect(WebAssembly.Module.exports(carried.module)).toEqual(WebAssembly.Module.exports(direct));
      expect(WebAssembly.Module.imports(carried.module)).toEqual(WebAssembly.Module.imports(direct));
      expect(carried.meta).toEqual(emitted.meta);
      expect(fixedModule(name, emit, {}).meta).toEqual(emitted.meta); // not carried: emitted
    }
  });
});
