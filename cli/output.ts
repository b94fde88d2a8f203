// The process's stdout and stderr when whoever reads them goes away (`alter-gen --help | head`,
// `alter-gen --names | grep -m1 repos`): the write fails with EPIPE, and Node throws that from
// an 'error' event as a stack trace. Here the stream is dropped instead and the command finishes
// its work (files it was writing are complete), exiting with its own code. Every write path
// goes through these streams (commander's help, the generator, the vault's commands), so one
// listener per stream covers them all.

let installed = false;
let failed = false;

/** Call once, at the process entry point (bin/alter-gen.js, cli/entry.ts). */
export function guardProcessOutput(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      // Writes after this go nowhere; destroying stops Node from queueing them.
      stream.destroy();
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") return;
      // Another failure of stdout is worth a line on stderr (when that still works).
      if (stream === process.stdout && !process.stderr.destroyed) process.stderr.write(`alter-gen: cannot write to standard output (${err.code ?? err.message}).\n`);
      failed = true;
      // The failure may be reported after the command has returned and set its code.
      if (!process.exitCode) process.exitCode = 74;
    });
  }
}

/**
 * The exit code of a run whose command returned `code`: 74 (EX_IOERR) when stdout failed for a
 * reason other than its reader leaving, since what was printed is then incomplete.
 */
export function exitCodeAfterOutput(code: number): number {
  return failed && code === 0 ? 74 : code;
}

/** Writes `text` unless the stream is gone. */
export function writeTo(stream: NodeJS.WriteStream, text: string): void {
  if (!stream.destroyed) stream.write(text);
}

/** What a status line needs of a stream (a test passes its own). */
export interface StatusStream {
  isTTY?: boolean;
  columns?: number;
  destroyed?: boolean;
  write(text: string): unknown;
}

/** Redraws at most this often: a 1,200-operation client reports every namespace. */
const REDRAW_MS = 100;

/**
 * A status line on `stream` for long runs (`--all`, a large `--spec`), redrawn in place and
 * cleared with `undefined`; undefined (no progress at all) unless the stream is a terminal
 * outside CI, so logs and pipes only get the lines that say what was done.
 */
export function statusLine(stream: StatusStream, env: NodeJS.ProcessEnv, now: () => number = Date.now): ((line: string | undefined) => void) | undefined {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI.toLowerCase() !== "false";
  if (!stream.isTTY || ci || env.TERM === "dumb") return undefined;
  let shown = false;
  let drawn = 0;
  return (line) => {
    if (stream.destroyed) return;
    if (line === undefined) {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
      return;
    }
    if (shown && now() - drawn < REDRAW_MS) return;
    // A terminal that does not say its width (columns 0) is taken as 80 wide.
    const width = Math.max(20, (stream.columns || 80) - 1);
    stream.write(`\r\x1b[K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    shown = true;
    drawn = now();
  };
}
