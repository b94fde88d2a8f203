// Audit metadata sent with every credential request. `withContext` scopes it to everything that
// runs inside a function (AsyncLocalStorage), and per-call options override it field by field.
import { AsyncLocalStorage } from "node:async_hooks";
import { SDK_VERSION } from "./version.js";

/** What a caller may set around a block of calls. */
export interface AuditScope {
  runId?: string;
  threadId?: string;
  toolCallId?: string;
  toolName?: string;
  reason?: string;
}

export type CallerType = "service" | "agent";

/** `AuditContext` of docs/protocol.md. */
export interface AuditContext extends AuditScope {
  caller?: string;
  callerType?: CallerType;
  operationId?: string;
  sdkVersion?: string;
}

const SCOPE_KEYS = ["runId", "threadId", "toolCallId", "toolName", "reason"] as const;

export class AuditContextStore {
  readonly #als = new AsyncLocalStorage<AuditScope>();

  /** Runs `fn` with `scope` merged over any enclosing scope. */
  run<T>(scope: AuditScope, fn: () => T): T {
    const merged: AuditScope = { ...this.#als.getStore() };
    copyScope(merged, scope);
    return this.#als.run(merged, fn);
  }

  current(): AuditScope | undefined {
    return this.#als.getStore();
  }
}

/**
 * The context of one call. Precedence, lowest first: client defaults, the enclosing
 * `withContext` scope, the call's options.
 */
export function buildAuditContext(input: {
  caller?: string | undefined;
  callerType: CallerType;
  operationId?: string | undefined;
  defaults?: AuditScope | undefined;
  scope?: AuditScope | undefined;
  options?: AuditScope | undefined;
}): AuditContext {
  const ctx: AuditContext = {};
  copyScope(ctx, input.defaults);
  copyScope(ctx, input.scope);
  copyScope(ctx, input.options);
  ctx.callerType = input.callerType;
  ctx.sdkVersion = SDK_VERSION;
  if (input.caller) ctx.caller = input.caller;
  if (input.operationId) ctx.operationId = input.operationId;
  return ctx;
}

/** Copies the non-empty string scope fields of `source` over `into` (no intermediate object: this runs on every call). */
function copyScope(into: AuditContext, source: Partial<Record<(typeof SCOPE_KEYS)[number], unknown>> | undefined): void {
  if (!source) return;
  for (const k of SCOPE_KEYS) {
    const v = source[k];
    if (typeof v === "string" && v !== "") into[k] = v;
  }
}
