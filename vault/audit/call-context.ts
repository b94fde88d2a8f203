// What every audit row of one provider call repeats: who asked (app, key, address) and the SDK's
// own words about the call (caller, run id, tool call, …). Built from the signed request by
// vault/http, and from the stored approval when an approved call runs later, so an approved
// call needs no request to be audited.
import type { AuditEntry } from "./writer.js";

/** The audit context fields a caller may send (docs/protocol.md, `context`). */
export const CALL_CONTEXT_FIELDS = ["caller", "callerType", "operationId", "reason", "runId", "threadId", "toolCallId", "toolName", "sdkVersion"] as const;

/** The SDK's own words about a call; stored with an approval, repeated in every row. */
export type CallContext = Partial<Record<(typeof CALL_CONTEXT_FIELDS)[number], string>>;

/** Who asked for a provider call. */
export interface CallOrigin {
  appId: string;
  /** The API key that signed the request. */
  keyId: string | null;
  remoteAddress: string | null;
  context: CallContext;
  /** The operation called (the request's own field, else the context's). */
  operationId?: string | null | undefined;
}

/** The audit columns a call's origin fills. */
export function callAuditColumns(o: CallOrigin): Partial<AuditEntry> {
  const c = o.context;
  return {
    appId: o.appId,
    keyId: o.keyId,
    caller: c.caller,
    callerType: c.callerType,
    operationId: o.operationId ?? c.operationId,
    reason: c.reason,
    runId: c.runId,
    threadId: c.threadId,
    toolCallId: c.toolCallId,
    toolName: c.toolName,
    sdkVersion: c.sdkVersion,
    remoteAddress: o.remoteAddress,
  };
}
