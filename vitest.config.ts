import { defineConfig } from "vitest/config";

// "source" lets tests import alter-gen/runtime and alter-gen/generated/* from the TypeScript
// sources instead of dist/, the same condition tsconfig.json uses. Vitest hands the SSR conditions
// to the test process as Node --conditions, which apply to require() too: "import" there made
// CommonJS packages (Express's router requiring is-promise) load a dependency's ESM build, so it
// is left to Vite, which adds "import" or "require" by the kind of each import anyway.
export default defineConfig({
  resolve: { conditions: ["source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "node"], externalConditions: ["source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // eventsource (a dependency of @modelcontextprotocol/client) exports its TypeScript sources
    // under the "source" condition too: with the client inlined, Vite resolves and compiles them
    // instead of Node failing on .ts.
    // The AI SDK's provider-utils imports eventsource-parser, which does the same: the SDK (both
    // majors: ai and its ai-v5 alias) and its @ai-sdk packages are inlined down to it.
    server: { deps: { inline: ["eventsource", "@modelcontextprotocol/client", /\/node_modules\/(ai|ai-v5|@ai-sdk\/[^/]+|eventsource-parser)\//] } },
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
