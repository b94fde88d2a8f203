// `alter-gen mcp`: a ready MCP server for a catalog provider's generated tools (or any generated
// tools.js, or an OpenAPI document's, generated on the spot: mcp-spec.ts), over stdio for a host that starts it as a child process, or Streamable HTTP on
// loopback. Loaded only when `mcp` is run, so no other command loads the MCP SDK. Everything but
// the protocol goes to stderr: over stdio, stdout belongs to the host.
import { Command, Option } from "commander";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { findProvider, InputError, loadCatalog } from "../catalog/index.js";
import type { CommandIO } from "../generator/commands/io.js";
// Through the alter-gen package (a peer of @alter-gen/cli), which ships the runtime and alter-gen/mcp.
import { AlterValueError, AlterVault, type ToolsTable } from "alter-gen/runtime";
import { createMcpServer, serveMcpHttp, serveMcpStdio, unmatchedPatterns, type ToolMode } from "alter-gen/mcp";
import { toolsFromSpec } from "./mcp-spec.js";

interface McpFlags {
  provider?: string;
  tools?: string;
  spec?: string;
  name?: string;
  transport: "stdio" | "http";
  include: string[];
  exclude: string[];
  readOnly?: boolean;
  mode: ToolMode;
  grant?: string;
  baseUrl?: string;
  callMode?: "retrieve" | "proxy";
  maxAnswerChars?: string;
  host: string;
  port: string;
  path: string;
  publicUrl?: string;
  issuer?: string;
  catalog?: string;
}

const repeat = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

export function mcpCommand(): Command {
  return new Command("mcp")
    .description("serve a provider's generated tools to an MCP host (stdio or Streamable HTTP), every call through the vault")
    .option("--provider <id>", "a catalog provider whose generated client has a tools table (generated/<id>/tools.js)")
    .option("--tools <file>", "a generated tools.js instead (a client generated with --out or from --spec)")
    .option("--spec <file>", "an OpenAPI document (file or URL) outside the catalog: its tools are generated on the spot")
    .option("--name <id>", "with --spec: the provider id the vault knows it by (default: the file's name)")
    .addOption(new Option("--transport <kind>", "how the host talks to the server").choices(["stdio", "http"]).default("stdio"))
    .option("--include <patterns>", "only tools matching these globs (tool name, namespace.method or operationId; repeatable or comma list)", repeat, [])
    .option("--exclude <patterns>", "never tools matching these globs (repeatable or comma list)", repeat, [])
    .option("--read-only", "only read-only tools (GET and HEAD operations)")
    .addOption(new Option("--mode <mode>", "one tool per operation (static), search/describe/call (dynamic), or dynamic when the list is large (auto)").choices(["auto", "static", "dynamic"]).default("auto"))
    .option("--grant <id>", "the grant every call uses (a system grant); without it, each HTTP request's user (needs --issuer)")
    .option("--base-url <url>", "the provider's API base URL when it is not the catalog's (an enterprise host)")
    .addOption(new Option("--call-mode <mode>", "retrieve (the SDK calls the provider) or proxy (the vault does; needed for approvals)").choices(["retrieve", "proxy"]))
    .option("--max-answer-chars <n>", "characters of one answer the model reads at most; a longer one is cut with a note (default 100000)")
    .option("--host <address>", "HTTP: the address to listen on (other than loopback needs --issuer)", "127.0.0.1")
    .option("--port <n>", "HTTP: the port (0 picks a free one)", "7430")
    .option("--path <path>", "HTTP: the MCP endpoint's path", "/mcp")
    .option("--public-url <url>", "HTTP: the endpoint's URL as clients reach it (behind a proxy); tokens must name it as their audience")
    .option("--issuer <url>", "HTTP: require bearer tokens from this IDP (the vault's); each request then runs as the token's user")
    .option("--catalog <dir>", "the specs folder holding providers.yaml (default: the one alter-gen ships)")
    .addHelpText(
      "after",
      "\nThe vault is reached with ALTER_API_KEY (and ALTER_BASE_URL when it is not http://127.0.0.1:7420).\n" +
        "Per-user HTTP: run `alter-gen vault idp set --audience <the printed URL>` so the vault accepts tokens bound to this server.",
    );
}

export async function runMcp(flags: McpFlags, io: CommandIO, stopped: (transport: "stdio" | "http") => Promise<unknown>): Promise<void> {
  const chosen = ([["--provider", flags.provider], ["--tools", flags.tools], ["--spec", flags.spec]] as const).filter(([, v]) => v !== undefined).map(([flag]) => flag);
  if (chosen.length > 1) throw new InputError(`pass one of --provider, --tools and --spec (got ${chosen.join(" and ")})`, { flag: chosen[1]! });
  if (flags.name !== undefined && flags.spec === undefined) throw new InputError("--name names the provider of a --spec document", { flag: "--name" });
  if (flags.spec !== undefined) {
    const generated = await toolsFromSpec(flags.spec, flags.name, io.cwd);
    try {
      return await serve(generated.table, flags, io, stopped);
    } finally {
      await generated.dispose();
    }
  }
  return serve(await loadTools(flags, io.cwd), flags, io, stopped);
}

