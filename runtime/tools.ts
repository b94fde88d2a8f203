// The seam between generated tools tables and whatever offers them to a model (alter-gen/mcp,
// the agent-framework adapters, an application's own loop). A generated `tools.js` holds data
// that satisfies these types; calling a tool is runtime behaviour (tools-call.ts). Types only,
// nothing here runs. See docs/architecture.md, "The generated client" (tools.js).
import type { AbortSignalLike, CallMode, ClientDefaults, GrantRef, OperationSpec, OperationTable, ProviderSpec } from "./operation.js";

/**
 * A JSON Schema (the keywords of draft 2020-12 that draft-07 shares: no `$ref`, `$defs` or
 * `prefixItems`; component refs are inlined up to a size budget). Declared structurally so that
 * no JSON Schema library's types are needed to read it.
 */
export interface JsonSchema {
  readonly type?: JsonSchemaType | readonly JsonSchemaType[];
  readonly description?: string;
  readonly [keyword: string]: unknown;
}

export type JsonSchemaType = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";

/**
 * A tool's input: always an object at the root, with no `oneOf`/`anyOf`/`allOf`/`$ref` there
 * (model APIs refuse them). Its properties are the method's params by the names the generated
 * method uses (path, query, header and cookie parameters), and the request body under `body`;
 * read-only properties are dropped. `additionalProperties` is `false`: a name the model invents is
 * refused before any network call.
 */
export interface ToolInputSchema {
  readonly type: "object";
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties: false;
}

/**
 * What a successful call answers, present only when the answer is a JSON object (MCP wants an
 * object at the root). Descriptive rather than strict: no property is `required` (providers
 * leave fields out that their documents promise) and write-only properties are dropped.
 */
export interface ToolOutputSchema {
  readonly type: "object";
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly description?: string;
  readonly [keyword: string]: unknown;
}

/**
 * MCP tool annotations (hints to a host, never a security boundary: the vault's policy is).
 * Derived from the HTTP method unless the document's `x-alter-tool` or the catalog says otherwise.
 */
export interface ToolAnnotations {
  /** The call changes nothing at the provider (GET, HEAD). */
  readonly readOnlyHint: boolean;
  /** The call may delete or overwrite data (DELETE). Meaningful only when not read-only. */
  readonly destructiveHint: boolean;
  /** Calling again with the same input has no further effect (GET, HEAD, PUT, DELETE). */
  readonly idempotentHint: boolean;
  /** The call reaches a third-party service: always `true` for provider operations. */
  readonly openWorldHint: boolean;
}

/** Which generated method a tool calls: `client[namespace][method]`, table entry `operations[namespace][method]`. */
export interface ToolOperationRef {
  /** The document's operationId (what the vault's audit row names as `operation_id`). */
  readonly id: string;
  /** Property of the client object, e.g. `repos`. */
  readonly namespace: string;
  /** Method name inside the namespace, e.g. `listForOrg`. */
  readonly method: string;
}

/** One provider operation offered to a model. */
export interface ToolDefinition {
  /**
   * Valid for the major model APIs (`^[a-zA-Z0-9_-]{1,64}$`) and unique in its table:
   * `<namespace>_<method>` in snake_case (`repos_list_for_org`); a longer name is cut and given
   * an 8-hex-digit hash of the full name, so it stays the same while the operation does.
   */
  readonly name: string;
  /** A short human title (the operation's summary), for a host's user interface. */
  readonly title?: string;
  /** For the model: summary, the description trimmed, `Deprecated.` when it is, the docs link. */
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  readonly outputSchema?: ToolOutputSchema;
  readonly annotations: ToolAnnotations;
  readonly operation: ToolOperationRef;
}

/** A provider's generated tools (`generated/<id>/tools.js`, export `tools`). */
export interface ToolsTable {
  readonly provider: ProviderSpec;
  /** The client's operation tables by namespace, so a tool can be called with only a vault. */
  readonly operations: Readonly<Record<string, OperationTable>>;
  /** In namespace, then method order. */
  readonly definitions: readonly ToolDefinition[];
}

/** The framework's identifiers of one tool call; every one goes into the audit row of the provider call. */
export interface ToolCallContext {
  /** The model's id of this tool call (MCP request id, OpenAI `tool_call_id`, LangChain `toolCall.id`). */
  toolCallId?: string;
  /** One agent run. */
  runId?: string;
  /** One conversation. */
  threadId?: string;
  /**
   * The name the model saw, when the host renamed the tool (a provider prefix);
   * @default the definition's `name`
   */
  toolName?: string;
}

/** How `callTool` makes the call. */
export interface ToolCallOptions {
  /**
   * Whose credential: a grant id, or `asUser()` for the signed-in end user's grant (resolved by the
   * vault from the user token in scope, e.g. `vault.withUserToken`).
   * @default asUser()
   */
  grant?: GrantRef;
  context?: ToolCallContext;
  /** Audit reason for this call. */
  reason?: string;
  signal?: AbortSignalLike;
  /** Per-call time limit in milliseconds. */
  timeoutMs?: number;
  mode?: CallMode;
  /**
   * Client options (base URL, mode, reason) when `callTool` is given the vault rather than a
   * client; ignored with a client, whose own defaults apply.
   */
  defaults?: ClientDefaults;
}

/** A tool call's answer: the provider's decoded body and what a framework may show beside it. */
export interface ToolCallResult<R = unknown> {
  data: R;
  status: number;
  requestId: string | undefined;
  /** The answer's Content-Type, when the provider sent one (how an agent adapter describes bytes). */
  contentType?: string;
  /** The operation the call made (for a framework's own log line). */
  operation: ToolOperationRef & Pick<OperationSpec, "method" | "path">;
}
