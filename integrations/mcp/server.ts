// createMcpServer: a generated client's tools offered over MCP. One object holds what every
// connection shares (the chosen tools, the mode, the search index); `createServer()` makes the
// MCP SDK's low-level Server for one HTTP request or one stdio connection. Each call runs under
// the request's user token (HTTP) or the configured grant, with the MCP call's identifiers in the
// audit row.
import { randomUUID } from "node:crypto";
import type { Server } from "@modelcontextprotocol/server";
import { AlterValueError, asUser, callTool, SDK_VERSION, type AlterVault, type CallMode, type ClientDefaults, type GrantRef, type ToolsTable } from "../../runtime/index.js";
import { CALL_TOOL, DESCRIBE_LIMIT, DESCRIBE_TOOL, SEARCH_TOOL, describeTool, dynamicTools, indexTools, searchTools, type Indexed } from "./dynamic.js";
import { chooseMode, type ModeChoice, type ToolMode } from "./mode.js";
import { staticTool, type McpTool } from "./listing.js";
import { failureAnswer, type ToolAnswer } from "./outcome.js";
import { selectTools, type OfferedTool, type ToolSelection } from "./selection.js";
import { inputProblems } from "./validate.js";
import { declaredOutputSchema, type McpOutputSchema } from "./output.js";
import { successAnswer } from "./answer.js";
import { sdkServerFactory } from "./sdk-server.js";
import { answerLimit } from "../shared/model-answer.js";

export const AWAIT_APPROVAL_TOOL = "await_approval";

export interface CreateMcpServerOptions extends ToolSelection {
  /** The vault every call goes through (its API key needs the `call` scope; `provision` too for connect links). */
  vault: AlterVault;
  /** One or more generated tools tables (`import { tools } from "<client>/tools.js"`). */
  tools: ToolsTable | readonly ToolsTable[];
  /**
   * One MCP tool per operation (`static`), three tools to search, describe and call them
   * (`dynamic`), or `auto`: dynamic when the static list would be large (mode.ts).
   * @default "auto"
   */
  mode?: ToolMode;
  /**
   * Whose credential the calls use: a grant id (a system grant, for a server with no signed-in
   * user), one per provider id, or `asUser()`: the user of the request's bearer token (HTTP) or
   * of the vault's own token sources.
   * @default asUser()
   */
  grant?: GrantRef | Readonly<Record<string, GrantRef>>;
  /** Retrieve or proxy mode for provider calls; approval-gated grants need proxy. @default the client default (retrieve) */
  callMode?: CallMode;
  /** Client options of every call, e.g. `baseUrl` for a provider served elsewhere (an enterprise host, a stand-in). */
  clientDefaults?: ClientDefaults;
  /** Audit reason of every call. @default "mcp tool call" */
  reason?: string;
  /** The server's name in the MCP handshake. @default "alter-gen-<provider ids>" */
  name?: string;
  /** How long await_approval waits at most, in milliseconds. @default 120000 */
  approvalWaitMs?: number;
  /**
   * Static mode: declare each tool's output schema (its top level, loosened so that every answer
   * fits; output.ts) and answer with structuredContent beside the text. @default true
   */
  outputSchemas?: boolean;
  /**
   * Characters of one answer the model reads at most; a longer text or JSON answer is cut with a
   * note saying so (integrations/shared/model-answer.ts). @default 100000
   */
  maxAnswerChars?: number;
}

