/**
 * The fixed WebAssembly modules a bundle carries pre-emitted (src/crypto/fixed-modules.ts): the
 * build's list covers every module the library asks for by name, a carried module comes back
 * as the same module with the same meta as emitting it, and one compiled ahead is the one used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXED_MODULES } from '../../src/crypto/fixed-module-list.js';
import { bundledForm, compileAhead, fileForm, fixedModule } from '../../src/crypto/fixed-modules.js';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

describe('fixed modules', () => {
  it('the build list names every module the library asks for', () => {
    const asked = sources('src').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/(?:fixedModule|compileAhead)\('([^']+)'/g)].map((m) => m[1]));
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

  it('a module carried in the module file is the emitted one, also compiled ahead', async () => {
    const emitted = Object.fromEntries(Object.entries(FIXED_MODULES).map(([name, emit]) => [name, emit()]));
    const { carried, file } = fileForm(emitted);
    const form = JSON.parse(JSON.stringify(carried)) as typeof carried; // as the build defines it
    let reads = 0;
    const read = () => (reads++, file);
    const fail = () => expect.fail('the carried form must be used');
    for (const [name, module] of Object.entries(emitted)) {
      const fromFile = fixedModule(name, fail, form, read);
      expect(WebAssembly.Module.exports(fromFile.module)).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(module.bytes)));
      expect(fromFile.meta).toEqual(module.meta);
      const { at, length } = form[name] as { at: number; length: number };
      expect(file.subarray(at, at + length)).toEqual(module.bytes);
    }
    compileAhead('sha256', () => {}, form, read);
    const fromFileAhead = async () => {
      for (let turns = 0; turns < 200; turns++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const first = fixedModule('sha256', fail, form, read).module;
        if (first === fixedModule('sha256', fail, form, read).module) return first;
      }
      return undefined;
    };
    expect(await fromFileAhead()).toBeInstanceOf(WebAssembly.Module);
    expect(reads).toBeGreaterThan(0);
  });

  /** The module `compileAhead` compiled from `carried`, once two uses get the same one (polled up to a second). */
  async function compiledAhead(carried: { sha256: ReturnType<typeof bundledForm> }): Promise<WebAssembly.Module | undefined> {
    const fail = () => expect.fail('the carried form must be used');
    for (let turns = 0; turns < 200; turns++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const first = fixedModule('sha256', fail, carried).module;
      if (first === fixedModule('sha256', fail, carried).module) return first;
    }
    return undefined;
  }

  it('a warm-up that throws leaves the module compiled ahead and raises nothing in the background', async () => {
    const carried = { sha256: bundledForm(FIXED_MODULES.sha256!()) };
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      compileAhead(
        'sha256',
        () => {
          throw new Error('warm-up failed');
        },
        carried,
      );
      expect(await compiledAhead(carried)).toBeInstanceOf(WebAssembly.Module);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('a module compiled ahead is the one the first use gets, once the compile is done, and is warmed once', async () => {
    const carried = { sha256: bundledForm(FIXED_MODULES.sha256!()) };
    const fail = () => expect.fail('the carried form must be used');
    // Not yet compiled: each use compiles its own module.
    expect(fixedModule('sha256', fail, carried).module).not.toBe(fixedModule('sha256', fail, carried).module);
    let warmed = 0;
    const warm = () => warmed++;
    compileAhead('sha256', warm, carried);
    expect(fixedModule('sha256', fail, carried).module).not.toBe(fixedModule('sha256', fail, carried).module); // starts once this synchronous code is done
    expect(warmed).toBe(0);
    const ahead = await compiledAhead(carried);
    expect(ahead).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(ahead!)).toEqual(WebAssembly.Module.exports(new WebAssembly.Module(FIXED_MODULES.sha256!().bytes)));
    expect(fixedModule('sha256', fail, carried).meta).toEqual(carried.sha256.meta);
    expect(warmed).toBe(1);
    compileAhead('sha256', warm, carried); // compiled already: nothing more
    compileAhead('sha256', warm, {}); // not carried: nothing
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fixedModule('sha256', fail, carried).module).toBe(ahead);
    expect(warmed).toBe(1);
  });
});
