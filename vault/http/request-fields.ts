// Reads and checks JSON body fields; errors name the JSON pointer of the bad field.
import { VaultError } from "../errors.js";
import type { AuditEntry } from "../audit/writer.js";

export function bodyObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new VaultError("invalid_request", "The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

export function str(o: Record<string, unknown>, key: string, pointer: string, required = true): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new VaultError("invalid_request", `${pointer} is required.`, { details: { pointer } });
    return undefined;
  }
  if (typeof v !== "string") throw new VaultError("invalid_request", `${pointer} must be a string.`, { details: { pointer } });
  return v;
}

export function obj(o: Record<string, unknown>, key: string, pointer: string, required = true): Record<string, unknown> | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new VaultError("invalid_request", `${pointer} is required.`, { details: { pointer } });
    return undefined;
  }
  if (typeof v !== "object" || Array.isArray(v)) throw new VaultError("invalid_request", `${pointer} must be an object.`, { details: { pointer } });
  return v as Record<string, unknown>;
}

const CONTEXT_FIELDS = ["caller", "callerType", "operationId", "reason", "runId", "threadId", "toolCallId", "toolName", "sdkVersion"] as const;
export type AuditContext = Partial<Record<(typeof CONTEXT_FIELDS)[number], string>>;

export function auditContext(v: unknown): AuditContext {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new VaultError("invalid_request", "/context must be an object.");
  const out: AuditContext = {};
  for (const k of CONTEXT_FIELDS) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== "string") throw new VaultError("invalid_request", `/context/${k} must be a string.`, { details: { pointer: `/context/${k}` } });
    out[k] = x;
  }
  if (out.callerType !== undefined && out.callerType !== "service" && out.callerType !== "agent") {
    throw new VaultError("invalid_request", '/context/callerType must be "service" or "agent".');
  }
  return out;
}

/** Audit columns from an AuditContext. */
export function auditFromContext(c: AuditContext): Partial<AuditEntry> {
  return {
    caller: c.caller,
    callerType: c.callerType,
    operationId: c.operationId,
    reason: c.reason,
    runId: c.runId,
    threadId: c.threadId,
    toolCallId: c.toolCallId,
    toolName: c.toolName,
    sdkVersion: c.sdkVersion,
  };
}
