#!/usr/bin/env node
// Thin launcher: the compiled, bundled CLI lives in dist/bundle/ (built by `npm ci` through the
// prepare script: tsc, then scripts/bundle.mjs).
import { main } from '../dist/bundle/main.js';

// A reader that stops early (`| head`) closes the pipe: that ends the output, it is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