async function serve(table: ToolsTable, flags: McpFlags, io: CommandIO, stopped: (transport: "stdio" | "http") => Promise<unknown>): Promise<void> {
  for (const [flag, patterns] of [["--include", flags.include], ["--exclude", flags.exclude]] as const) {
    const unmatched = unmatchedPatterns([table], patterns);
    if (unmatched.length) throw new InputError(`${unmatched.map((p) => JSON.stringify(p)).join(", ")} matches no tool of ${table.provider.name}`, { flag });
  }
  if (flags.transport === "stdio" && !flags.grant) {
    throw new InputError("stdio has no signed-in user: pass the grant the server acts with (a system grant id)", { flag: "--grant" });
  }
  if (flags.transport === "http" && !flags.grant && !flags.issuer) {
    throw new InputError("an HTTP server needs either --issuer (each request's user) or --grant (one grant for every call)", { flag: "--issuer" });
  }
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`${JSON.stringify(flags.port)} is not a port number`, { flag: "--port" });
  const maxAnswerChars = flags.maxAnswerChars === undefined ? undefined : Number(flags.maxAnswerChars);
  if (maxAnswerChars !== undefined && !(Number.isInteger(maxAnswerChars) && maxAnswerChars >= 100)) {
    throw new InputError(`${JSON.stringify(flags.maxAnswerChars)} is not a number of characters of at least 100`, { flag: "--max-answer-chars" });
  }
  const vault = new AlterVault({ caller: `alter-gen mcp ${table.provider.id}`, callerType: "agent" });
  try {
    const server = createMcpServer({
      vault,
      tools: table,
      mode: flags.mode,
      include: flags.include,
      exclude: flags.exclude,
      readOnly: flags.readOnly === true,
      ...(flags.grant ? { grant: flags.grant } : {}),
      ...(flags.callMode ? { callMode: flags.callMode } : {}),
      ...(flags.baseUrl ? { clientDefaults: { baseUrl: flags.baseUrl } } : {}),
      ...(maxAnswerChars !== undefined ? { maxAnswerChars } : {}),
    });
    io.stderr(`alter-gen mcp: ${table.provider.name}, ${server.modeChoice.reason}.\n`);
    if (flags.transport === "stdio") {
      const handle = serveMcpStdio(server);
      await stopped("stdio");
      await handle.close();
      return;
    }
    const http = await serveMcpHttp({
      server,
      host: flags.host,
      port,
      path: flags.path,
      ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
      ...(flags.issuer ? { auth: { issuer: flags.issuer } } : {}),
    });
    io.stderr(`alter-gen mcp: listening at ${http.url}${flags.issuer ? ` (bearer tokens from ${flags.issuer} whose audience is this URL)` : ` (every call uses grant ${flags.grant})`}.\n`);
    await stopped("http");
    await http.close();
  } catch (e) {
    if (e instanceof AlterValueError) throw new InputError(e.message);
    throw e;
  } finally {
    await vault.close();
  }
}

async function loadTools(flags: McpFlags, cwd: string): Promise<ToolsTable> {
  let file: string;
  if (flags.tools) file = path.resolve(cwd, flags.tools);
  else if (flags.provider) {
    const catalog = await loadCatalog(flags.catalog ? path.resolve(cwd, flags.catalog) : undefined);
    const id = findProvider(catalog, flags.provider).id;
    // generated/ ships in the alter-gen package, beside this program's own package in a project.
    file = fileURLToPath(new URL(`generated/${id}/tools.js`, new URL(".", import.meta.resolve("alter-gen/package.json"))));
  } else throw new InputError("which provider? pass --provider <id> (a catalog provider), --spec <file> (an OpenAPI document) or --tools <file>", { flag: "--provider" });
  let mod: { tools?: ToolsTable };
  try {
    mod = (await import(pathToFileURL(file).href)) as { tools?: ToolsTable };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "ERR_MODULE_NOT_FOUND" ? "there is no such file" : `it could not be loaded (${code ?? (e as Error).name})`;
    throw new InputError(`no tools table at ${file}: ${why}. Generate the client with its tools table first (alter-gen --provider <id>).`, { flag: flags.tools ? "--tools" : "--provider" });
  }
  const tools = mod.tools;
  if (!tools || !Array.isArray(tools.definitions) || typeof tools.provider !== "object") {
    throw new InputError(`${file} does not export a tools table (export const tools = { provider, operations, definitions })`, { flag: flags.tools ? "--tools" : "--provider" });
  }
  return tools;
}
