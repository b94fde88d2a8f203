// A renamed method's old name, end to end: the Notion client regenerated after its names.lock.json
// recorded `retrieveABlock` as `blocks.get` keeps `blocks.get` as a deprecated alias, and calling
// it through the runtime sends the same request as `blocks.retrieve`, through the local vault to
// the stand-in that validates it against Notion's document.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { AlterVault } from "alter-gen/runtime";
import { main } from "../../cli/main.js";
import { startPeers } from "./support/peers.js";

mkdirSync(path.resolve(".tmp"), { recursive: true });
const work = mkdtempSync(path.resolve(".tmp", "renamed-"));
// The client's folder carries its own package.json (an ES module scope), so `alter-gen/runtime`
// resolves as in a consumer's project: through node_modules, here a link to this workspace.
mkdirSync(path.join(work, "node_modules"));
symlinkSync(path.resolve("."), path.join(work, "node_modules/alter-gen"), "dir");
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a renamed method's old name", () => {
  it("calls the same operation through the vault", async () => {
    const io = { stdout: () => {}, stderr: () => {}, cwd: work };
    expect(await main(["--provider", "notion", "--out", "clients", "-q"], io)).toBe(0);
    const lockFile = path.join(work, "clients/notion/names.lock.json");
    const lock = JSON.parse(readFileSync(lockFile, "utf8"));
    expect(lock.operations.retrieveABlock).toEqual(["GET /v1/blocks/{id}", "blocks.retrieve"]);
    // As if an earlier client had published the operation as blocks.get.
    lock.operations.retrieveABlock[1] = "blocks.get";
    writeFileSync(lockFile, JSON.stringify(lock));
    expect(await main(["--provider", "notion", "--out", "clients", "-q"], io)).toBe(0);
    expect(readFileSync(path.join(work, "clients/notion/blocks.d.ts"), "utf8")).toMatch(/@deprecated Use `blocks\.retrieve`; this alias is removed after \d{4}-\d{2}-\d{2}\. \*\/\n {2}get: Method</);

    const peers = await startPeers("notion");
    const vault = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: false });
    try {
      const grantId = await peers.grant("tok_notion_0123456789");
      const { createNotionClient } = await import(pathToFileURL(path.join(work, "clients/notion/index.js")).href);
      const notion = createNotionClient(vault, { baseUrl: peers.standin.url });
      expect(notion.blocks.get.name).toBe("retrieveABlock");
      expect(Object.keys(notion.blocks)).toContain("get");
      const from = peers.standin.requests.length;
      await notion.blocks.get(grantId, { id: "b1" });
      await notion.blocks.retrieve(grantId, { id: "b1" });
      const seen = peers.standin.requests.slice(from);
      for (const r of seen) expect(r.problems, `${r.method} ${r.url}`).toEqual([]);
      expect(seen.map((r) => `${r.method} ${new URL(r.url, "http://x").pathname}`)).toEqual(["GET /v1/blocks/b1", "GET /v1/blocks/b1"]);
    } finally {
      await vault.close();
      await peers.close();
    }
  });
});
