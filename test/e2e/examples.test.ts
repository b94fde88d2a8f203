// The examples run as a newcomer runs them (`npm run example:*`, i.e. tsx on examples/*/main.ts,
// each in its own process with its own vault and stand-ins), and print what they promise; so they
// cannot rot unnoticed. No example may print a secret it was given.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const scripts = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts;

/** Runs `npm run <name>`'s command line directly (npm adds nothing but noise and a shell). */
function run(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const command = scripts[name];
  if (!command) throw new Error(`package.json has no script "${name}"`);
  const [bin, ...args] = command.split(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(new URL(`../../node_modules/.bin/${bin}`, import.meta.url).pathname, args, {
      cwd: new URL("../..", import.meta.url).pathname,
      env: { ...process.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Secret values the examples hand to their vaults; none may appear in what they print. */
const SECRETS = [
  "ghp_exampleTokenNeverPrinted0001",
  "xoxb-example-bot-token-never-printed",
  "wx_live_exampleKeyNeverPrinted01",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "cf_exampleApiTokenNeverPrinted0001",
  "sandbox-github-secret-never-printed",
];

function noSecrets(out: { stdout: string; stderr: string }) {
  for (const s of SECRETS) expect(out.stdout + out.stderr).not.toContain(s);
}

describe("examples", () => {
  it("example:github lists the repositories page by page, one audit row per page", async () => {
    const out = await run("example:github");
    expect(out.code, out.stderr).toBe(0);
    const repos = out.stdout.split("\n").filter((l) => /^ {2}octocat\//.test(l));
    expect(repos.map((l) => l.trim())).toEqual(["octocat/Hello-World", "octocat/Spoon-Knife", "octocat/linguist", "octocat/octocat.github.io", "octocat/git-consortium"]);
    expect(out.stdout).toContain("5 repositories in 2 pages; 2 audit rows (operation repos/list-for-user, caller github-repos-example).");
    noSecrets(out);
  }, 60_000);

  it("example:slack posts the message and prints its audit row with the run and tool call ids", async () => {
    const out = await run("example:slack");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("slack received: v1.4.0 is out :rocket:");
    expect(out.stdout).toMatch(/tool result: \{"ok":true,"channel":"[^"]+"\}/);
    const row = /credential\.retrieve success caller=release-agent \(agent\) op=chat_postMessage POST http:\/\/127\.0\.0\.1:\d+\/api\/chat\.postMessage/.exec(out.stdout);
    expect(row).not.toBeNull();
    expect(out.stdout).toMatch(/run=run_[0-9a-f]{8} thread=thread_release_42 tool_call=call_[0-9a-f]{8} tool=slack\.post_message reason="announce the release"/);
    noSecrets(out);
  }, 60_000);

  it("example:mcp serves Slack's tools over MCP and the SDK's client calls one, audited with the tool name and call id", async () => {
    const out = await run("example:mcp");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/MCP server at http:\/\/127\.0\.0\.1:\d+\/mcp: static mode: 2 tools/);
    expect(out.stdout).toContain("tools: chat_post_message, conversations_list, await_approval");
    expect(out.stdout).toMatch(/tool result: \{"ok":true/);
    expect(out.stdout).toContain("audit: credential.retrieve success op=chat_postMessage tool=chat_post_message tool_call=call_example_1 caller=slack-mcp (agent)");
    noSecrets(out);
  }, 60_000);

  it("example:langchain runs a LangChain agent's tool call through the vault, audited with its ids", async () => {
    const out = await run("example:langchain");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("tools offered: chat_post_message, conversations_list");
    expect(out.stdout).toMatch(/tool chat_post_message \(call_post_1\): success \{"ok":true/);
    expect(out.stdout).toContain("agent: Posted the release note.");
    expect(out.stdout).toContain("credential.retrieve success op=chat_postMessage tool=chat_post_message tool_call=call_post_1 thread=thread_release_42");
    noSecrets(out);
  }, 60_000);

  it("example:ai runs an AI SDK generateText tool call through the vault, audited with its ids", async () => {
    const out = await run("example:ai");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("tools offered: chat_post_message, conversations_list");
    expect(out.stdout).toMatch(/tool chat_post_message \(call_post_1\): \{"ok":true/);
    expect(out.stdout).toContain("agent: Posted the release note.");
    expect(out.stdout).toContain("credential.retrieve success op=chat_postMessage tool=chat_post_message tool_call=call_post_1 thread=thread_release_42");
    noSecrets(out);
  }, 60_000);

  it("example:sandbox: header key, SigV4 verified by the stand-in, API token, OAuth system grant", async () => {
    const out = await run("example:sandbox");
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("[header API key] Lisbon: 2026-11-26 18°C, 2026-11-27 17°C (stand-in saw X-Api-Key: the managed key)");
    expect(out.stdout).toMatch(/\[aws sigv4\] tables: orders, customers, invoices; stand-in: POST \/ ListTables SigV4 valid \(key AKIAEXAMPLESANDBOX01, signed [a-z0-9;-]*host;x-amz-date[a-z0-9;-]*\)/);
    expect(out.stdout).toContain("[api token] Cloudflare says the token is active (success=true)");
    expect(out.stdout).toContain("[oauth] connected github as ops-bot@example.test: principal system, source oauth");
    expect(out.stdout).toContain("[oauth] GET /user: login ops-bot; the stand-in saw an access token issued by the OAuth server: true");
    expect(out.stdout).toContain("audit: 4 credential retrievals, principals: system; providers: acme-weather, aws-dynamodb, cloudflare, github");
    noSecrets(out);
  }, 90_000);
});
