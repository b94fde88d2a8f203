// callTool(vault, …, { defaults }) binds a table's namespace to the vault once per distinct client
// defaults, compared by value (callers build `{ baseUrl }` afresh per call), and calls keep
// behaving as before: each call's own defaults reach the provider. Through the real local vault
// and the Slack stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, callTool } from "alter-gen/runtime";
import { tools as slackTools } from "alter-gen/generated/slack/tools";
import { boundNamespace, BOUND_DEFAULTS_LIMIT } from "../../runtime/tools-call.js";
import { startPeers, type Peers } from "./support/peers.js";

const TOKEN = "xoxb-CANARY-binding-5120";
let p: Peers;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  p = await startPeers("slack");
  grant = await p.grant(TOKEN);
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
}, 60_000);
afterAll(async () => {
  await vault?.close();
  await p?.close();
});

describe("the bound namespace of callTool with client defaults", () => {
  const base = { baseUrl: "https://a.example", headers: { "x-a": "1", "x-b": "2" } };
  const rows: [name: string, other: () => Parameters<typeof boundNamespace>[3], same: boolean][] = [
    ["an equal object, built afresh", () => ({ baseUrl: "https://a.example", headers: { "x-a": "1", "x-b": "2" } }), true],
    ["the same values in another order", () => ({ headers: { "x-b": "2", "x-a": "1" }, baseUrl: "https://a.example" }), true],
    ["an undefined value left out", () => ({ ...base, mode: undefined }), true],
    ["another base URL", () => ({ ...base, baseUrl: "https://b.example" }), false],
    ["another header value", () => ({ ...base, headers: { "x-a": "1", "x-b": "3" } }), false],
    ["no defaults", () => undefined, false],
  ];
  it.each(rows)("%s", (_name, other, same) => {
    const first = boundNamespace(vault, slackTools, "chat", { ...base });
    expect(boundNamespace(vault, slackTools, "chat", other()) === first).toBe(same);
  });

  it("is per vault and per namespace", async () => {
    const other = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
    expect(boundNamespace(other, slackTools, "chat", base)).not.toBe(boundNamespace(vault, slackTools, "chat", base));
    expect(boundNamespace(vault, slackTools, "conversations", base)).not.toBe(boundNamespace(vault, slackTools, "chat", base));
    await other.close();
  });

  it(`keeps at most ${BOUND_DEFAULTS_LIMIT} distinct defaults per table, dropping the oldest`, () => {
    const table = { ...slackTools };
    const first = boundNamespace(vault, table, "chat", { reason: "r0" });
    for (let i = 1; i < BOUND_DEFAULTS_LIMIT; i++) boundNamespace(vault, table, "chat", { reason: `r${i}` });
    expect(boundNamespace(vault, table, "chat", { reason: "r0" })).toBe(first);
    boundNamespace(vault, table, "chat", { reason: "one too many" });
    expect(boundNamespace(vault, table, "chat", { reason: "r0" })).not.toBe(first);
  });

  it("sends each call's own defaults to the provider", async () => {
    const from = p.standin.requests.length;
    for (const trace of ["one", "two", "one"]) {
      const result = await callTool(vault, slackTools, "conversations_list", { limit: 1 }, { grant, defaults: { baseUrl: p.standin.url, headers: { "x-trace": trace } } });
      expect(result.status).toBe(200);
    }
    expect(p.standin.requests.slice(from).map((r) => r.headers["x-trace"])).toEqual(["one", "two", "one"]);
  });
});
