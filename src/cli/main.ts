import { Command, CommanderError, Option } from 'commander';
import { UserError } from './errors.js';
import { processOutput, type Output } from './output.js';

/**
 * Entry point. Commands are imported lazily so `validate` never loads the ZooKeeper binding.
 * Returns the exit code: 0 ok, 1 error, 2 "changes" / "drift" where a command says so.
 */
export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  let code = 0;
  const program = new Command('superset-gitops')
    .description('Apache Superset metadata as code: validate, plan and apply YAML through a ZooKeeper registry.')
    .exitOverride()
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr });

  program
    .command('validate')
    .description('Check the metadata tree offline: schema, references, secrets, layout.')
    .argument('[dir]', 'metadata directory', 'metadata')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .action(async (dir: string, opts: { format: 'text' | 'json' | 'github' }) => {
      const { validateCommand } = await import('./commands/validate.js');
      code = await validateCommand(dir, opts, out);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (e instanceof UserError) {
      out.stderr(`error: ${e.message}\n`);
      return 1;
    }
    out.stderr(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
