// docs/protocol.md's route table is the code's: every route the vault serves is listed with the
// scope its handler is checked against, and the table lists nothing the vault does not serve.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allRoutes } from "../../vault/http/routes/index.js";

function documented(): string[] {
  const text = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");
  const start = text.indexOf("### Routes, scopes and who may call them");
  expect(start).toBeGreaterThan(0);
  const rows: string[] = [];
  for (const line of text.slice(start).split("\n").slice(1)) {
    if (line.startsWith("### ")) break;
    const m = /^\| `([A-Z]+ \/[^`]*)` \| ([^|]+) \|/.exec(line);
    if (!m) continue;
    const scope = /^`(\w+)`$/.exec(m[2]!.trim())?.[1] ?? "none";
    rows.push(`${m[1]} ${scope}`);
  }
  return rows.sort();
}

describe("docs/protocol.md route table", () => {
  it("lists every route with its scope, and nothing else", () => {
    const served = allRoutes()
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")} ${r.auth === "signed" ? r.scope : "none"}`)
      .sort();
    expect(documented()).toEqual(served);
  });

  it("a signed route's handler refuses a key without its scope before doing anything", async () => {
    // A context with nothing but a scopeless key: a handler that got past the check would fail
    // on the missing database with a TypeError instead.
    const ctx = { apiKey: { id: "k1", scopes: [] } } as never;
    for (const route of allRoutes().filter((r) => r.auth === "signed")) {
      await expect(Promise.resolve().then(() => route.handler(ctx)), `${route.method} ${route.path}`).rejects.toMatchObject({ code: "insufficient_scope" });
    }
  });
});
