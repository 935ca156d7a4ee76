/** Runs the `websvm` command line in this process, capturing what it writes. */
import { vi } from 'vitest';
import { runCli } from '../../src/cli/cli.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export function websvm(...args: string[]): CliRun {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  const noColor = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  try {
    return { code: runCli(args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  }
}

/** The JSON document a `--json` run printed. */
export const json = (r: CliRun) => JSON.parse(r.out) as Record<string, unknown> & { ok?: boolean; error?: { kind: string; message: string } };
