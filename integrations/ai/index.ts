// alter-gen/ai: a generated tools table (generated/<id>/tools.js) as Vercel AI SDK tools, the
// record `generateText({ tools })` and `streamText({ tools })` take. Each tool calls its operation
// through callTool with the SDK's tool call id (and the run and thread ids given here) in the
// vault's audit row, and returns what the model reads as integrations/shared/model-answer.ts words
// it (JSON as JSON; text; binary described by size and media type; long answers cut). Whose credential: the grant option (default `asUser()`, the user token in
// scope: run each request inside `vault.withUserToken(token, …)` and concurrent requests keep
// their own users).
//
// A failed call is thrown as AiToolError, whose message is written for the model (what went
// wrong and what to do: the connect link, the approval id and the tool that waits for it, the
// provider's status): the SDK turns a thrown error into a tool-error result the model reads on
// its next step. The wording is alter-gen/mcp's rule table (FAILURE_RULES), so both surfaces tell
// a model the same thing. No message carries a secret (the runtime's errors never do).
//
// `ai` is an optional peer dependency (majors 5 and 6; 7 needs Node 22): only an import of
// alter-gen/ai loads it. Tools are made with the SDK's dynamicTool() (its schema is known at run
// time, as the SDK's own MCP tools are) and jsonSchema().
import { dynamicTool, jsonSchema, type Tool } from "ai";
import { AlterSDKError, AlterVault, asUser, callTool } from "../../runtime/index.js";
import type { CallMode, ClientDefaults, GrantRef, ToolCallContext, ToolDefinition, ToolsTable } from "../../runtime/index.js";
import { failureAnswer, type FailureContext } from "../mcp/outcome.js";
import { answerLimit, modelAnswer, type ModelAnswerOptions } from "../shared/model-answer.js";

export interface AiSdkToolsOptions {
  /**
   * Whose credential each call uses: a grant id, `asUser()`, or a function of the call.
   * @default asUser()
   */
  grant?: GrantRef | ((call: AiToolCallInfo) => GrantRef);
  /** Only these tools (names from the table, or a test on each definition). @default every tool */
  include?: readonly string[] | ((tool: ToolDefinition) => boolean);
  /** Put before every tool name (`slack_`), for agents that combine providers; names stay within 64 characters. */
  prefix?: string;
  /** Client options when `client` is the AlterVault itself (base URL, mode). */
  defaults?: ClientDefaults;
  /** Retrieve or proxy mode for provider calls; approval-gated grants need proxy. */
  callMode?: CallMode;
  /** Audit reason of every call. */
  reason?: string;
  /** The agent run these tools serve (audit `run_id`). */
  runId?: string;
  /** The conversation (audit `thread_id`). */
  threadId?: string;
  /**
   * The vault for connect links (a missing grant) and approvals, when `client` is a generated
   * client; with the vault as `client` it is that one.
   */
  vault?: AlterVault;
  /**
   * Add `await_approval` (prefixed like the others), which waits for a person's decision on an
   * approval-gated call and returns its result. Needs a vault. @default true when a vault is known
   */
  approvalTool?: boolean;
  /** How long await_approval waits at most, in milliseconds. @default 120000 */
  approvalWaitMs?: number;
  /**
   * Characters of one answer the model reads at most; a longer text or JSON answer is cut with a
   * note saying so. Binary answers are described by size and media type. @default 100000
   */
  maxAnswerChars?: number;
}

/** What a grant function is told about the call. */
export interface AiToolCallInfo {
  toolName: string;
  toolCallId: string;
  /** The SDK's `experimental_context` of generateText/streamText. */
  context: unknown;
}

/** A tool call that failed, thrown to the SDK: `message` is what the model reads. */
export class AiToolError extends Error {
  override readonly name = "AiToolError";
  /** The runtime error's code (`grant_not_found`, `approval_required`, `provider_error`, …). */
  readonly code: string;
  /** Non-secret facts: status, request id, connectUrl, approvalId, … */
  readonly details: Readonly<Record<string, unknown>>;
  constructor(message: string, details: Record<string, unknown>, cause: unknown) {
    super(message, { cause });
    this.code = typeof details.code === "string" ? details.code : "internal_error";
    this.details = details;
  }
}

export const AWAIT_APPROVAL_TOOL = "await_approval";
const MAX_NAME = 64;

/** The SDK's tool execute options, as both majors pass them. */
interface ExecuteOptions {
  toolCallId: string;
  abortSignal?: AbortSignal;
  experimental_context?: unknown;
}

/**
 * AI SDK tools for `table`'s operations, calling through `client`: the generated client (its
 * defaults apply) or the AlterVault. Keys are the tool names the model sees.
 */
