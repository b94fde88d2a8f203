// Everything about one call that needs no I/O: the URL (path, query, a pagination cursor), the
// headers in their order of precedence, the body value, the grant reference, the audit context
// and the time limit; then the body's encoding, the one step that may wait.
import type { GrantReference } from "../../protocol/wire.js";
import { redactUrl } from "../../protocol/redact.js";
import type { GrantRef, OperationSpec, ProviderSpec } from "../operation.js";
import { AlterValueError } from "../errors.js";
import { buildAuditContext } from "../audit.js";
import { platformSignal } from "./abort.js";
import { buildTarget } from "./url.js";
import { addHeaders, isAllowedScheme, planCall } from "./call-plan.js";
import { encodeBody } from "./body.js";
import { insecureTargetError } from "./provider-errors.js";
import type { CallEnv, CallInput, Prepared } from "./call-types.js";

/** The grant reference as the protocol writes it, and whether the call is identity-based. */
function grantReference(grant: GrantRef, provider: ProviderSpec, opId: string): { grant: GrantReference; identity: boolean } {
  if (typeof grant === "string") {
    if (grant.trim() === "") throw new AlterValueError(`${opId}: the grant id is empty`);
    return { grant: { grantId: grant }, identity: false };
  }
  if (grant && typeof grant === "object" && (grant as { type?: unknown }).type === "identity") {
    const account = (grant as { account?: unknown }).account;
    return { grant: typeof account === "string" ? { provider: provider.id, account } : { provider: provider.id }, identity: true };
  }
  throw new AlterValueError(`${opId}: grant must be a grant id string or asUser(...)`);
}

/** Everything about the call that needs no I/O; the body is encoded by `encodePreparedBody`. */
export function prepare(env: CallEnv, input: CallInput): Prepared {
  const { provider, op, defaults } = input;
  const options = input.options ?? {};
  const plan = input.plan ?? planCall(provider, op, defaults);
  const target = buildTarget(plan.baseUrl, op, input.params, input.cursor?.query);
  const url = input.cursor?.url ?? target.url;

  let bodyValue = target.body;
  if (input.cursor?.body) {
    bodyValue = { ...((bodyValue as Record<string, unknown> | undefined) ?? {}), ...input.cursor.body };
  }
  if (op.body?.required && bodyValue === undefined) throw new AlterValueError(`${op.id}: params.body is required`);
  if (!op.body && bodyValue !== undefined) throw new AlterValueError(`${op.id}: this operation takes no request body`);

  // Precedence, lowest first: accept and the provider's headers, header parameters, the
  // client's default headers, the call's headers, then content-type and idempotency-key.
  const idempotencyKey = options.idempotencyKey;
  let headers: Record<string, string>;
  if (!hasKeys(target.headers) && !options.headers && bodyValue === undefined && !idempotencyKey) {
    headers = plan.staticHeaders as Record<string, string>;
  } else {
    headers = { ...plan.providerHeaders, ...target.headers, ...plan.clientHeaders };
    addHeaders(headers, options.headers, op.id);
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
  }

  // A pagination link is the one URL not built on the base URL: it is parsed and checked itself.
  let host = plan.host;
  if (input.cursor?.url !== undefined) {
    const parsed = new URL(url);
    if (!isAllowedScheme(parsed)) throw insecureTargetError(op.id, redactUrl(url));
    host = parsed.host;
  } else if (!plan.secure) {
    throw insecureTargetError(op.id, redactUrl(url));
  }

  const { grant, identity } = grantReference(input.grant, provider, op.id);
  const context = buildAuditContext({
    caller: env.caller,
    callerType: env.callerType,
    operationId: op.id,
    defaults,
    scope: env.audit.current(),
    options,
  });
  const timeoutMs = options.timeoutMs ?? defaults?.timeoutMs ?? env.timeoutMs;
  const stream = streamOption(op.id, options);
  return {
    method: op.method,
    url,
    host,
    headers,
    body: undefined,
    bodyValue,
    grant,
    identity,
    context,
    signal: platformSignal(options.signal),
    timeoutMs,
    stream,
    idempotencyKey,
  };
}

/** `options.stream`: true, false or absent. */
function streamOption(opId: string, options: object): boolean {
  const stream = (options as { stream?: unknown }).stream;
  if (stream === undefined || stream === false) return false;
  if (stream !== true) throw new AlterValueError(`${opId}: options.stream must be true or false, got ${typeof stream}`, "invalid_option");
  return true;
}

function hasKeys(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return true;
  return false;
}

export async function encodePreparedBody(op: OperationSpec, p: Prepared): Promise<void> {
  if (!op.body || p.bodyValue === undefined) return;
  const body = await encodeBody(op.body.kind, op.body.mediaType, p.bodyValue, `${op.id}: body`);
  p.body = body;
  p.headers["content-type"] = body.contentType;
}
