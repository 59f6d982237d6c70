// Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/bundle/: one file for what every
// command needs and one chunk per command, loaded when that command runs. Node then resolves and
// reads a few dozen files at start instead of several hundred (about 0.15 s less per run; see
// README's speed section and bench/profile.ts).
//
//   node scripts/bundle.mjs        (run by `npm run build` and `npm ci`'s prepare, after tsc)
//
// Imported, it builds nothing and gives its options (`bundleOptions`) to the bundle's test.
//
// Left outside the bundle: the native ZooKeeper client (a compiled addon) and puppeteer-core (large,
// only `preview --screenshots` loads it). Both stay ordinary dependencies. Axios' `form-data` is
// replaced by Node's own FormData (scripts/bundle-shims/form-data.mjs says why), and axios is bundled
// without its fetch adapter (scripts/bundle-axios.mjs says why).
import { build } from 'esbuild';
import { axiosWithoutUndici } from './bundle-axios.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(import.meta.dirname, '..');

/**
 * esbuild's options for the CLI's bundle, less its entry points and output folder. The bundle's own
 * test (test/unit/bundle/axios-patch.test.ts) bundles with these, so it checks what ships.
 */
export function bundleOptions() {
  return {
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['zookeeper', 'puppeteer-core'],
    alias: { 'form-data': path.join(repo, 'scripts/bundle-shims/form-data.mjs') },
    plugins: [axiosWithoutUndici],
    // CommonJS dependencies call require() for Node's own modules; an ES module has none of its own.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
    legalComments: 'linked',
    logLevel: 'warning',
  };
}

/** Builds dist/bundle/ from dist/cli/main.js. */
async function bundleCli() {
  const target = path.join(repo, 'dist/bundle');
  // Built beside the old bundle and swapped in, so a CLI that starts meanwhile finds one whole bundle.
  const outdir = `${target}.${process.pid}.tmp`;
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    ...bundleOptions(),
    entryPoints: { main: path.join(repo, 'dist/cli/main.js') },
    outdir,
  });
  const old = `${target}.${process.pid}.old`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(outdir, target);
  fs.rmSync(old, { recursive: true, force: true });
}

// Run as a script (`node scripts/bundle.mjs`), not imported for its options. Compared as real paths:
// Node gives argv[1] as typed (through any symlink) and this module's URL with symlinks resolved.
const realPath = (file) => {
  try {
    return fs.realpathSync(path.resolve(file));
  } catch {
    return undefined;
  }
};
const script = process.argv[1] === undefined ? undefined : realPath(process.argv[1]);
if (script !== undefined && script === realPath(fileURLToPath(import.meta.url))) await bundleCli();
