import { SecretScreen } from '../environment/screen.js';

/** Where the CLI writes; tests pass a recording one. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
  isTTY: boolean;
  /** Secret values of this run; nothing that holds one is written (see screenedOutput). */
  screen?: SecretScreen;
}

/**
 * Output that refuses to print a secret: a report or plan on stdout that holds one fails with
 * SecretLeakError (nothing of it is printed); a line for stderr is replaced by a notice naming the
 * secret's variable, so the reason of an error is not lost with it.
 */
export function screenedOutput(out: Output, screen: SecretScreen = out.screen ?? new SecretScreen()): Output {
  return {
    ...out,
    screen,
    stdout: (text) => {
      screen.check(text, 'the output');
      out.stdout(text);
    },
    stderr: (text) => {
      const hit = screen.find(text);
      out.stderr(
        hit ? `(a message was withheld: it contained the value of ${hit.name}, ${hit.form})\n` : text,
      );
    },
  };
}

/** Writes a report file, screened like stdout. */
export function writeScreened(
  out: Output,
  file: string,
  text: string,
  write: (file: string, text: string) => void,
): void {
  out.screen?.check(text, file);
  write(file, text);
}

export const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  isTTY: Boolean(process.stderr.isTTY),
};
