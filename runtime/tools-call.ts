// Calling one tool of a generated tools table (tools.ts): find it, check the model's input
// cheaply (shape, required and unknown names, top-level types; the provider and its document
// are the full check), and call the generated method with the tool's identifiers in the audit
// context. The input *is* the method's params (same property names, the body under `body`), so
// there is no mapping table to keep in step with the client.
import { AlterValueError } from "./errors.js";
import { asUser } from "./identity.js";
import type { ApiResponse, CallOptions, ClientDefaults, GrantRef, OperationSpec } from "./operation.js";
import type { JsonSchema, ToolCallOptions, ToolCallResult, ToolDefinition, ToolsTable } from "./tools.js";
import { bindOperations } from "./client.js";
import { AlterVault } from "./vault.js";

type Callable = { withResponse(grant: GrantRef, params?: Record<string, unknown>, options?: CallOptions): Promise<ApiResponse<unknown>> };
type ClientLike = Readonly<Record<string, unknown>>;

const byName = new WeakMap<ToolsTable, Map<string, ToolDefinition>>();
/**
 * Namespaces bound to a vault, per table and per client defaults (by value: the adapters and
 * callers often build `{ baseUrl }` afresh for each call), then per namespace. bindOperations
 * caches each method it makes, so a repeated call reuses the method, not only the namespace.
 */
const bound = new WeakMap<AlterVault, WeakMap<ToolsTable, Map<string, Map<string, ClientLike>>>>();
/** Distinct client defaults kept per vault and table; more (a per-call value) evicts the oldest. */
export const BOUND_DEFAULTS_LIMIT = 16;

/** The definition named `name`, or undefined. */
export function findTool(table: ToolsTable, name: string): ToolDefinition | undefined {
  let index = byName.get(table);
  if (!index) {
    index = new Map(table.definitions.map((d) => [d.name, d]));
    byName.set(table, index);
  }
  return index.get(name);
}

/** The operation table entry a tool calls (method, path, params, body). */
export function toolOperation(table: ToolsTable, tool: ToolDefinition): OperationSpec {
  const spec = table.operations[tool.operation.namespace]?.[tool.operation.method];
  if (!spec) throw new AlterValueError(`The tools table of ${table.provider.id} names ${tool.operation.namespace}.${tool.operation.method}, which its operations do not have.`);
  return spec;
}

/**
 * Calls the tool `name` of `table` with the model's `input`, through `target`: a generated client
 * (its defaults apply) or the `AlterVault` itself. Throws `AlterValueError` for an unknown tool
 * or input that does not fit, before any network call; the provider call's errors as the method
 * throws them. The audit row names the operation, the tool and the call's identifiers.
 */
export async function callTool<R = unknown>(target: AlterVault | object, table: ToolsTable, name: string, input: unknown, options: ToolCallOptions = {}): Promise<ToolCallResult<R>> {
  const tool = findTool(table, name);
  if (!tool) throw new AlterValueError(`${table.provider.name} has no tool "${name}".`, "unknown_tool");
  const params = checkToolInput(tool, input);
  const spec = toolOperation(table, tool);
  const method = methodOf(target, table, tool, options.defaults);
  const ctx = options.context ?? {};
  const callOptions: CallOptions = { toolName: ctx.toolName ?? tool.name };
  if (ctx.toolCallId !== undefined) callOptions.toolCallId = ctx.toolCallId;
  if (ctx.runId !== undefined) callOptions.runId = ctx.runId;
  if (ctx.threadId !== undefined) callOptions.threadId = ctx.threadId;
  if (options.reason !== undefined) callOptions.reason = options.reason;
  if (options.signal !== undefined) callOptions.signal = options.signal;
  if (options.timeoutMs !== undefined) callOptions.timeoutMs = options.timeoutMs;
  if (options.mode !== undefined) callOptions.mode = options.mode;
  const answer = await method.withResponse(options.grant ?? asUser(), params, callOptions);
  const result: ToolCallResult<R> = { data: answer.data as R, status: answer.status, requestId: answer.requestId, operation: { ...tool.operation, method: spec.method, path: spec.path } };
  const contentType = answer.headers["content-type"];
  if (contentType) result.contentType = contentType;
  return result;
}

