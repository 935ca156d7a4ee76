#!/usr/bin/env node
/** The `websvm` executable: runs the command line (./cli.ts) and exits with its code. */
import module from 'node:module';

// Node 22.1 and later keep the code they compiled for our modules on disk, so that a later start
// (`websvm validator` in each test run) skips compiling it again; older versions have no such cache.
// The command line is imported after, for its modules to be compiled with the cache on.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runCli } = await import('./cli.js');

// A reader that stops early (`websvm trace … | head`) ends the output, not the command with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = runCli(process.argv.slice(2));
