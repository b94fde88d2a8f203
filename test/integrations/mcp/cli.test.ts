// `alter-gen mcp` as an MCP host runs it: a child process over stdio, started by the MCP SDK's
// own StdioClientTransport, acting with a system grant against the real vault and the Slack
// stand-in. Bad flags end with one paragraph naming the flag (exit 2), never a stack.
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditDuring, callRows, startE2E, type E2E } from "../../support/e2e.js";
import { ROOT, type CliRun } from "../../vault/cli-run.js";
import { spawn } from "node:child_process";

const TOOLS = join(ROOT, "test/integrations/mcp/slack-tools.ts");
let world: E2E;
let grant = "";

beforeAll(async () => {
  world = await startE2E({ providers: ["slack"] });
  grant = await world.managedGrant("slack", "xoxb-stdio-CANARY-mcp-3391");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const env = () => ({ ...(process.env as Record<string, string>), ALTER_API_KEY: world.apiKey, ALTER_BASE_URL: world.vault.url });

function runMcp(args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", join(ROOT, "cli/entry.ts"), "mcp", ...args], { cwd: ROOT, env: env(), stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end();
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("alter-gen mcp over stdio", () => {
  it("serves the generated Slack tools to the SDK's client and calls them with the system grant", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--conditions=source", "--import", "tsx", join(ROOT, "cli/entry.ts"), "mcp", "--provider", "slack", "--grant", grant, "--base-url", world.standins.slack!.url, "--include", "chat_post_message,conversations.list", "--max-answer-chars", "50000"],
      env: env(),
      cwd: ROOT,
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: "alter-gen-stdio-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["chat_post_message", "conversations_list", "await_approval"]);
      const { result, rows } = await auditDuring(world, () => client.callTool({ name: "chat_post_message", arguments: { body: { channel: "C1", text: "over stdio" } }, _meta: { toolCallId: "stdio-1" } }));
      expect(result.isError ?? false).toBe(false);
      expect(callRows(rows)).toEqual([expect.objectContaining({ toolName: "chat_post_message", toolCallId: "stdio-1", grantId: grant, caller: "alter-gen mcp slack", callerType: "agent" })]);
      expect(world.standins.slack!.requests.at(-1)?.headers.authorization).toBe("Bearer xoxb-stdio-CANARY-mcp-3391");
    } finally {
      await client.close();
    }
    expect(stderr).toMatch(/alter-gen mcp: Slack, static mode: 2 tools, \d+ KB of definitions\./);
  }, 60_000);

  const usage: [name: string, args: string[], message: RegExp][] = [
    ["no provider", [], /which provider\? pass --provider <id>.*\(flag --provider\)/],
    ["an unknown provider", ["--provider", "slak", "--grant", "g"], /unknown provider "slak"\. Did you mean "slack"\?/],
    ["stdio without a grant", ["--tools", TOOLS], /stdio has no signed-in user.*\(flag --grant\)/],
    ["http without auth or grant", ["--tools", TOOLS, "--transport", "http"], /needs either --issuer .* or --grant/],
    ["a pattern that matches nothing", ["--tools", TOOLS, "--grant", "g", "--include", "chta_*"], /"chta_\*" matches no tool of Slack \(flag --include\)/],
    ["a bad mode", ["--tools", TOOLS, "--grant", "g", "--mode", "fast"], /option '--mode <mode>' argument 'fast' is invalid/],
    ["an answer limit that is no count", ["--tools", TOOLS, "--grant", "g", "--max-answer-chars", "lots"], /"lots" is not a number of characters of at least 100.*\(flag --max-answer-chars\)/s],
    ["a missing tools file", ["--tools", "nope/tools.js", "--grant", "g"], /no tools table at .*nope\/tools\.js: there is no such file/],
    ["two sources", ["--provider", "slack", "--spec", "x.yaml", "--grant", "g"], /pass one of --provider, --tools and --spec \(got --provider and --spec\).*\(flag --spec\)/],
    ["--name without --spec", ["--provider", "slack", "--name", "x", "--grant", "g"], /--name names the provider of a --spec document/],
    ["a missing document", ["--spec", "nope/openapi.yaml", "--grant", "g"], /nope\/openapi\.yaml/],
    ["a document with a broken $ref", ["--spec", "test/fixtures/specs/bad/unresolved-ref.yaml", "--grant", "g"], /#\/components\/schemas\/Missing.*at \/paths\/~1things\/get\/responses\/200/s],
  ];
  it.each(usage)("refuses %s with one paragraph (exit 2)", async (_name, args, message) => {
    const r = await runMcp(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  }, 60_000);
});
