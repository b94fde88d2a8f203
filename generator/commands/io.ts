// Where the commands write and what they resolve relative paths against (a test passes its own).

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /**
   * A status line for long runs, redrawn in place (`undefined` clears it). Given only when
   * stderr is a terminal and not CI (cli/output.ts `statusLine`): logs get no progress lines.
   */
  progress?: (line: string | undefined) => void;
}
