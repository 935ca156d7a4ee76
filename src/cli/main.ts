#!/usr/bin/env node
/** The `websvm` executable: runs the command line (./cli.ts) and exits with its code. */
import { runCli } from './cli.js';

// A reader that stops early (`websvm trace … | head`) ends the output, not the command with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = runCli(process.argv.slice(2));
