/**
 * The transaction inspector's pages, loaded in headless Chromium (Debian's `chromium`): each part
 * is found where it belongs — the instruction and CPI tree with units, logs in place, account
 * changes decoded by the IDL, return data, the flamegraph, the failure with its source line — and
 * a program's hostile log text stays text: no script runs, no element is made, nothing is fetched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateKeyPairSigner } from '@solana/kit';
import { AnchorProgram, assembleToElf, FailedTransactionMetadata, type AnchorIdl } from '../../src/index.js';
import { formatAccountJson } from '../../src/api/account-json.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import { counterInitialize, deploy, profiledSvm, send } from '../helpers/inspector-runs.js';

const SYSTEM = '11111111111111111111111111111111';
const dir = mkdtempSync(join(tmpdir(), 'websvm-inspector-'));
let browser: Browser;
let pageCount = 0;

/** Opens `html` from a file; what the page asked of the network is in `requests`. */
async function open(html: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const file = join(dir, `page-${pageCount++}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage();
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, requests, errors };
}

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

// CI installs Debian's chromium; elsewhere the file is skipped when it is missing.
describe.skipIf(!hasChromium() && !process.env.CI)('transaction inspector page in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the counter initialize: CPI tree with units and logs in place, IDL-decoded accounts, flamegraph', async () => {
    const { result, counter, state, payer } = await counterInitialize();
    const { page, requests, errors } = await open(result.report());
    expect(await page.locator('#summary .badge').textContent()).toBe('success');

    const top = page.locator('[id="frame-1"]');
    expect(await top.getAttribute('data-program')).toBe(counter.programId);
    expect(await top.getAttribute('data-units')).toBe(String(result.toString().match(/compute_units_consumed: (\d+)/)![1]));
    expect(await top.locator(':scope > summary .ix-name').textContent()).toBe('initialize');
    expect(await top.locator(':scope > summary .program-name').textContent()).toBe('counter');

    // The System program's frame sits inside the counter's, between the log lines around the CPI.
    const cpi = top.locator('[id="frame-1.1"]');
    expect(await cpi.getAttribute('data-program')).toBe(SYSTEM);
    expect(Number(await cpi.getAttribute('data-units'))).toBe(150);
    expect(await texts(page, '[id="frame-1.1"] > .frame-body > ol.logs > li')).toEqual([`Program ${SYSTEM} invoke [2]`, `Program ${SYSTEM} success`]);
    const sequence = await top
      .locator(':scope > .frame-body')
      .evaluate((body) =>
        Array.from(body.children).flatMap((e) =>
          e.matches('ol.logs') ? Array.from(e.children).map((li) => li.textContent) : e.matches('details.frame') ? [`[${e.id}]`] : [],
        ),
      );
    expect(sequence).toEqual([
      `Program ${counter.programId} invoke [1]`,
      'Program log: Instruction: Initialize',
      '[frame-1.1]',
      expect.stringMatching(/^Program Counter1+ consumed \d+ of 200000 compute units$/),
      `Program ${counter.programId} success`,
    ]);

    // The new counter account, decoded by the IDL the SVM was given (useIdl), and the payer's lamports.
    const account = page.locator(`.account[data-address="${state}"]`);
    expect(await account.locator('.tag').textContent()).toBe('created');
    expect(await account.locator('.decoded-pair .type-name').textContent()).toBe('Counter');
    expect(JSON.parse((await account.locator('.decoded-pair pre.decoded').textContent())!)).toEqual({ authority: payer, count: '41' });
    expect(await page.locator(`.account[data-address="${payer}"]`).count()).toBe(1);

    expect(await page.locator('#return-data').textContent()).toContain('None.');
    const titles = await texts(page, '#flamegraph svg g > title');
    expect(titles.some((t) => t.startsWith('entrypoint ('))).toBe(true);
    expect(titles.some((t) => t.startsWith('sol_invoke_signed_c ('))).toBe(true);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('opens a failed transaction with the error, the failing frame, the backtrace and the source line (DWARF)', async () => {
    const { svm, payer } = await profiledSvm();
    const program = await deploy(svm, 'debuginfo');
    // data[0] = 1: a store through a bad pointer three calls deep, in math.c.
    const result = await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(1, 5, 6) }]);
    expect(result).toBeInstanceOf(FailedTransactionMetadata);
    const { page } = await open(result.report());
    expect(await page.locator('#summary .badge').textContent()).toBe('failed');
    expect(await page.locator('#failure .error').textContent()).toBe('InstructionError(0, ProgramFailedToComplete)');
    expect(await page.locator('#failure .failed-frame a').getAttribute('href')).toBe('#frame-1');
    expect(await page.locator('#failure .failure-log').textContent()).toMatch(/^Program \w+ failed: Access violation/);
    const backtrace = await texts(page, '#failure table.backtrace tbody td:first-child');
    expect(backtrace[0]).toMatch(/^store_at \(programs\/debuginfo\/math\.c:\d+/);
    expect(backtrace.some((f) => f.startsWith('entrypoint ('))).toBe(true);
    expect(await page.locator('#failure .source figcaption').textContent()).toMatch(/^programs\/debuginfo\/math\.c:\d+$/);
    expect(await page.locator('#failure .source .source-line.here').textContent()).toContain('*(volatile uint64_t *)address = value;');
    expect(await page.locator('[id="frame-1"]').getAttribute('class')).toContain('failed-here');
    expect(await page.locator('#accounts h2').textContent()).toBe('Account changes (not committed)');
  });

  it('marks the CPI that failed, inside its failing caller', async () => {
    const { svm, payer } = await profiledSvm();
    const cpi = await deploy(svm, 'cpi');
    const callee = await deploy(svm, 'cpi_callee');
    // 7: the callee fails with custom error 42, and its caller with it.
    const result = await send(svm, payer, [{ programAddress: cpi, accounts: [{ address: callee, role: 0 }], data: Uint8Array.of(7) }]);
    const { page } = await open(result.report());
    expect(await page.locator('#failure .failed-frame a').getAttribute('href')).toBe('#frame-1.1');
    expect(await page.locator('[id="frame-1.1"]').getAttribute('class')).toBe('frame failed-here failed');
    expect(await page.locator('[id="frame-1"]').getAttribute('class')).toBe('frame failed');
    expect(await page.locator('#failure .failure-log').textContent()).toBe(`Program ${callee} failed: custom program error: 0x2a`);
  });

  it('keeps hostile log text as text: no script runs, no element is made, nothing is fetched', async () => {
    const { svm, payer } = await profiledSvm();
    const logger = (await generateKeyPairSigner()).address;
    svm.addProgram(logger, assembleToElf('ldxdw r2, [r1+8]\nadd64 r1, 16\nsyscall sol_log_\nmov64 r0, 0\nexit', { sbpfVersion: 0 }));
    const hostile =
      '</li></ol><script>window.pwned = 1</script><img src="https://example.invalid/x.png" onerror="window.pwned = 2">' +
      '<style>body{display:none}</style><a href="javascript:alert(1)">&amp;</a>"\' <!--';
    const result = await send(svm, payer, [{ programAddress: logger, accounts: [], data: new TextEncoder().encode(hostile) }]);
    const { page, requests, errors } = await open(result.report());
    expect(await texts(page, '[id="frame-1"] ol.logs > li')).toContain(`Program log: ${hostile}`);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('script, img, a').count()).toBe(0);
    expect(await page.locator('#instructions ol.logs li *').count()).toBe(0);
    expect(await page.locator('#instructions').isVisible()).toBe(true);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows return data', async () => {
    const { svm, payer } = await profiledSvm();
    const program = await deploy(svm, 'return_data');
    const result = await send(svm, payer, [{ programAddress: program, accounts: [], data: Uint8Array.of(1, 2, 3) }]);
    const { page } = await open(result.report());
    expect(await page.locator('#return-data .hex-block').textContent()).toBe('030201');
    expect(await page.locator('#return-data .base64').textContent()).toBe('AwIB');
  });

  it('websvm run --html writes the page of the run', async () => {
    const out = join(dir, 'run.html');
    cli(['run', 'programs/bin/debuginfo.so', '--data', '000102030405', '--html', out]);
    const { page } = await open(readFileSync(out, 'utf8'));
    expect(await page.locator('h1').textContent()).toContain('Instructions run without a transaction');
    expect(await page.locator('[id="frame-1"]').getAttribute('data-units')).toBe('207');
    expect(await texts(page, '#flamegraph .profile-tables td:last-child')).toContain('checked_sum');
  });

  it('websvm run --idl decodes the instruction and the accounts on the page', async () => {
    const idlPath = 'Anchor-like-examples/counter/idl/counter.json';
    const counter = new AnchorProgram(JSON.parse(readFileSync(idlPath, 'utf8')) as AnchorIdl);
    const authority = (await generateKeyPairSigner()).address;
    const state = join(dir, 'counter.json');
    const data = counter.encodeAccount('Counter', { authority, count: 41n });
    writeFileSync(
      state,
      formatAccountJson((await generateKeyPairSigner()).address, { lamports: 10_000_000n, data, owner: counter.programId, executable: false, rentEpoch: 0n }),
    );
    const out = join(dir, 'increment.html');
    const ix = counter.instruction('increment', {}, { counter: SYSTEM, authority });
    cli([
      'run',
      'Anchor-like-examples/counter/program/counter.so',
      '--program-id',
      counter.programId,
      '--data',
      Buffer.from(ix.data).toString('hex'),
      '--account',
      `${state}:w`,
      '--account',
      `${authority}:s`,
      '--idl',
      idlPath,
      '--html',
      out,
    ]);
    const { page } = await open(readFileSync(out, 'utf8'));
    expect(await page.locator('[id="frame-1"] > summary .ix-name').textContent()).toBe('increment');
    const decoded = await texts(page, '.account .decoded-pair pre.decoded');
    expect(decoded.map((d) => JSON.parse(d) as unknown)).toEqual([
      { authority, count: '41' },
      { authority, count: '42' },
    ]);
  });
});

function cli(args: string[]): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: 'pipe' });
}
