// callTool's own checks, before any network call: the tool exists, the input is an object of the
// names the tool takes, required ones present, each of its declared JSON type or enum. Messages
// name the tool and the input, never the value (a model may paste anything into a tool call).
import { describe, expect, it } from "vitest";
import { AlterValueError } from "../../runtime/errors.js";
import { callTool, checkToolInput, findTool, toolOperation } from "../../runtime/tools-call.js";
import type { ToolDefinition, ToolsTable } from "../../runtime/tools.js";

const tool: ToolDefinition = {
  name: "repos_list_for_org",
  description: "List organization repositories",
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  operation: { id: "repos/list-for-org", namespace: "repos", method: "listForOrg" },
  inputSchema: {
    type: "object",
    properties: {
      org: { type: "string" },
      type: { type: "string", enum: ["all", "public", "private"] },
      per_page: { type: "integer" },
      since: { type: ["string", "null"] },
      ratio: { type: "number" },
    },
    required: ["org"],
    additionalProperties: false,
  },
};
const table: ToolsTable = {
  provider: { id: "github", name: "GitHub", baseUrl: "https://api.github.com" },
  operations: { repos: { listForOrg: { id: "repos/list-for-org", method: "GET", path: "/orgs/{org}/repos", params: { org: "path", type: "query", per_page: "query", since: "query", ratio: "query" } } } },
  definitions: [tool],
};
const CANARY = "ghp_CANARYtoolInputValue00000000000000001";

describe("checkToolInput", () => {
  const rows: [string, { given: unknown; want: Record<string, unknown> | RegExp }][] = [
    ["required only", { given: { org: "nodejs" }, want: { org: "nodejs" } }],
    ["every type", { given: { org: "n", type: "public", per_page: 5, since: null, ratio: 1 }, want: { org: "n", type: "public", per_page: 5, since: null, ratio: 1 } }],
    ["undefined values are left out", { given: { org: "n", per_page: undefined }, want: { org: "n" } }],
    ["missing required", { given: {}, want: /Tool "repos_list_for_org": missing required input "org"\.$/ }],
    ["null input is an empty object", { given: null, want: /missing required input "org"/ }],
    ["unknown name", { given: { org: "n", orgs: "x" }, want: /unknown input "orgs" \(known: org, type, per_page, since, ratio\)/ }],
    ["a string for an integer", { given: { org: "n", per_page: CANARY }, want: /input "per_page" must be integer \(got string\)/ }],
    ["a fraction for an integer", { given: { org: "n", per_page: 1.5 }, want: /input "per_page" must be integer \(got number\)/ }],
    ["a value outside the enum", { given: { org: "n", type: CANARY }, want: /input "type" must be one of "all", "public", "private"/ }],
    ["an array as input", { given: [CANARY], want: /the input must be a JSON object \(got array\)/ }],
    ["a string as input", { given: CANARY, want: /the input must be a JSON object \(got string\)/ }],
  ];
  it.each(rows)("%s", (_name, { given, want }) => {
    if (want instanceof RegExp) {
      let err: unknown;
      try {
        checkToolInput(tool, given);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AlterValueError);
      expect((err as Error).message).toMatch(want);
      expect((err as Error).message).not.toContain(CANARY);
    } else expect(checkToolInput(tool, given)).toEqual(want);
  });
});

describe("finding tools", () => {
  it("finds by name and resolves the operation table entry", () => {
    expect(findTool(table, "repos_list_for_org")).toBe(tool);
    expect(findTool(table, "repos_get")).toBeUndefined();
    expect(toolOperation(table, tool)).toMatchObject({ method: "GET", path: "/orgs/{org}/repos" });
  });

  it.each([
    ["an unknown tool", "repos_get", {}, /GitHub has no tool "repos_get"/],
    ["a client without the method", "repos_list_for_org", { repos: {} }, /callTool needs the GitHub client \(or the AlterVault\); the object given has no repos\.listForOrg method/],
  ] as const)("refuses %s", async (_name, name, client, want) => {
    await expect(callTool(client, table, name, { org: "n" })).rejects.toThrow(want);
  });
});
