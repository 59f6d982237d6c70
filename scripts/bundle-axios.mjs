// An esbuild plugin for scripts/bundle.mjs: axios, as bundled, without what makes Node load its
// built-in undici (fetch, Request, Response, FormData and web streams) at every start, about 15 to 20
// ms that no command needs. Those globals are lazy getters in Node 20; axios reads them when it loads:
//
//   - its fetch adapter tests the fetch API when it loads (a Request with a stream body, a Response).
//     The client sends through the http adapter only (src/superset/transport.ts sets `adapter: 'http'`),
//     so the bundle holds a fetch adapter that says it is not available;
//   - its utils keep `globalThis.FormData` for an `instanceof` test. Without it, `isFormData` still
//     knows Node's FormData by its tag ('[object FormData]'), which is how it knows other FormData.
//
// When a newer axios no longer has the line this replaces, the file is bundled as it is and a warning
// says so: the bundle still works, it only loads undici again (test/unit/bundle/axios-patch.test.ts
// checks that the installed axios takes the patch).

/** The line of axios/lib/utils.js that reads globalThis.FormData, and what stands for it in the bundle. */
export const FORM_DATA_LINE =
  "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";
const FORM_DATA_LAZY = 'const FormDataCtor = undefined; // bundle: see scripts/bundle-axios.mjs';

export const NO_FETCH_ADAPTER = [
  "// bundle: axios' fetch adapter is left out (scripts/bundle-axios.mjs); the http adapter is used.",
  'export const getFetch = () => false;',
  'export default false;',
  '',
].join('\n');

/** axios/lib/utils.js as bundled, or undefined when it has no longer the line to replace. */
export function patchUtils(source) {
  return source.includes(FORM_DATA_LINE) ? source.replace(FORM_DATA_LINE, FORM_DATA_LAZY) : undefined;
}

export const axiosWithoutUndici = {
  name: 'axios-without-undici',
  setup(build) {
    build.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/ }, () => ({
      contents: NO_FETCH_ADAPTER,
      loader: 'js',
    }));
    build.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]utils\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      const patched = patchUtils(source);
      if (patched !== undefined) return { contents: patched, loader: 'js' };
      return {
        contents: source,
        loader: 'js',
        warnings: [{ text: 'axios/lib/utils.js: the FormData line was not found; bundled unpatched' }],
      };
    });
  },
};
