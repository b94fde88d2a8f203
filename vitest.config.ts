import { defineConfig } from "vitest/config";
import { SQLITE_ONLY } from "./test/support/sqlite-only.js";

// The vault and e2e suites run twice: in "main" on SQLite (the default engine) with everything
// else, and in "postgres" on a real PostgreSQL the project's globalSetup starts once
// (test/support/pg-global-setup.ts; each test vault gets a fresh database of its own,
// test/support/vault-engine.ts), minus the files that are SQLite-only by nature
// (test/support/sqlite-only.ts says why, file by file). `npm test` runs both;
// `vitest run --project main` (or `--project postgres`) runs one.
const VAULT_SUITES = ["test/vault/**/*.test.ts", "test/e2e/**/*.test.ts"];

// "source" lets tests import alter-gen/runtime and alter-gen/generated/* from the TypeScript
// sources instead of dist/, the same condition tsconfig.json uses. Vitest hands the SSR conditions
// to the test process as Node --conditions, which apply to require() too: "import" there made
// CommonJS packages (Express's router requiring is-promise) load a dependency's ESM build, so it
// is left to Vite, which adds "import" or "require" by the kind of each import anyway.
export default defineConfig({
  resolve: { conditions: ["source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "node"], externalConditions: ["source"] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // eventsource (a dependency of @modelcontextprotocol/client) exports its TypeScript sources
    // under the "source" condition too: with the client inlined, Vite resolves and compiles them
    // instead of Node failing on .ts.
    // The AI SDK's provider-utils imports eventsource-parser, which does the same: the SDK (both
    // majors: ai and its ai-v5 alias) and its @ai-sdk packages are inlined down to it.
    server: { deps: { inline: ["eventsource", "@modelcontextprotocol/client", /\/node_modules\/(ai|ai-v5|@ai-sdk\/[^/]+|eventsource-parser)\//] } },
    projects: [
      {
        extends: true,
        test: {
          name: "main",
          include: ["test/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: VAULT_SUITES,
          exclude: ["**/node_modules/**", ...Object.keys(SQLITE_ONLY)],
          globalSetup: ["test/support/global-setup.ts", "test/support/pg-global-setup.ts"],
          env: { ALTER_TEST_VAULT_ENGINE: "postgres" },
        },
      },
    ],
  },
});
