// Reads and checks JSON body fields; errors name the JSON pointer of the bad field.
import { VaultError } from "../errors.js";
import { CALL_CONTEXT_FIELDS, type CallContext } from "../audit/call-context.js";

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

/** The request's `/context` object, checked field by field. */
export function auditContext(v: unknown): CallContext {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new VaultError("invalid_request", "/context must be an object.");
  const out: CallContext = {};
  for (const k of CALL_CONTEXT_FIELDS) {
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

/** `/flow` of a sign-in or connect session: "browser" (the default) or "device" (RFC 8628, headless). */
export function parseFlow(body: unknown): "browser" | "device" {
  if (body === undefined || body === null) return "browser";
  const flow = bodyObject(body).flow;
  if (flow === undefined || flow === null || flow === "browser") return "browser";
  if (flow === "device") return "device";
  throw new VaultError("invalid_request", '/flow must be "browser" or "device".', { details: { pointer: "/flow" } });
}