export function toAiSdkTools(client: AlterVault | object, table: ToolsTable, options: AiSdkToolsOptions = {}): Record<string, Tool> {
  const vault = client instanceof AlterVault ? client : options.vault;
  const include = options.include;
  const keep = typeof include === "function" ? include : include ? (d: ToolDefinition) => include.includes(d.name) : () => true;
  const nameOf = (name: string) => `${options.prefix ?? ""}${name}`.slice(0, MAX_NAME);
  // The tool the failure text points a gated call at, when there is one.
  const awaitName = vault && options.approvalTool !== false ? nameOf(AWAIT_APPROVAL_TOOL) : undefined;
  const maxChars = answerLimit(options.maxAnswerChars, "toAiSdkTools: maxAnswerChars");
  const tools: Record<string, Tool> = {};
  for (const def of table.definitions.filter(keep)) {
    const name = nameOf(def.name);
    tools[name] = dynamicTool({
      description: def.description,
      inputSchema: jsonSchema(def.inputSchema as never),
      execute: async (input: unknown, call: ExecuteOptions) => {
        const info = { toolName: name, toolCallId: call.toolCallId, context: call.experimental_context };
        const grant = typeof options.grant === "function" ? options.grant(info) : (options.grant ?? asUser());
        try {
          const result = await callTool(client, table, def.name, input, {
            grant,
            context: contextOf(name, call.toolCallId, options),
            ...(options.defaults ? { defaults: options.defaults } : {}),
            ...(options.callMode ? { mode: options.callMode } : {}),
            ...(options.reason ? { reason: options.reason } : {}),
            ...(call.abortSignal ? { signal: call.abortSignal } : {}),
          });
          return toolOutput(result.data, { contentType: result.contentType, maxChars });
        } catch (error) {
          throw await toolError(error, call, failureContext(table, grant, vault, awaitName));
        }
      },
    }) as Tool;
  }
  if (vault && awaitName) tools[awaitName] = approvalTool(vault, table, options.approvalWaitMs ?? 120_000, awaitName, maxChars);
  return tools;
}

/** The audit identifiers of one call. */
function contextOf(toolName: string, toolCallId: string | undefined, options: AiSdkToolsOptions): ToolCallContext {
  const ctx: ToolCallContext = { toolName };
  if (toolCallId) ctx.toolCallId = toolCallId;
  if (options.runId) ctx.runId = options.runId;
  if (options.threadId) ctx.threadId = options.threadId;
  return ctx;
}

/**
 * What execute returns, which the SDK hands the model: the JSON value itself when it is whole
 * JSON (the SDK sends it as a json output), else the shared rule's text (binary described, a long
 * answer cut, an empty one said so).
 */
function toolOutput(data: unknown, options: ModelAnswerOptions): unknown {
  const seen = modelAnswer(data, options);
  return seen.kind === "json" && !seen.cut ? seen.json : seen.text;
}

function approvalTool(vault: AlterVault, table: ToolsTable, waitMs: number, name: string, maxChars: number): Tool {
  const maxSeconds = Math.ceil(waitMs / 1000);
  return dynamicTool({
    description: "Wait for a person to approve or deny a call that needed approval, then return that call's result.",
    inputSchema: jsonSchema({
      type: "object",
      properties: {
        approvalId: { type: "string", minLength: 1, description: "The approval id a tool call answered with" },
        timeoutSeconds: { type: "integer", minimum: 1, maximum: maxSeconds, description: "How long to wait at most" },
      },
      required: ["approvalId"],
      additionalProperties: false,
    }),
    execute: async (input: unknown, call: ExecuteOptions) => {
      const { approvalId, timeoutSeconds } = (input ?? {}) as { approvalId?: unknown; timeoutSeconds?: unknown };
      try {
        if (typeof approvalId !== "string" || approvalId === "") throw new AiToolError(`${name} needs "approvalId": the approval id a tool call answered with.`, { code: "invalid_input" }, undefined);
        const seconds = typeof timeoutSeconds === "number" && timeoutSeconds > 0 ? Math.min(timeoutSeconds, maxSeconds) : maxSeconds;
        const data = await vault.awaitApproval(approvalId, { timeoutMs: seconds * 1000, pollIntervalMs: 1_000, ...(call.abortSignal ? { signal: call.abortSignal } : {}) });
        return toolOutput(data, { maxChars });
      } catch (error) {
        if (error instanceof AiToolError) throw error;
        throw await toolError(error, call, failureContext(table, asUser(), vault, name));
      }
    },
  }) as Tool;
}

/** How a missing grant, an approval or a provider's refusal reads to the model (mcp/outcome.ts). */
function failureContext(table: ToolsTable, grant: GrantRef, vault: AlterVault | undefined, awaitTool: string | undefined): FailureContext {
  return {
    provider: { id: table.provider.id, name: table.provider.name },
    awaitTool,
    connectUrl: async () => {
      if (typeof grant === "string") return { unavailable: `these tools use the grant ${grant}, which the vault does not offer to them` };
      if (!vault) return { unavailable: "these tools were given no vault to make a connect link with" };
      try {
        // Inside the caller's withUserToken scope: the session is the signed-in user's.
        const session = await vault.createConnectSession({ providers: [table.provider.id] });
        return { url: session.connectUrl };
      } catch (e) {
        return { unavailable: e instanceof AlterSDKError ? e.code : "connect sessions unavailable" };
      }
    },
  };
}

/** The error to throw to the SDK: AiToolError with the model's text, or the abort as it came. */
async function toolError(error: unknown, call: ExecuteOptions, ctx: FailureContext): Promise<unknown> {
  // An aborted run is the SDK's business, not the model's.
  if (call.abortSignal?.aborted) return error;
  const { answer } = await failureAnswer(error, ctx);
  const details = (answer._meta?.["alter-gen/error"] ?? {}) as Record<string, unknown>;
  return new AiToolError(answer.content[0]?.text ?? "The call failed.", details, error);
}
