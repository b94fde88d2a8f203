// `alter-gen mcp --spec <file>`: a provider outside the catalog, served from its OpenAPI document
// alone (test/fixtures/specs/security-demo.yaml): the tools are generated on the spot, the
// selection flags apply, and the MCP SDK's client calls them over stdio through the real vault
// (the provider configured as an operator would: base URL and where the key goes) into a
// stand-in that validates every request against the same document.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogProvider } from "../../../catalog/index.js";
import { addManagedSecret, initVault, issueGrant, readAudit, setProviderConfig, startVault, type RunningVault } from "../../../vault/index.js";
import { startStandin, type Standin } from "../../../standins/index.js";
import { specProviderId } from "../../../cli/mcp-spec.js";
import { ROOT } from "../../vault/cli-run.js";

const DOC = join(ROOT, "test/fixtures/specs/security-demo.yaml");
const KEY = "CANARYmcpspec/k+e=y!9d2f";
let dataDir: string;
let apiKey: string;
let vault: RunningVault;
let standin: Standin;
let grant = "";

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "alter-mcp-spec-"));
  apiKey = (await initVault({ dataDir, env: {} })).apiKey;
  vault = await startVault({ dataDir, port: 0, log: () => {} });
  const entry: CatalogProvider = {
    id: "secdemo",
    name: "Security demo",
    specFile: "",
    source: { package: "", version: "", path: "" },
    sha256: "",
    baseUrl: "http://127.0.0.1/v1",
    hosts: [],
    injection: { type: "header", name: "X-Demo-Key" },
    namespaceBy: "tag",
  };
  standin = await startStandin({ provider: entry, document: parse(readFileSync(DOC, "utf8")) as object, credential: KEY });
  await setProviderConfig({ dataDir, provider: "secdemo", baseUrl: standin.url, hosts: [new URL(standin.url).host], injection: { type: "header", name: "X-Demo-Key" } });
  const secret = await addManagedSecret({ dataDir, provider: "secdemo", type: "token", value: KEY, label: "demo" });
  grant = (await issueGrant({ dataDir, secretId: secret.id, principal: "system" })).grantId;
  // The vault refuses requests signed in the second it started.
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
}, 120_000);

afterAll(async () => {
  await standin?.close();
  await vault?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const tempFolders = () =>
  readdirSync(tmpdir())
    .filter((f) => f.startsWith("alter-gen-mcp-secdemo-"))
    .sort();

describe("alter-gen mcp --spec", () => {
  it("generates the document's tools, offers the read-only ones and calls them through the vault", async () => {
    const before = tempFolders();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--conditions=source", "--import", "tsx", join(ROOT, "cli/entry.ts"), "mcp", "--spec", DOC, "--name", "secdemo", "--read-only", "--grant", grant, "--base-url", standin.url],
      env: { ...(process.env as Record<string, string>), ALTER_API_KEY: apiKey, ALTER_BASE_URL: vault.url },
      cwd: ROOT,
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: "alter-gen-spec-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["items_list_items", "status_get_status", "await_approval"]);
      expect(tempFolders().length).toBe(before.length + 1);
      standin.queue({ status: 200, body: { items: ["first"] } });
      const result = await client.callTool({ name: "items_list_items", arguments: { q: "x" }, _meta: { toolCallId: "spec-1" } });
      expect(result.isError ?? false).toBe(false);
      expect(result.structuredContent).toEqual({ items: ["first"] });
      const req = standin.requests.at(-1)!;
      expect([req.path, req.query.q, req.headers["x-demo-key"], req.problems]).toEqual(["/items", "x", KEY, []]);
      const rows = (await readAudit({ dataDir })).filter((r) => r.toolCallId === "spec-1");
      expect(rows).toEqual([expect.objectContaining({ toolName: "items_list_items", operationId: "listItems", grantId: grant, caller: "alter-gen mcp secdemo" })]);
      expect(JSON.stringify(result)).not.toContain(KEY);
    } finally {
      await client.close();
    }
    expect(stderr).toMatch(/alter-gen mcp: secdemo, static mode: 2 tools/);
    // The generated files live as long as the server.
    expect(tempFolders()).toEqual(before);
  }, 90_000);

  it.each([
    ["a file's name", "/specs/petstore.yaml", "petstore"],
    ["a URL's last segment", "https://example.test/apis/Acme_Billing.openapi.json", "acme-billing"],
    ["the folder of an openapi.yaml", "/specs/slack/openapi.yaml", "slack"],
    ["nothing usable", "/42.json", undefined],
  ])("makes the provider id from %s", (_name, spec, id) => {
    if (id) expect(specProviderId(spec, undefined)).toBe(id);
    else expect(() => specProviderId(spec, undefined)).toThrow(/name it with --name <id>/);
  });
});
