// better-sqlite3, loaded the first time the vault opens a database. It is an optional peer
// dependency of @alter-gen/cli (a project that only generates clients never compiles it), and a
// native module that `npm install --ignore-scripts`, a denied install script or a Node.js upgrade
// leaves unusable. Each case is one VaultUsageError saying how to fix it, raised before `vault init`
// writes anything (vault/admin/init.ts calls loadSqlite() first).
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { VaultUsageError } from "../errors.js";

export type DatabaseConstructor = typeof BetterSqlite3;

const BUILD_NOTE =
  "With npm 11.16 or later, approve its install script first (`npm approve-scripts better-sqlite3`); " +
  "where no prebuilt binary fits this platform it compiles from source, which needs python3, make and a C++ compiler.";

let loaded: DatabaseConstructor | undefined;

/** The better-sqlite3 constructor, checked once per process (an in-memory database opens). */
export function loadSqlite(): DatabaseConstructor {
  return (loaded ??= checkSqlite(createRequire(import.meta.url)));
}

/** Loads better-sqlite3 through `load` and opens an in-memory database, or throws the fix. */
export function checkSqlite(load: (id: string) => unknown): DatabaseConstructor {
  let Database: DatabaseConstructor;
  try {
    Database = load("better-sqlite3") as DatabaseConstructor;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && /better-sqlite3/.test((error as Error).message)) {
      throw new VaultUsageError(
        `The local vault stores its data with the native module better-sqlite3, which is not installed. Install it: npm install --save-dev better-sqlite3. ${BUILD_NOTE}`,
      );
    }
    throw notBuilt(error);
  }
  try {
    new Database(":memory:").close();
  } catch (error) {
    throw notBuilt(error);
  }
  return Database;
}

function notBuilt(error: unknown): VaultUsageError {
  const reason = String((error as Error)?.message ?? error).split("\n")[0]!.slice(0, 200);
  return new VaultUsageError(
    `better-sqlite3 is installed but its native module does not load (${reason}): its install script did not run ` +
      `(npm install --ignore-scripts, or a script npm did not approve) or it was built for another Node.js version. ` +
      `Fix: npm rebuild better-sqlite3. ${BUILD_NOTE}`,
  );
}
