// alter-gen/langchain: a generated tools table (generated/<id>/tools.js) as LangChain.js tools.
// Each tool validates the model's input against the table's JSON Schema (LangChain's own check),
// then calls the operation through callTool; the model reads the answer as
// integrations/shared/model-answer.ts words it (binary described, long answers cut) and the
// artifact keeps the whole result, with the tool call id, the thread id and the run id
// taken from the runnable config into the vault's audit row. Whose credential: the grant option
// (default `asUser()`, the user token in scope: run each agent run inside
// `vault.withUserToken(token, …)` and concurrent runs keep their own users). Never put a user
// token into `configurable`: LangChain copies configurable values into traced metadata.
//
// @langchain/core is an optional peer dependency: only an import of alter-gen/langchain loads it.
import { DynamicStructuredTool, type ToolRunnableConfig } from "@langchain/core/tools";
import { ToolMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { AlterSDKError, ProviderAPIError, asUser, callTool } from "../../runtime/index.js";
import { answerLimit, modelAnswer } from "../shared/model-answer.js";
import type { AlterVault, ClientDefaults, GrantRef, ToolCallContext, ToolCallResult, ToolDefinition, ToolsTable } from "../../runtime/index.js";

export interface LangChainToolsOptions {
  /**
   * Whose credential each call uses: a grant id, `asUser()`, or a function of the runnable config.
   * @default asUser()
   */
  grant?: GrantRef | ((config: RunnableConfig) => GrantRef);
  /** Only these tools (names from the table, or a test on each definition). @default every tool */
  include?: readonly string[] | ((tool: ToolDefinition) => boolean);
  /** Put before every tool name (`slack_`), for agents that combine providers; names stay within 64 characters. */
  prefix?: string;
  /** Client options when `client` is the AlterVault itself (base URL, mode). */
  defaults?: ClientDefaults;
  /** Audit reason of every call. */
  reason?: string;
  /**
   * Characters of one answer the model reads at most; a longer text or JSON answer is cut with a
   * note saying so. Binary answers are described by size and media type (the artifact keeps the
   * bytes). @default 100000
   */
  maxAnswerChars?: number;
}

/** What a tool call answers the model (content) and keeps for the application (artifact). */
export type LangChainToolArtifact = ToolCallResult;

const MAX_NAME = 64;

/** The audit identifiers of one LangChain tool call, from its runnable config. */
export function contextFromConfig(config: ToolRunnableConfig | undefined, toolName: string): ToolCallContext {
  const configurable = (config?.configurable ?? {}) as Record<string, unknown>;
  const metadata = (config?.metadata ?? {}) as Record<string, unknown>;
  const text = (...values: unknown[]) => values.find((v): v is string => typeof v === "string" && v !== "");
  const ctx: ToolCallContext = { toolName };
  const toolCallId = text(config?.toolCall?.id);
  const threadId = text(configurable.thread_id, metadata.thread_id);
  const runId = text(configurable.run_id, metadata.run_id, config?.runId);
  if (toolCallId) ctx.toolCallId = toolCallId;
  if (threadId) ctx.threadId = threadId;
  if (runId) ctx.runId = runId;
  return ctx;
}

/** An error the model can act on (bad input, a provider's refusal, a missing grant), as text without secrets. */
function errorText(err: AlterSDKError): string {
  const status = err instanceof ProviderAPIError ? ` (HTTP ${err.status})` : "";
  return `Error ${err.code}${status}: ${err.message}`;
}

/**
 * LangChain tools for `table`'s operations, calling through `client`: the generated client (its
 * defaults apply) or the AlterVault.
 */
export function toLangChainTools(client: AlterVault | object, table: ToolsTable, options: LangChainToolsOptions = {}): DynamicStructuredTool[] {
  const include = options.include;
  const keep = typeof include === "function" ? include : include ? (d: ToolDefinition) => include.includes(d.name) : () => true;
  const maxChars = answerLimit(options.maxAnswerChars, "toLangChainTools: maxAnswerChars");
  return table.definitions.filter(keep).map((def) => {
    const name = `${options.prefix ?? ""}${def.name}`.slice(0, MAX_NAME);
    return new DynamicStructuredTool({
      name,
      description: def.description,
      schema: def.inputSchema as unknown as Record<string, unknown>,
      responseFormat: "content_and_artifact",
      func: async (input: unknown, _runManager?: unknown, config?: ToolRunnableConfig) => {
        const grant = typeof options.grant === "function" ? options.grant(config ?? {}) : (options.grant ?? asUser());
        try {
          const result = await callTool(client, table, def.name, input, {
            grant,
            context: contextFromConfig(config, name),
            ...(options.defaults ? { defaults: options.defaults } : {}),
            ...(options.reason ? { reason: options.reason } : {}),
            ...(config?.signal ? { signal: config.signal } : {}),
          });
          // The model reads the shared rule's text; the application keeps the whole answer.
          return [modelAnswer(result.data, { contentType: result.contentType, maxChars }).text, result] as [string, LangChainToolArtifact];
        } catch (err) {
          // Inside a tool call the model hears what went wrong and may correct itself; called
          // directly (no tool call), the error is the caller's.
          if (!(err instanceof AlterSDKError) || !config?.toolCall?.id) throw err;
          // A ToolMessage as the content is passed through as is (LangChain's direct tool output).
          return [new ToolMessage({ content: errorText(err), tool_call_id: config.toolCall.id, name, status: "error" }), undefined] as unknown as [string, LangChainToolArtifact];
        }
      },
    });
  });
}
