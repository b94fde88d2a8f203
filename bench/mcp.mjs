#!/usr/bin/env node
// `npm run bench:mcp`: what alter-gen/mcp costs, in one run.
//   (a) The tools/list answer a host receives, per catalog provider, from the real server
//       (createMcpServer): static mode (one tool per operation, with and without the declared
//       output schemas) and dynamic mode (search, describe, call), and the mode `auto` picks.
//       Bytes of the JSON; tokens estimated as characters / 4 (bench/lib/tools-size.mjs, shared
//       with bench:tools, whose table is what a tools table costs outside MCP).
//   (b) The time an MCP tool call adds over calling the generated method directly: sequential
//       calls of GitHub's repos.get (retrieve mode: a local vault round trip, then the provider
//       stand-in), median latency of each path, the paths interleaved round by round:
//         direct     github.repos.get(grant, params)
//         callTool   callTool(vault, tools, "repos_get", input): find the tool, check the input
//         handler    the MCP server's callTool (ajv input check, audit ids, result shaping), no transport
//         mcp-http   the MCP SDK's Client over Streamable HTTP to serveMcpHttp on loopback
//   (c) The server's side of one Streamable HTTP request, in process (no socket, no client):
//       createMcpFetchHandler's fetch() answering a recorded tools/list and tools/call request
//       (the call names no tool, so no vault call follows), and createServer() alone: the SDK
//       Server each request gets (the SDK refuses an instance still serving another request).
// Everything loads from dist/ (built here unless --no-build), as an installed package runs.
//
// Flags: --calls N (default 300 per path per round), --rounds R (3), --no-build, --no-readme.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startChildServer } from "./lib/child-server.mjs";
import { machineLine, ROOT } from "./lib/env.mjs";
import { fmtInt, markdownTable } from "./lib/format.mjs";
import { writeSection } from "./lib/readme.mjs";
import { median, percentile } from "./lib/stats.mjs";
import { bytes, loadToolsTable, tokens, toolsTableIds } from "./lib/tools-size.mjs";

const { values: opts } = parseArgs({
  options: {
    calls: { type: "string", default: "300" },
    rounds: { type: "string", default: "3" },
    "no-build": { type: "boolean", default: false },
    "no-readme": { type: "boolean", default: false },
  },
});
const CALLS = Math.max(10, Number(opts.calls));
const ROUNDS = Math.max(1, Number(opts.rounds));
const log = (...a) => console.error("[bench:mcp]", ...a);

if (!opts["no-build"]) {
  log("npm run build");
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
}
const dist = (p) => import(pathToFileURL(path.join(ROOT, "dist", p)).href);
const { AlterVault, callTool } = await dist("runtime/index.js");
const { createMcpServer, serveMcpHttp } = await dist("integrations/mcp/index.js");
const { createGithubClient } = await import(pathToFileURL(path.join(ROOT, "generated/github/index.js")).href);
const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client");
const ourSide = await import("./lib/runtime-ours.mjs");

const TOKEN = "bench-provider-token-0123456789";
const provider = await startChildServer(path.join(ROOT, "bench/lib/provider-server.mjs"), [TOKEN]);
const providerOrigin = `http://127.0.0.1:${provider.port}`;
const local = await ourSide.startLocalVault({ importDist: dist, providerOrigin, token: TOKEN, log });
const vault = new AlterVault({ apiKey: local.apiKey, baseUrl: local.baseUrl, caller: "bench-mcp", callerType: "agent", retry: false });
// The vault refuses requests signed in the second it started.
await new Promise((r) => setTimeout(r, 1100));

// ---------------------------------------------------------------------------------------------
// (a) tools/list per provider

const sizes = [];
for (const id of toolsTableIds()) {
  const table = await loadToolsTable(id);
  const list = (options) => createMcpServer({ vault, tools: table, ...options }).listTools();
  const auto = createMcpServer({ vault, tools: table });
  sizes.push({
    id,
    count: table.definitions.length,
    static: bytes({ tools: list({ mode: "static" }) }),
    staticNoOutput: bytes({ tools: list({ mode: "static", outputSchemas: false }) }),
    dynamic: bytes({ tools: list({ mode: "dynamic" }) }),
    auto: auto.mode,
  });
}
log(`tools/list measured for ${sizes.length} providers`);

