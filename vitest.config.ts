import { defineConfig } from "vitest/config";

// "source" lets tests import alter-gen/runtime and alter-gen/generated/* from the TypeScript
// sources instead of dist/, the same condition tsconfig.json uses.
export default defineConfig({
  resolve: { conditions: ["source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "node", "import", "default"], externalConditions: ["source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // eventsource (a dependency of @modelcontextprotocol/client) exports its TypeScript sources
    // under the "source" condition too: with the client inlined, Vite resolves and compiles them
    // instead of Node failing on .ts.
    server: { deps: { inline: ["eventsource", "@modelcontextprotocol/client"] } },
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
