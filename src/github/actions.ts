import * as core from '@actions/core';

/**
 * Appends markdown to the job summary when running in GitHub Actions (GITHUB_STEP_SUMMARY set);
 * elsewhere does nothing. Returns whether it wrote.
 */
export async function writeJobSummary(markdown: string): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY) return false;
  await core.summary.addRaw(markdown, true).write();
  core.summary.emptyBuffer();
  return true;
}

/**
 * Sets step outputs when GITHUB_OUTPUT is set. Without it @actions/core would fall back to the
 * deprecated `::set-output` command on stdout, which would mix into the command's own output.
 */
export function setStepOutputs(outputs: Record<string, string>): boolean {
  if (!process.env.GITHUB_OUTPUT) return false;
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  return true;
}
