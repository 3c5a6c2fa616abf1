#!/usr/bin/env node
// Process entry: runs the CLI and turns its result into the exit code.
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

// A reader that stops early (`kdeadlock scan | head`) closes the pipe: the rest of the report has
// nowhere to go, which is no error of the scan's. Exit as `head` expects, without a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

main(hideBin(process.argv)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`kdeadlock: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
