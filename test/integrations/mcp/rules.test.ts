// The MCP integration's pure parts, table by table: which tools a selection keeps, which mode
// `auto` picks, how search ranks, and which failure rule answers each error (by rule name).
import { describe, expect, it } from "vitest";
import {
  AlterSDKError,
  AlterValueError,
  AlterVault,
  AmbiguousGrantError,
  ApprovalDeniedError,
  ApprovalRequiredError,
  GrantExpiredError,
  GrantNotFoundError,
  PolicyViolationError,
  ProviderAPIError,
  type ToolDefinition,
  type ToolsTable,
} from "alter-gen/runtime";
import { indexTools, searchTools, words } from "../../../integrations/mcp/dynamic.js";
import { chooseMode } from "../../../integrations/mcp/mode.js";
import { createMcpServer } from "../../../integrations/mcp/server.js";
import { failureAnswer, type FailureContext } from "../../../integrations/mcp/outcome.js";
import { selectTools, unmatchedPatterns } from "../../../integrations/mcp/selection.js";
import { tools as slackTools } from "./slack-tools.js";

function table(id: string, count: number, descriptionBytes = 10, outputBytes = 0): ToolsTable {
  const definitions: ToolDefinition[] = Array.from({ length: count }, (_, i) => ({
    name: `ns_op_${i}`,
    ...(outputBytes ? { outputSchema: { type: "object" as const, properties: { items: { type: "array" as const, description: "y".repeat(outputBytes) } } } } : {}),
    description: "x".repeat(descriptionBytes),
    inputSchema: { type: "object", properties: {}, additionalProperties: false },
    annotations: { readOnlyHint: i % 2 === 0, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    operation: { id: `op${i}`, namespace: "ns", method: `op${i}` },
  }));
  return { provider: { ...slackTools.provider, id, name: id }, operations: {}, definitions };
}

describe("selectTools", () => {
  const rows: [name: string, selection: Parameters<typeof selectTools>[1], want: string[]][] = [
    ["everything by default", {}, ["chat_post_message", "chat_delete", "conversations_list"]],
    ["include by tool name glob", { include: ["chat_*"] }, ["chat_post_message", "chat_delete"]],
    ["include by namespace.method", { include: ["conversations.*"] }, ["conversations_list"]],
    ["include by operationId", { include: ["chat_postMessage"] }, ["chat_post_message"]],
    ["exclude wins over include", { include: ["chat_*"], exclude: ["*delete*"] }, ["chat_post_message"]],
    ["read-only keeps GET tools", { readOnly: true }, ["conversations_list"]],
  ];
  it.each(rows)("%s", (_name, selection, want) => {
    expect(selectTools([slackTools], selection).map((t) => t.name)).toEqual(want);
  });

  it("prefixes names with the provider id when several providers share a server", () => {
    const names = selectTools([table("alpha", 1), table("beta-2", 1)]).map((t) => t.name);
    expect(names).toEqual(["alpha__ns_op_0", "beta-2__ns_op_0"]);
  });

  it("names patterns that match nothing", () => {
    expect(unmatchedPatterns([slackTools], ["chat_*", "chta_*"])).toEqual(["chta_*"]);
  });

  it("refuses an empty table list and an empty pattern", () => {
    expect(() => selectTools([])).toThrow(/at least one tools table/);
    expect(() => selectTools([slackTools], { include: [""] })).toThrow(/non-empty string/);
  });
});

describe("chooseMode", () => {
  const rows: [name: string, tools: ToolsTable, requested: "auto" | "static" | "dynamic", want: "static" | "dynamic", reason: RegExp][] = [
    ["a small provider stays static", table("small", 10), "auto", "static", /^static mode: 10 tools, \d+ KB/],
    ["many tools go dynamic", table("many", 51), "auto", "dynamic", /^dynamic mode: 51 tools.*pass --mode static/],
    ["large schemas go dynamic", table("wide", 20, 4_000), "auto", "dynamic", /^dynamic mode: 20 tools, 82 KB/],
    ["static when asked, however large", table("many", 300), "static", "static", /^static mode as asked \(300 tools/],
    ["dynamic when asked, however small", table("small", 2), "dynamic", "dynamic", /^dynamic mode as asked/],
  ];
  it.each(rows)("%s", (_name, t, requested, want, reason) => {
    const choice = chooseMode(selectTools([t]), requested);
    expect(choice.mode).toBe(want);
    expect(choice.reason).toMatch(reason);
  });

  // 20 tools of ~2.3 KB without output schemas (46 KB), ~4.3 KB with them (86 KB): the output
  // schemas alone carry the list over the limit.
  const wide = table("outputs", 20, 2_000, 2_000);
  const outputRows: [name: string, outputSchemas: boolean, want: "static" | "dynamic", reason: RegExp][] = [
    ["output schemas count towards the limit", true, "dynamic", /^dynamic mode: 20 tools, 8\d KB/],
    ["without output schemas the same tools fit", false, "static", /^static mode: 20 tools, 4\d KB/],
  ];
  it.each(outputRows)("%s", (_name, outputSchemas, want, reason) => {
    const choice = chooseMode(selectTools([wide]), "auto", { outputSchemas });
    expect(choice.mode).toBe(want);
    expect(choice.reason).toMatch(reason);
  });

  it.each([true, false])("measures exactly the entries a static tools/list sends (outputSchemas %s)", (outputSchemas) => {
    const vault = new AlterVault({ apiKey: `alter_sk_abcdefgh12345678_${Buffer.alloc(32, 7).toString("base64url")}`, baseUrl: "http://127.0.0.1:9", retry: false });
    const server = createMcpServer({ vault, tools: wide, mode: "static", outputSchemas });
    const sent = server.listTools().filter((t) => t.name !== "await_approval");
    expect(sent.some((t) => t.outputSchema)).toBe(outputSchemas);
    expect(server.modeChoice.bytes).toBe(sent.reduce((n, t) => n + Buffer.byteLength(JSON.stringify(t)), 0));
  });
});

describe("search", () => {
  const index = indexTools(selectTools([slackTools]));
  const rows: [query: string, want: string[]][] = [
    ["post message", ["chat_post_message", "chat_delete"]],
    ["postMessage", ["chat_post_message", "chat_delete"]],
    ["conversations", ["conversations_list"]],
    // A prefix of three letters or more matches; the name with fewer unasked-for words first.
    ["chan", ["conversations_list", "chat_post_message"]],
    ["delete", ["chat_delete"]],
    ["the of a", []],
  ];
  it.each(rows)("%s", (query, want) => {
    expect(searchTools(index, query).map((h) => h.name)).toEqual(want);
  });

  it("finds the general operation first in the generated GitHub table (1,223 tools)", async () => {
    const { tools: github } = await import("alter-gen/generated/github/tools");
    const big = indexTools(selectTools([github]));
    const rows: [query: string, want: string, within: number][] = [
      ["list repositories for an organization", "repos_list_for_org", 1],
      ["create an issue", "issues_create", 1],
      // pull_request_stacks_get names all three words too: the model sees both in the top 3.
      ["get a pull request", "pulls_get", 3],
    ];
    for (const [query, want, within] of rows) expect(searchTools(big, query).slice(0, within).map((h) => h.name), query).toContain(want);
    expect(chooseMode(selectTools([github])).mode).toBe("dynamic");
  });

  it("splits identifiers and prose into words", () => {
    expect(words("repos/listForOrg chat_postMessage {org}")).toEqual(["repos", "list", "for", "org", "chat", "post", "message", "org"]);
  });
});

describe("failure rules", () => {
  const ctx = (connect: { url: string } | { unavailable: string } = { url: "http://127.0.0.1:7420/connect/abc" }): FailureContext => ({
    provider: { id: "slack", name: "Slack" },
    awaitTool: "await_approval",
    connectUrl: async () => connect,
  });
  const providerError = new ProviderAPIError({ status: 404, headers: { authorization: "Bearer xoxb-CANARY-rules" }, body: { ok: false, error: "channel_not_found" }, requestId: "req-1", operationId: "chat_postMessage" });
  const rows: [name: string, error: unknown, rule: string, text: RegExp][] = [
    ["bad input", new AlterValueError("input \"x\" must be string"), "invalid-input", /^Invalid input: input "x" must be string$/],
    ["approval required", new ApprovalRequiredError({ approvalId: "apr_1", approvalUrl: "http://v/approvals/apr_1" }), "approval-required", /Approval id: apr_1\..*Call await_approval with \{"approvalId": "apr_1"\}/],
    ["approval denied", new ApprovalDeniedError("apr_2"), "approval-outcome", /\(approval_denied\)\.$/],
    ["no grant", new GrantNotFoundError(), "needs-connect", /^No Slack account is connected for this caller\. Ask the user to open http:\/\/127\.0\.0\.1:7420\/connect\/abc/],
    ["expired grant", new GrantExpiredError(), "needs-connect", /^The Slack connection must be renewed \(grant_expired\)/],
    ["several accounts", new AmbiguousGrantError(["a", "b"]), "ambiguous-grant", /\(a, b\)/],
    ["policy", new PolicyViolationError("outside the time window", { policy: "timeWindow", retryAfter: 60 }), "policy-denied", /outside the time window \(may pass in 60 s\)/],
    ["provider answer", providerError, "provider-error", /^The provider answered 404 \(provider_error\), request id req-1\. Body: \{"ok":false,"error":"channel_not_found"\}$/],
    ["other runtime error", new AlterSDKError("network_error", "the vault could not be reached"), "alter-error", /^the vault could not be reached \(network_error\)\.$/],
    ["anything else", new TypeError("secret-looking detail CANARY"), "unexpected", /^The call failed unexpectedly \(TypeError\)\.$/],
  ];
  it("tells the model to tell the user when no tool can wait for an approval", async () => {
    const got = await failureAnswer(new ApprovalRequiredError({ approvalId: "apr_3", approvalUrl: "http://v/approvals/apr_3" }), { ...ctx(), awaitTool: undefined });
    expect(got.answer.content[0]!.text).toMatch(/Approval id: apr_3\. .*Tell the user; the call runs once it is approved/);
    expect(got.answer.content[0]!.text).not.toMatch(/undefined/);
  });
  it.each(rows)("%s", async (_name, error, rule, text) => {
    const got = await failureAnswer(error, ctx());
    expect(got.rule).toBe(rule);
    expect(got.answer.isError).toBe(true);
    expect(got.answer.content[0]!.text).toMatch(text);
    expect(JSON.stringify(got.answer)).not.toMatch(/CANARY/);
  });

  it("says why there is no connect link when none can be made", async () => {
    const got = await failureAnswer(new GrantNotFoundError(), ctx({ unavailable: "insufficient_scope" }));
    expect(got.answer.content[0]!.text).toMatch(/no connect link could be made \(insufficient_scope\)/);
  });
});