function methodOf(target: AlterVault | object, table: ToolsTable, tool: ToolDefinition, defaults: ClientDefaults | undefined): Callable {
  const { namespace, method } = tool.operation;
  const ns = target instanceof AlterVault ? boundNamespace(target, table, namespace, defaults) : (target as Record<string, ClientLike | undefined>)[namespace];
  const fn = ns?.[method] as (Partial<Callable> & object) | undefined;
  if (typeof fn !== "function" || typeof (fn as Partial<Callable>).withResponse !== "function") {
    throw new AlterValueError(`callTool needs the ${table.provider.name} client (or the AlterVault); the object given has no ${namespace}.${method} method.`);
  }
  return fn as Callable;
}

/** `namespace` of `table` bound to `vault` with `defaults`, made once per distinct defaults (exported for its test only; runtime/index.ts does not). */
export function boundNamespace(vault: AlterVault, table: ToolsTable, namespace: string, defaults: ClientDefaults | undefined): ClientLike {
  let tables = bound.get(vault);
  if (!tables) bound.set(vault, (tables = new WeakMap()));
  let byDefaults = tables.get(table);
  if (!byDefaults) tables.set(table, (byDefaults = new Map()));
  const key = defaults ? defaultsKey(defaults) : "";
  let namespaces = byDefaults.get(key);
  if (!namespaces) {
    if (byDefaults.size >= BOUND_DEFAULTS_LIMIT) byDefaults.delete(byDefaults.keys().next().value!);
    byDefaults.set(key, (namespaces = new Map()));
  }
  let ns = namespaces.get(namespace);
  if (!ns) namespaces.set(namespace, (ns = bindOperations<ClientLike>(vault, table.provider, table.operations[namespace] ?? {}, defaults)));
  return ns;
}

/**
 * The defaults as a key: names sorted at both levels (ClientDefaults holds strings, numbers and
 * records of strings only), values as JSON, so equal defaults share one binding.
 */
function defaultsKey(defaults: ClientDefaults): string {
  let key = "";
  for (const name of Object.keys(defaults).sort()) {
    const value = (defaults as Record<string, unknown>)[name];
    if (value === undefined) continue;
    key += `${name}=${value !== null && typeof value === "object" ? defaultsKey(value as ClientDefaults) : JSON.stringify(value)};`;
  }
  return `{${key}}`;
}

/**
 * The params for the method: `input` checked against the tool's input schema at the top level
 * (an object, required names present, no unknown names, each value of its declared JSON type).
 */
export function checkToolInput(tool: ToolDefinition, input: unknown): Record<string, unknown> {
  const where = `Tool "${tool.name}"`;
  if (input === undefined || input === null) input = {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new AlterValueError(`${where}: the input must be a JSON object (got ${jsonType(input)}).`);
  const schema = tool.inputSchema;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const prop = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (!prop) {
      const known = Object.keys(schema.properties);
      throw new AlterValueError(`${where}: unknown input "${key}" (${known.length ? `known: ${known.join(", ")}` : "it takes no input"}).`);
    }
    if (value === undefined) continue;
    const problem = typeProblem(prop, value);
    if (problem) throw new AlterValueError(`${where}: input "${key}" ${problem}.`);
    params[key] = value;
  }
  const missing = (schema.required ?? []).filter((k) => params[k] === undefined);
  if (missing.length) throw new AlterValueError(`${where}: missing required input ${missing.map((m) => `"${m}"`).join(", ")}.`);
  return params;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Why `value` does not fit `schema`'s `type` / `enum` (top level only), or undefined. */
function typeProblem(schema: JsonSchema, value: unknown): string | undefined {
  const declared = schema.type;
  if (declared !== undefined) {
    const types = typeof declared === "string" ? [declared] : declared;
    const actual = jsonType(value);
    const fits = types.some((t) => t === actual || (t === "number" && actual === "integer"));
    if (!fits) return `must be ${types.join(" or ")} (got ${actual})`;
  }
  const values = schema.enum;
  if (Array.isArray(values) && !values.some((v) => v === value)) {
    const shown = values.slice(0, 10).map((v) => JSON.stringify(v)).join(", ");
    return `must be one of ${shown}${values.length > 10 ? ", …" : ""}`;
  }
  return undefined;
}
