#!/usr/bin/env node
// `npm run bench:tools`: what a provider's generated tools table costs a model, per catalog
// provider: the whole table offered as static tools (one per operation), its read-only subset,
// and a dynamic mode's three tools (search operations, describe them, call one) plus a typical
// session on top of them (one search page of 10 hits, one description of a median tool). Sizes are
// bytes of JSON as a host sends it; tokens are estimated as characters / 4. Also the CPU time
// callTool's own work adds to a call (finding the tool, checking the input), without any I/O, and
// what finding the bound method costs with client defaults (`{ baseUrl }` built afresh per call,
// as an adapter does): binding the namespace on every call, as callTool did, against its cache.
//
// The three dynamic tools are written here as the definitions a dynamic mode offers (the MCP
// server builds its own on the same table; their shape, not their wording, decides the size).
//
// Flags: --no-readme (print only).
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ROOT, machineLine } from "./lib/env.mjs";
import { fmtInt, markdownTable } from "./lib/format.mjs";
import { writeSection } from "./lib/readme.mjs";
import { bytes, loadToolsTable, tokens, toolsTableIds } from "./lib/tools-size.mjs";

const { values: opts } = parseArgs({ options: { "no-readme": { type: "boolean", default: false } } });
/** What a host sends a model per tool: name, description, input schema (the rest stays with the host). */
const offered = (d) => ({ name: d.name, description: d.description, input_schema: d.inputSchema });

const DYNAMIC_TOOLS = [
  {
    name: "search_operations",
    description: "Search the provider's API operations by keywords; answers the best matches with their tool names and one-line summaries. Use it first, then describe_operations.",
    input_schema: { type: "object", properties: { query: { type: "string", description: "Keywords, e.g. 'list pull requests'" }, limit: { type: "integer", description: "At most this many results (default 10)" } }, required: ["query"], additionalProperties: false },
  },
  {
    name: "describe_operations",
    description: "The full input schemas of the named operations (from search_operations), so call_operation can be given valid input.",
    input_schema: { type: "object", properties: { names: { type: "array", items: { type: "string" }, description: "Tool names from search_operations" } }, required: ["names"], additionalProperties: false },
  },
  {
    name: "call_operation",
    description: "Call one operation by its tool name with input that fits its schema (from describe_operations). The input is validated before anything is sent.",
    input_schema: { type: "object", properties: { name: { type: "string" }, input: { type: "object", description: "The operation's input" } }, required: ["name", "input"], additionalProperties: false },
  },
];

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function measure(id) {
  const tools = await loadToolsTable(id);
  const defs = tools.definitions;
  const all = defs.map(offered);
  const perTool = all.map(bytes);
  const readOnly = defs.filter((d) => d.annotations.readOnlyHint).map(offered);
  const searchPage = defs.slice(0, 10).map((d) => ({ name: d.name, summary: d.title ?? d.description.split("\n")[0] }));
  const dynamic = bytes(DYNAMIC_TOOLS);
  const session = dynamic + bytes(searchPage) + median(perTool);
  return { id, count: defs.length, staticBytes: bytes(all), readOnlyCount: readOnly.length, readOnlyBytes: bytes(readOnly), largest: Math.max(...perTool), median: median(perTool), dynamic, session, tools };
}

/** µs per callTool-side check (find + input check) for a tool with a few params. */
async function checkCost(table) {
  const runtime = await import(pathToFileURL(path.join(ROOT, "dist/runtime/index.js")).href);
  const tool = table.definitions.find((d) => d.name === "repos_list_for_org") ?? table.definitions[0];
  const input = { org: "nodejs", type: "public", per_page: 30 };
  const n = 200_000;
  for (let i = 0; i < 10_000; i++) runtime.checkToolInput(runtime.findTool(table, tool.name), input);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) runtime.checkToolInput(runtime.findTool(table, tool.name), input);
  return ((performance.now() - t0) * 1000) / n;
}

/** µs to reach the bound method with fresh client defaults: bound per call (before) and cached (now). */
async function bindCost(table) {
  const dist = (p) => import(pathToFileURL(path.join(ROOT, "dist", p)).href);
  const { AlterVault } = await dist("runtime/index.js");
  const { bindOperations } = await dist("runtime/client.js");
  const { boundNamespace } = await dist("runtime/tools-call.js");
  // Never used for a request: binding needs a vault object, not a vault server.
  const vault = new AlterVault({ apiKey: `alter_sk_benchbind0000000_${Buffer.alloc(32, 7).toString("base64url")}`, baseUrl: "http://127.0.0.1:9", retry: false });
  const { namespace, method } = table.definitions.find((d) => d.name === "repos_list_for_org").operation;
  const paths = {
    perCall: () => bindOperations(vault, table.provider, table.operations[namespace], { baseUrl: "http://127.0.0.1:8080" })[method],
    cached: () => boundNamespace(vault, table, namespace, { baseUrl: "http://127.0.0.1:8080" })[method],
  };
  const out = {};
  for (const [key, run] of Object.entries(paths)) {
    for (let i = 0; i < 5_000; i++) run();
    const rounds = [];
    for (let r = 0; r < 5; r++) {
      const n = 20_000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) run();
      rounds.push(((performance.now() - t0) * 1000) / n);
    }
    out[key] = median(rounds);
  }
  await vault.close();
  return out;
}

const ids = toolsTableIds();
const results = [];
for (const id of ids) results.push(await measure(id));
const github = results.find((r) => r.id === "github");
const cost = github && existsSync(path.join(ROOT, "dist/runtime/index.js")) ? await checkCost(github.tools) : undefined;
const bind = github && existsSync(path.join(ROOT, "dist/runtime/tools-call.js")) ? await bindCost(github.tools) : undefined;

const rows = results.map((r) => [
  r.id,
  fmtInt(r.count),
  `${fmtInt(r.staticBytes)} B / ~${fmtInt(tokens(r.staticBytes))}`,
  `${fmtInt(r.readOnlyCount)}: ~${fmtInt(tokens(r.readOnlyBytes))}`,
  `${fmtInt(r.median)} / ${fmtInt(r.largest)} B`,
  `${fmtInt(r.dynamic)} B / ~${fmtInt(tokens(r.dynamic))}`,
  `~${fmtInt(tokens(r.session))}`,
]);
const body = [
  `Measured on ${machineLine()} (\`npm run bench:tools\`).`,
  "",
  "Tokens are estimated as characters / 4 of the JSON a host sends per tool (name, description, input schema).",
  "Static: every operation as a tool. Dynamic: the three tools of a dynamic mode; a session adds one search page",
  "(10 hits) and one describe of a median tool.",
  "",
  markdownTable(["provider", "tools", "static (bytes / tokens)", "read-only subset (tools: tokens)", "per tool (median / largest)", "dynamic (3 tools)", "dynamic session"], rows, ["l", "r", "r", "r", "r", "r", "r"]),
  "",
  github ? `GitHub: the static table is ${fmtInt(Math.round(github.staticBytes / github.dynamic))}x the dynamic mode's three tools.` : "",
  cost !== undefined ? `callTool's own work (find the tool, check a 3-property input): ${cost.toFixed(2)} µs per call, no I/O.` : "",
  bind
    ? `The bound method for a call with client defaults (\`{ baseUrl }\` built afresh per call, as the adapters pass them): ${bind.perCall.toFixed(2)} µs binding the namespace on every call (callTool before), ${bind.cached.toFixed(2)} µs from the cache keyed by the defaults' value (median of 5 rounds of 20,000).`
    : "",
].join("\n");
console.log(body);
if (!opts["no-readme"]) writeSection("Tools", body);
