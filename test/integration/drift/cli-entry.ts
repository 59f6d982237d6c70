// The CLI from source in a child process (the same main() bin/superset-gitops.js runs from dist/),
// so these tests never depend on a fresh build.
import { main } from '../../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