/** What one incoming tool call brings besides its name and arguments. */
export interface ToolCallRequest {
  /** The end user's bearer token of the HTTP request; undefined over stdio. */
  userToken?: string;
  /** The request's `_meta`: `toolCallId`, `runId` and `threadId` are read from it when the host sends them. */
  meta?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface AlterMcpServer {
  readonly mode: "static" | "dynamic";
  /** Which mode and why, in one sentence (the CLI prints it; the handshake's instructions say it). */
  readonly modeChoice: ModeChoice;
  /** The operations offered (directly in static mode, through call_operation in dynamic mode). */
  readonly operations: readonly OfferedTool[];
  /** tools/list's answer. */
  listTools(): McpTool[];
  /** Runs one tools/call; never throws (failures are tool results with isError). */
  callTool(name: string, args: unknown, request?: ToolCallRequest): Promise<ToolAnswer>;
  /** A new MCP SDK Server answering tools/list and tools/call: one per HTTP request or stdio connection. */
  createServer(): Server;
}

export type { McpTool } from "./listing.js";

export function createMcpServer(options: CreateMcpServerOptions): AlterMcpServer {
  const tables = Array.isArray(options.tools) ? (options.tools as readonly ToolsTable[]) : [options.tools as ToolsTable];
  if (!options.vault || typeof options.vault.withUserToken !== "function") throw new AlterValueError("createMcpServer needs `vault`: an AlterVault");
  const operations = selectTools(tables, options);
  if (operations.length === 0) throw new AlterValueError("createMcpServer: no tool is left after include/exclude/readOnly; widen the selection");
  const modeChoice = chooseMode(operations, options.mode, { outputSchemas: options.outputSchemas !== false });
  const byName = new Map(operations.map((t) => [t.name, t]));
  const providerNames = [...new Set(tables.map((t) => t.provider.name))].join(" and ");
  let index: Indexed[] | undefined;
  const approvalWaitMs = options.approvalWaitMs ?? 120_000;
  const maxChars = answerLimit(options.maxAnswerChars, "createMcpServer: maxAnswerChars");
  // Only tools/list's own tools declare one: call_operation answers for any operation.
  const outputSchemaOf = (tool: OfferedTool) => (modeChoice.mode === "static" && options.outputSchemas !== false ? declaredOutputSchema(tool.definition) : undefined);

  const awaitTool: McpTool = {
    name: AWAIT_APPROVAL_TOOL,
    title: "Wait for an approval",
    description: "Wait for a person to approve or deny a call that needed approval, then return that call's result.",
    inputSchema: {
      type: "object",
      properties: {
        approvalId: { type: "string", minLength: 1, description: "The approval id a tool call answered with" },
        timeoutSeconds: { type: "integer", minimum: 1, maximum: Math.ceil(approvalWaitMs / 1000), description: "How long to wait at most" },
      },
      required: ["approvalId"],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  };
  const listed: McpTool[] =
    modeChoice.mode === "static"
      ? operations.map((t) => staticTool(t, options.outputSchemas !== false))
      : dynamicTools(providerNames);
  listed.push(awaitTool);

  const grantFor = (table: ToolsTable): GrantRef => {
    const g = options.grant;
    if (g === undefined) return asUser();
    if (typeof g === "string" || (typeof g === "object" && (g as { type?: unknown }).type === "identity")) return g as GrantRef;
    return (g as Record<string, GrantRef>)[table.provider.id] ?? asUser();
  };

  async function runOperation(tool: OfferedTool, args: unknown, req: ToolCallRequest, ids: CallIds): Promise<ToolAnswer> {
    const problems = inputProblems(tool.definition, args ?? {});
    if (problems.length > 0) return invalid(`Invalid input for ${tool.name}: ${problems.join("; ")}.`);
    const grant = grantFor(tool.table);
    try {
      const result = await callTool(options.vault, tool.table, tool.definition.name, args ?? {}, {
        grant,
        context: { toolCallId: ids.toolCallId, toolName: tool.name, ...(ids.runId ? { runId: ids.runId } : {}), ...(ids.threadId ? { threadId: ids.threadId } : {}) },
        reason: options.reason ?? "mcp tool call",
        ...(options.callMode ? { mode: options.callMode } : {}),
        ...(options.clientDefaults ? { defaults: options.clientDefaults } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      return successAnswer(result.data, { status: result.status, requestId: result.requestId, operationId: tool.definition.operation.id, toolCallId: ids.toolCallId }, outputSchemaOf(tool), { contentType: result.contentType, maxChars });
    } catch (error) {
      return (await failureAnswer(error, failureContext(tool.table, grant))).answer;
    }
  }

  function failureContext(table: ToolsTable, grant: GrantRef) {
    return {
      provider: { id: table.provider.id, name: table.provider.name },
      awaitTool: AWAIT_APPROVAL_TOOL,
      connectUrl: async () => {
        if (typeof grant === "string") return { unavailable: `this server uses the grant ${grant}, which the vault does not offer to it` };
        try {
          const session = await options.vault.createConnectSession({ providers: [table.provider.id] });
          return { url: session.connectUrl };
        } catch (e) {
          return { unavailable: e instanceof Error && "code" in e ? String((e as { code: unknown }).code) : "connect sessions unavailable" };
        }
      },
    };
  }

  async function awaitApproval(args: unknown, req: ToolCallRequest, ids: CallIds): Promise<ToolAnswer> {
    const problems = inputProblems(awaitToolDefinition, args ?? {});
    if (problems.length > 0) return invalid(`Invalid input for ${AWAIT_APPROVAL_TOOL}: ${problems.join("; ")}.`);
    const { approvalId, timeoutSeconds } = args as { approvalId: string; timeoutSeconds?: number };
    try {
      const data = await options.vault.awaitApproval(approvalId, { timeoutMs: (timeoutSeconds ?? approvalWaitMs / 1000) * 1000, pollIntervalMs: 1_000, ...(req.signal ? { signal: req.signal } : {}) });
      return successAnswer(data, { approvalId, toolCallId: ids.toolCallId }, undefined, { maxChars });
    } catch (error) {
      return (await failureAnswer(error, failureContext(tables[0]!, asUser()))).answer;
    }
  }
  const awaitToolDefinition = { name: AWAIT_APPROVAL_TOOL, inputSchema: awaitTool.inputSchema } as unknown as OfferedTool["definition"];

  function dynamicCall(name: string, args: unknown, req: ToolCallRequest, ids: CallIds): Promise<ToolAnswer> | ToolAnswer {
    const input = (args ?? {}) as Record<string, unknown>;
    if (name === SEARCH_TOOL) {
      if (typeof input.query !== "string" || input.query.trim() === "") return invalid(`${SEARCH_TOOL} needs "query": keywords to look for.`);
      const limit = typeof input.limit === "number" ? input.limit : undefined;
      index ??= indexTools(operations);
      const hits = searchTools(index, input.query, limit);
      return json({ results: hits, total: operations.length });
    }
    if (name === DESCRIBE_TOOL) {
      const names = input.names;
      if (!Array.isArray(names) || names.length === 0 || names.length > DESCRIBE_LIMIT || !names.every((n) => typeof n === "string")) {
        return invalid(`${DESCRIBE_TOOL} needs "names": 1 to ${DESCRIBE_LIMIT} operation names from ${SEARCH_TOOL}.`);
      }
      const unknown = names.filter((n) => !byName.has(n));
      if (unknown.length > 0) return invalid(`Unknown operation${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => JSON.stringify(n)).join(", ")}; use ${SEARCH_TOOL} to find names.`);
      return json({ operations: names.map((n) => describeTool(byName.get(n)!)) });
    }
    // call_operation: the audit row names the real operation's tool, not call_operation.
    if (typeof input.name !== "string") return invalid(`${CALL_TOOL} needs "name": an operation name from ${SEARCH_TOOL}.`);
    const tool = byName.get(input.name);
    if (!tool) return invalid(`Unknown operation ${JSON.stringify(input.name)}; use ${SEARCH_TOOL} to find names.`);
    return runOperation(tool, input.input ?? {}, req, ids);
  }

  async function dispatch(name: string, args: unknown, req: ToolCallRequest): Promise<ToolAnswer> {
    const ids = callIds(req.meta);
    if (name === AWAIT_APPROVAL_TOOL) return awaitApproval(args, req, ids);
    if (modeChoice.mode === "dynamic") {
      if (name === SEARCH_TOOL || name === DESCRIBE_TOOL || name === CALL_TOOL) return dynamicCall(name, args, req, ids);
    } else {
      const tool = byName.get(name);
      if (tool) return runOperation(tool, args, req, ids);
    }
    return invalid(`Unknown tool ${JSON.stringify(name)}.`);
  }

  const newSdkServer = sdkServerFactory({
    name: options.name ?? `alter-gen-${tables.map((t) => t.provider.id).join("-")}`,
    version: SDK_VERSION,
    instructions: `${providerNames} through alter-gen (${modeChoice.reason}).`,
    tools: listed,
    callTool: (name, args, req) => server.callTool(name, args, req),
  });
  const server: AlterMcpServer = {
    mode: modeChoice.mode,
    modeChoice,
    operations,
    listTools: () => listed.map((t) => ({ ...t })),
    callTool(name, args, req = {}) {
      const run = () => dispatch(name, args, req);
      // The request's user becomes the identity of every vault call this tool call makes.
      return req.userToken ? options.vault.withUserToken(req.userToken, run) : run();
    },
    createServer: () => newSdkServer(),
  };
  return server;
}

interface CallIds {
  toolCallId: string;
  runId?: string;
  threadId?: string;
}

// A host may send its own identifiers in `_meta`; otherwise each call gets a fresh tool call id,
// so that the audit rows of one call can still be found together.
function callIds(meta: Record<string, unknown> | undefined): CallIds {
  const pick = (key: string) => {
    const v = meta?.[key] ?? meta?.[`alter-gen/${key}`];
    return typeof v === "string" && v !== "" && v.length <= 200 && !/[\x00-\x1f\x7f]/.test(v) ? v : undefined;
  };
  const ids: CallIds = { toolCallId: pick("toolCallId") ?? `mcp_${randomUUID()}` };
  const runId = pick("runId");
  const threadId = pick("threadId");
  if (runId) ids.runId = runId;
  if (threadId) ids.threadId = threadId;
  return ids;
}

/**
 * A successful call's result: the answer as text and, for a tool that declares an output schema,
 * as structuredContent too (MCP requires it on every success). An answer too large for the text
 * is not repeated in full there either: `{}` fits the declared schema.
 */
function json(value: unknown): ToolAnswer {
  return { content: [{ type: "text", text: JSON.stringify(value) }] };
}

function invalid(text: string): ToolAnswer {
  return { content: [{ type: "text", text }], isError: true, _meta: { "alter-gen/error": { code: "invalid_input" } } };
}
