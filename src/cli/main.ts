import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../errors/user-error.js';
import { processOutput, screenedOutput, type Output } from './output.js';

/**
 * Entry point. Commands are imported lazily so `validate` never loads the ZooKeeper binding.
 * Returns the exit code: 0 ok, 1 error, 2 "changes" / "drift" where a command says so.
 */
export async function main(argv: string[], given: Output = processOutput): Promise<number> {
  const out = screenedOutput(given);
  let code = 0;
  const program = new Command('superset-gitops')
    .description(
      'Apache Superset metadata as code: validate, plan and apply YAML through a ZooKeeper registry.',
    )
    .version(packageVersion(), '-V, --version', 'print the version of superset-gitops')
    .exitOverride()
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr });

  program
    .command('validate')
    .description('Check the metadata tree offline: schema, references, secrets, layout.')
    .argument('[dir]', 'metadata directory', 'metadata')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'),
    )
    .action(async (dir: string, opts: { format: 'text' | 'json' | 'github' }) => {
      const { validateCommand } = await import('./commands/validate.js');
      code = await validateCommand(dir, opts, out);
    });

  const envOption = () =>
    new Option(
      '--env <name>',
      'environment name (a file under metadata/environments/)',
    ).makeOptionMandatory();
  const dirOption = () => new Option('--dir <dir>', 'metadata directory').default('metadata');
  const collect = (value: string, previous: string[] = []) => [...previous, value];

  program
    .command('plan')
    .description(
      'Show what apply would change in Superset, attribute by attribute. Exit 0: none, 2: changes, 1: error.',
    )
    .addOption(envOption())
    .addOption(dirOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'),
    )
    .option('--out <file>', 'write the plan to a file')
    .option('--prune', 'plan deletes of owned objects that are no longer in git')
    .option('--read-all', "read every object in full instead of trusting Superset's changed_on")
    .option('--target <kind/name>', 'limit to an object and what it depends on (repeatable)', collect)
    .option('--rotate-secrets', 'plan to send every database secret again, whatever the digests say')
    .action(async (opts: import('./commands/plan.js').PlanCommandOptions) => {
      const { planCommand } = await import('./commands/plan.js');
      code = await planCommand(opts, out);
    });

  program
    .command('apply')
    .description('Apply the plan: only changed objects, in dependency order, under the registry lock.')
    .addOption(envOption())
    .addOption(dirOption())
    .option('--prune', 'delete owned objects that are no longer in git (never `protected` ones)')
    .option('--target <kind/name>', 'limit to an object and what it depends on (repeatable)', collect)
    .option('--adopt', 'take ownership of live objects whose uuid the YAML names')
    .option(
      '--rotate-secrets',
      'send every database secret again (without a record key, rotation is not detected)',
    )
    .addOption(
      new Option('--timeout <seconds>', 'stop cleanly before the next write once the apply has run this long')
        .default(3600)
        .argParser(Number),
    )
    .addOption(
      new Option('--lock-timeout <seconds>', 'how long to wait for another apply')
        .default(300)
        .argParser(Number),
    )
    .action(async (opts: import('./commands/apply.js').ApplyCommandOptions) => {
      const { applyCommand } = await import('./commands/apply.js');
      code = await applyCommand(opts, out);
    });

  program
    .command('drift')
    .description('Compare git, the registry and live Superset. Exit 0: no drift, 2: drift, 1: error.')
    .addOption(envOption())
    .addOption(dirOption())
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'markdown', 'json', 'html'])
        .default('text'),
    )
    .option('--out <file>', 'write the report to a file')
    .option('--read-all', "read every object in full instead of trusting Superset's changed_on")
    .option('--ignore-unmanaged', 'leave out objects this tool does not manage')
    .option('--fail-on-unmanaged', 'exit 2 when Superset has objects this tool does not manage')
    .option('--no-publish', 'do not write the findings to the registry')
    .action(async (opts: import('./commands/drift.js').DriftCommandOptions) => {
      const { driftCommand } = await import('./commands/drift.js');
      code = await driftCommand(opts, out);
    });

  program
    .command('pull')
    .description(
      'Write what was edited in Superset back into the YAML files, changing only those keys. Exit 0: nothing to pull, 2: files changed, 1: error.',
    )
    .addOption(envOption())
    .addOption(dirOption())
    .option('--target <kind/name>', 'pull only this object (repeatable)', collect)
    .option('--dry-run', 'print what would change and write nothing')
    .option(
      '--include-unmanaged',
      'also write new files for objects made in Superset on top of the tree (a chart on one of its datasets, a dashboard showing one of its charts)',
    )
    .action(async (opts: import('./commands/pull.js').PullCommandOptions) => {
      const { pullCommand } = await import('./commands/pull.js');
      code = await pullCommand(opts, out);
    });

  program
    .command('preview')
    .description(
      'Apply what a pull request changes to an environment as preview copies ([PR N] titles, pr-N- slugs, own uuids and registry), with PNGs of the changed charts and dashboards; --destroy removes them.',
    )
    .addOption(envOption())
    .addOption(dirOption())
    .requiredOption('--id <id>', 'the preview id: the pull request number')
    .option(
      '--base <ref>',
      'the revision the change is against (its merge base with head is used)',
      'origin/main',
    )
    .option('--head <ref>', 'the revision with the change', 'HEAD')
    .option('--destroy', 'remove every object of this preview, and its registry')
    .option('--screenshots <dir>', 'folder for the PNGs', 'superset-preview')
    .option('--no-screenshots', 'no PNGs')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown']).default('text'))
    .option('--out <file>', 'write the report (e.g. the markdown comment section) to a file')
    .option('--image-base <url>', 'with markdown: where the PNGs are served, to show them inline')
    .addOption(
      new Option('--lock-timeout <seconds>', "how long to wait for the preview's lock")
        .default(300)
        .argParser(Number),
    )
    .action(async (opts: import('./commands/preview.js').PreviewCommandOptions) => {
      const { previewCommand } = await import('./commands/preview.js');
      code = await previewCommand(opts, out);
    });

  program
    .command('rollback')
    .description(
      "Re-point the environment to a kept snapshot (by commit) and apply it; git's files are not read.",
    )
    .addOption(envOption())
    .addOption(dirOption())
    .requiredOption('--to <sha>', 'commit SHA (or an unambiguous prefix of 7+, or a snapshot id)')
    .option('--prune', 'delete owned objects that are not in that snapshot (never `protected` ones)')
    .addOption(
      new Option('--lock-timeout <seconds>', 'how long to wait for another apply')
        .default(300)
        .argParser(Number),
    )
    .action(async (opts: import('./commands/rollback.js').RollbackCommandOptions) => {
      const { rollbackCommand } = await import('./commands/rollback.js');
      code = await rollbackCommand(opts, out);
    });

  program
    .command('watch')
    .description(
      'Long-running agent: reports registry changes within a second and Superset edits within one interval.',
    )
    .addOption(envOption())
    .addOption(dirOption())
    .addOption(new Option('--interval <seconds>', 'Superset poll interval').default(5).argParser(Number))
    .option('--heal', 'the leader re-applies desired state for drifted objects')
    .option('--prune', 'with --heal, also delete owned objects no longer desired')
    .option(
      '--propose',
      "the leader proposes edits made in Superset as the environment's pull request (as `github propose`), once quiet",
    )
    .addOption(
      new Option('--propose-quiet <seconds>', 'with --propose, how long an object must go unedited first')
        .default(300)
        .argParser(Number),
    )
    .option('--remote <name>', 'with --propose, the git remote to push the branch to', 'origin')
    .option('--health-file <file>', 'write leader state and last poll time to this file')
    .addOption(
      new Option('--health-port <port>', 'serve GET /health on 127.0.0.1:PORT (0: any free port)').argParser(
        Number,
      ),
    )
    .option('--health-host <address>', 'the address of the health port (0.0.0.0 in a container)')
    .addOption(
      new Option('--lock-timeout <seconds>', 'how long a heal waits for the apply lock')
        .default(30)
        .argParser(Number),
    )
    .option('--verbose', 'also log every Superset request')
    .action(async (opts: import('./commands/watch.js').WatchOptions) => {
      const { watchCommand } = await import('./commands/watch.js');
      code = await watchCommand(opts, out);
    });

  program
    .command('import')
    .description(
      'Bring existing objects under git: from live Superset (--env) or from an export bundle (--bundle).',
    )
    .option('--env <name>', 'read live Superset of this environment and record the objects as owned')
    .option('--bundle <file>', 'a Superset export bundle (.zip, or a folder holding an unzipped one)')
    .addOption(dirOption())
    .option('--out <dir>', 'where to write the YAML files', 'metadata')
    .option('--kinds <list>', 'only these kinds (comma-separated), with what they depend on')
    .option('--dashboard <slug>', 'only this dashboard and what it depends on (repeatable)', collect)
    .option('--target <kind/name>', 'only this object and what it depends on (repeatable)', collect)
    .action(async (opts: import('./commands/import.js').ImportOptions) => {
      const { importCommand } = await import('./commands/import.js');
      code = await importCommand(opts, out);
    });

  program
    .command('export')
    .description(
      'Write the YAML, resolved for an environment, as a Superset assets bundle (ZIP) that stock Superset imports.',
    )
    .addOption(envOption())
    .addOption(dirOption())
    .requiredOption('--bundle <file>', 'the ZIP to write')
    .option(
      '--superset-version <version>',
      'the Superset that will import it (default: the newest this tool knows, 6.1)',
    )
    .action(async (opts: import('./commands/export.js').ExportOptions) => {
      const { exportCommand } = await import('./commands/export.js');
      code = await exportCommand(opts, out);
    });

  program
    .command('state')
    .description(
      'Inspect the registry of an environment: show, history, unlock; sign applied records from before signing.',
    )
    .argument('[action]', 'show | history | unlock | sign', 'show')
    .addOption(envOption())
    .addOption(dirOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--yes', 'with sign: sign the unsigned applied records it lists')
    .action(async (action: string, opts: import('./commands/state.js').StateOptions) => {
      if (!['show', 'history', 'unlock', 'sign'].includes(action))
        throw new UserError(
          `Unknown state action ${JSON.stringify(action)}; use show, history, unlock or sign.`,
        );
      const { stateCommand } = await import('./commands/state.js');
      code = await stateCommand(action, opts, out);
    });

  program
    .command('diff')
    .description(
      'The plan a change makes, from git alone: the desired state at --base against --head, per environment. Exit 0: none, 2: changes, 1: error.',
    )
    .requiredOption('--base <rev>', 'the revision the change starts from (e.g. origin/main)')
    .option('--head <rev>', 'the revision with the change', 'HEAD')
    .addOption(dirOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'),
    )
    .option('--out <file>', 'write the diff to a file')
    .option('--env <name>', 'only these environments (repeatable or comma-separated)', collect)
    .option('--prune', 'objects removed from git are deleted (as apply --prune does)')
    .option('--no-merge-base', 'compare with --base itself, not with where --head branched from it')
    .action(async (opts: import('./commands/diff.js').DiffCommandOptions) => {
      const { diffCommand } = await import('./commands/diff.js');
      code = await diffCommand(opts, out);
    });

  program
    .command('init')
    .description(
      'Scaffold a content repository: an environment file, schemas for the editor, GitHub workflows, a README. Adds only missing files.',
    )
    .argument('[dir]', 'the repository folder', '.')
    .option('--env <name>', 'the environment to deploy to', 'staging')
    .option('--superset-url <url>', "Superset's URL (default: read from SUPERSET_URL at run time)")
    .option('--zk-connect <hosts>', 'ZooKeeper connect string (default: read from ZK_CONNECT at run time)')
    .option('--zk-root <path>', "the registry's root znode (default: /superset-gitops/<env>)")
    .option('--action <owner/name@ref>', "the GitHub Action the workflows use (default: this version's)")
    .option(
      '--propose',
      "also a scheduled workflow that turns edits made in Superset's UI into a pull request",
    )
    .action(async (dir: string, opts: import('./commands/init.js').InitOptions) => {
      const { initCommand } = await import('./commands/init.js');
      code = initCommand(dir, opts, packageVersion(), out);
    });

  const github = program
    .command('github')
    .description('GitHub Actions helpers: the sticky pull-request comment and the drift issue.');
  github
    .command('propose')
    .description(
      'Pull edits made in Superset onto the branch superset-gitops/pull/<env>, push it, and open or update one pull request per environment.',
    )
    .addOption(envOption())
    .addOption(dirOption())
    .option('--repo <owner/name>', 'repository (default: GITHUB_REPOSITORY)')
    .option('--remote <name>', 'git remote to push the branch to', 'origin')
    .option('--include-unmanaged', 'also propose new files for objects made in Superset on top of the tree')
    .action(async (opts: import('./commands/github.js').ProposeOptions) => {
      const { githubProposeCommand } = await import('./commands/github.js');
      code = await githubProposeCommand(opts, out);
    });
  github
    .command('comment')
    .description(
      'Create or update (never duplicate) one pull-request comment per marker. Needs GITHUB_TOKEN.',
    )
    .requiredOption('--file <file>', 'markdown to post (repeatable: joined in order)', collect)
    .option('--marker <key>', 'which sticky comment (one per key and pull request)', 'plan')
    .option('--pr <number>', 'pull request number (default: from GITHUB_EVENT_PATH)', Number)
    .option('--repo <owner/name>', 'repository (default: GITHUB_REPOSITORY)')
    .option('--summary', 'also write the markdown to the job summary')
    .action(async (opts: import('./commands/github.js').CommentOptions) => {
      const { githubCommentCommand } = await import('./commands/github.js');
      code = await githubCommentCommand(opts, out);
    });
  github
    .command('drift-issue')
    .description(
      'Open an issue when an environment drifts, update it when the drift changes, close it when gone.',
    )
    .requiredOption('--env <name>', 'the environment the report is about')
    .requiredOption('--drift <bool>', 'true when drift was found (drift exit code 2), false when not')
    .option('--report <file>', 'the drift report in markdown (needed with --drift true)')
    .option('--label <label>', 'label of drift issues', 'superset-gitops-drift')
    .option('--repo <owner/name>', 'repository (default: GITHUB_REPOSITORY)')
    .action(async (opts: import('./commands/github.js').DriftIssueOptions) => {
      const { githubDriftIssueCommand } = await import('./commands/github.js');
      code = await githubDriftIssueCommand(opts, out);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (isUserFacing(e)) {
      out.stderr(`error: ${e.message}\n`);
      return 1;
    }
    out.stderr(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

/** The installed package's version (package.json two folders up, from src/cli or dist/cli). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Errors that say what went wrong in the user's terms: printed as one line, without a stack. */
const USER_FACING = new Set([
  'UserError',
  'RegistryError',
  'SupersetApiError',
  'ZkError',
  'MissingEnvironmentVariable',
  'SecretLeakError',
]);

function isUserFacing(e: unknown): e is Error {
  for (let proto: unknown = e; proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name && USER_FACING.has(name)) return true;
  }
  return false;
}
