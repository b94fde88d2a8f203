// Where clients are written. Node's `mkdir(dir, { recursive: true })` never returns when a
// parent exists but refuses to hold folders with ENOENT (anywhere under /proc): it takes ENOENT
// for "the parent is missing" and tries again. So the nearest existing folder is found first
// and the missing ones are made one level at a time, each failure a plain error code.
import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import path from "node:path";

/** A folder that could not be made: the one that failed and the system's code for why. */
export class OutputDirError extends Error {
  override name = "OutputDirError";
  constructor(
    readonly dir: string,
    readonly code: string,
    readonly why: string,
  ) {
    super(`${dir}: ${why}`);
  }
}

/** The nearest folder at or above `dir` that exists, and the missing ones below it (top first). */
async function nearestExisting(dir: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) throw new OutputDirError(current, "ENOTDIR", "is a file, not a folder");
      return { existing: current, missing: missing.reverse() };
    } catch (err) {
      if (err instanceof OutputDirError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? "EIO";
      // ENOTDIR: a file higher up is in the way; going up finds it and names it.
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new OutputDirError(current, code, describeCode(code));
      const parent = path.dirname(current);
      if (parent === current) throw new OutputDirError(current, code, "does not exist");
      missing.push(current);
      current = parent;
    }
  }
}

/**
 * Fails early (before a long generation) when `dir` cannot be made or written: the nearest
 * existing folder must be a folder this process may write into.
 */
export async function checkOutputDir(dir: string): Promise<void> {
  const { existing } = await nearestExisting(dir);
  try {
    await access(existing, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "EACCES";
    throw new OutputDirError(existing, code, describeCode(code));
  }
}

/** Makes `dir` and its missing parents, never looping (see the top of this file). */
export async function makeOutputDir(dir: string): Promise<void> {
  const { missing } = await nearestExisting(dir);
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "EIO";
      // Made meanwhile by someone else: as good as made here.
      if (code === "EEXIST" && (await stat(folder).then((s) => s.isDirectory(), () => false))) continue;
      throw new OutputDirError(folder, code, code === "ENOENT" ? `cannot be created (the file system of ${path.dirname(folder)} does not hold new folders)` : describeCode(code));
    }
  }
}

export function describeCode(code: string): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "is not writable (permission denied)";
    case "EROFS":
      return "is on a read-only file system";
    case "ENOSPC":
      return "cannot be written: the disk is full";
    case "EEXIST":
    case "ENOTDIR":
      return "has a file where a folder should be";
    default:
      return `cannot be written (${code})`;
  }
}