// ---------------------------------------------------------------------------------------------
// (b) latency of one call by each path

const githubTools = await loadToolsTable("github");
const input = { owner: "octocat", repo: "Hello-World" };
const grant = local.grantId;
const github = createGithubClient(vault, { baseUrl: providerOrigin });
const server = createMcpServer({ vault, tools: githubTools, mode: "static", include: ["repos_get"], grant, clientDefaults: { baseUrl: providerOrigin } });
const http = await serveMcpHttp({ server, port: 0 });
const client = new Client({ name: "bench-mcp", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
await client.listTools();

const expectRepo = (data) => {
  if (data?.full_name !== "octocat/Hello-World") throw new Error(`unexpected answer: ${JSON.stringify(data).slice(0, 200)}`);
};
const PATHS = {
  direct: async () => expectRepo(await github.repos.get(grant, input)),
  callTool: async () => expectRepo((await callTool(vault, githubTools, "repos_get", input, { grant, defaults: { baseUrl: providerOrigin } })).data),
  handler: async () => {
    const r = await server.callTool("repos_get", input);
    if (r.isError) throw new Error(r.content[0].text);
    expectRepo(JSON.parse(r.content[0].text));
  },
  "mcp-http": async () => {
    const r = await client.callTool({ name: "repos_get", arguments: input });
    if (r.isError) throw new Error(r.content[0].text);
    expectRepo(JSON.parse(r.content[0].text));
  },
};
// One call of each path per step, in an order shuffled step by step, so that whatever else the
// shared machine does hits every path alike, and no path always runs right after another (the
// work an HTTP call leaves behind, its server's response teardown and the garbage, slowed down
// whichever path followed it in a fixed rotation). Each path's time is also compared with the
// direct call of the same step (the median of those differences is the "added" column).
const keys = Object.keys(PATHS);
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const shuffled = () => {
  const order = [...keys];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
};
const samples = Object.fromEntries(keys.map((k) => [k, []]));
for (const run of Object.values(PATHS)) for (let i = 0; i < 30; i++) await run();
for (let round = 0; round < ROUNDS; round++) {
  log(`round ${round + 1}/${ROUNDS}: ${CALLS} calls of each path`);
  for (let i = 0; i < CALLS; i++) {
    for (const key of shuffled()) {
      const t0 = performance.now();
      await PATHS[key]();
      samples[key].push(performance.now() - t0);
    }
  }
}
await client.close();
await http.close();

// ---------------------------------------------------------------------------------------------
// (c) the server's side of one request

const { createMcpFetchHandler } = await dist("integrations/mcp/index.js");
const endpoint = new URL("http://127.0.0.1:1/mcp");
const inProcess = createMcpFetchHandler({ server, url: endpoint });
const recorded = {};
const recorder = new Client({ name: "bench-mcp", version: "1.0.0" });
await recorder.connect(
  new StreamableHTTPClientTransport(endpoint, {
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("host", endpoint.host);
      if (typeof init?.body === "string") recorded[JSON.parse(init.body).method] = { method: init.method, headers: [...headers], body: init.body };
      const { signal: _signal, ...rest } = init ?? {};
      return inProcess.fetch(new Request(input, { ...rest, headers }));
    },
  }),
);
await recorder.listTools();
await recorder.callTool({ name: "no_such_tool", arguments: {} });
await recorder.close();
const replay = (rpc) => async () => {
  const r = recorded[rpc];
  const res = await inProcess.fetch(new Request(endpoint, { method: r.method, headers: r.headers, body: r.body }));
  const body = await res.text();
  if (res.status !== 200 || !body.includes('"result"')) throw new Error(`${rpc}: ${res.status} ${body.slice(0, 200)}`);
};
const SERVER_PATHS = { "tools/list": replay("tools/list"), "tools/call": replay("tools/call"), createServer: async () => void server.createServer() };
const serverSamples = Object.fromEntries(Object.keys(SERVER_PATHS).map((k) => [k, []]));
for (const run of Object.values(SERVER_PATHS)) for (let i = 0; i < 100; i++) await run();
for (let i = 0; i < CALLS * ROUNDS; i++) {
  for (const [key, run] of Object.entries(SERVER_PATHS)) {
    const t0 = performance.now();
    await run();
    serverSamples[key].push(performance.now() - t0);
  }
}
await inProcess.close();
await vault.close();
await ourSide.closeAll();
await provider.close();

// ---------------------------------------------------------------------------------------------
// Report

const kb = (n) => `${fmtInt(n)} B / ~${fmtInt(tokens(n))}`;
const sizeRows = sizes.map((s) => [s.id, fmtInt(s.count), kb(s.static), kb(s.staticNoOutput), kb(s.dynamic), s.auto]);
const base = median(samples.direct);
const ms = (v) => `${v.toFixed(2)} ms`;
const LABELS = {
  direct: "generated method (`github.repos.get`)",
  callTool: "`callTool` in process",
  handler: "MCP server's `callTool`, no transport",
  "mcp-http": "MCP SDK `Client` over Streamable HTTP (loopback)",
};
const latencyRows = Object.entries(samples).map(([key, values]) => {
  const m = median(values);
  const added = median(values.map((v, i) => v - samples.direct[i]));
  return [LABELS[key], ms(m), ms(percentile(values, 95)), key === "direct" ? "" : `${added >= 0 ? "+" : "−"}${fmtInt(Math.abs(Math.round(added * 1000)))} µs`, `${(m / base).toFixed(2)}x`];
});
const us = (v) => `${fmtInt(Math.round(v * 1000))} µs`;
const SERVER_LABELS = {
  "tools/list": "`tools/list` through `createMcpFetchHandler`",
  "tools/call": "`tools/call` (unknown tool: no vault call) through `createMcpFetchHandler`",
  createServer: "`createServer()` alone (the SDK Server of one request)",
};
const serverRows = Object.entries(serverSamples).map(([key, values]) => [SERVER_LABELS[key], us(median(values)), us(percentile(values, 95))]);
const githubSize = sizes.find((s) => s.id === "github");
const body = [
  `Measured on ${machineLine()} (\`npm run bench:mcp\`).`,
  "",
  "### tools/list per provider",
  "",
  "The `tools` array of the real server's tools/list answer (`createMcpServer`), as JSON; tokens are estimated as characters / 4.",
  "Static: one tool per operation, with the declared output schemas (each tool's top level) and without (`outputSchemas: false`).",
  "Dynamic: `search_operations`, `describe_operations`, `call_operation`. Both add `await_approval`. `auto` is the mode the default picks.",
  "",
  markdownTable(["provider", "tools", "static (bytes / tokens)", "static, no output schemas", "dynamic", "auto"], sizeRows, ["l", "r", "r", "r", "r", "l"]),
  "",
  githubSize
    ? `GitHub: static is ${fmtInt(Math.round(githubSize.static / githubSize.dynamic))}x dynamic; the output schemas add ${((githubSize.static / githubSize.staticNoOutput - 1) * 100).toFixed(0)}% to static.`
    : "",
  "",
  "### Time an MCP tool call adds",
  "",
  `GitHub \`repos.get\` in retrieve mode (a signed round trip to the local vault, its own process, then the loopback provider stand-in), ${fmtInt(CALLS)} sequential calls per path per round, ${ROUNDS} rounds, one call of each path per step in a shuffled order; median and 95th percentile of each call's latency, and the median of each call's difference from the direct call of the same step.`,
  "",
  markdownTable(["path", "median", "p95", "added over the method", "ratio"], latencyRows, ["l", "r", "r", "r", "r"]),
  "",
  "### The server's side of one HTTP request",
  "",
  `In process, no socket and no client: a recorded request answered by \`createMcpFetchHandler\`'s fetch (Host and Origin checks, the MCP SDK's request handling, one SDK Server, the answer's SSE body read to its end), ${fmtInt(CALLS * ROUNDS)} times each, interleaved.`,
  "",
  markdownTable(["work", "median", "p95"], serverRows, ["l", "r", "r"]),
].join("\n");
console.log(body);
if (!opts["no-readme"]) writeSection("MCP", body);
