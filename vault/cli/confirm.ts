// Yes/no questions before a command does something hard to undo. Scripts answer with --yes; with
// no terminal to ask on and no --yes, the command refuses rather than guessing.
import { createInterface } from "node:readline/promises";
import { usage } from "./common.js";

export interface ConfirmOptions {
  /** --yes was given. */
  yes: boolean | undefined;
  /** What will happen, one paragraph (printed before the question). */
  situation: string;
  /** The question, answered y or n; "no" is the default. */
  question: string;
}

/** True when the operator agreed (or passed --yes); exits 2 when there is nobody to ask. */
export async function confirm(o: ConfirmOptions): Promise<boolean> {
  if (o.yes) return true;
  if (!process.stdin.isTTY) {
    usage(`${o.situation} Standard input is not a terminal, so nobody could be asked: pass --yes to go ahead.`);
  }
  process.stderr.write(`${o.situation}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const answer = await rl.question(`${o.question} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}
