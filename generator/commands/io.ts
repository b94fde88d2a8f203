// Where the commands write and what they resolve relative paths against (a test passes its own).

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}
