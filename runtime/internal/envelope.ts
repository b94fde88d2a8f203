// The one builder of a call's vault request, retrieve or proxy (docs/protocol.md): the envelope
// (grant, provider, request, audit context) and the transport options (user token, signal, time
// limit) both modes send.
import type { CallEnvelope } from "../../protocol/wire.js";
import type { CallEnv, CallInput, Prepared } from "./call-types.js";
import type { TransportResponse } from "./transport.js";
import { traceVaultCall } from "./trace-spans.js";

/**
 * An identity-based call needs the user's token. A call by grant id sends it too when a user
 * token source is configured, so the vault refuses another user's grant by id as if it did not
 * exist (system grants stay addressable by id).
 */
export function userTokenFor(env: CallEnv, opId: string, p: Prepared): Promise<string | undefined> | undefined {
  if (p.identity) return env.identity.require(opId);
  // Most services have no user token source: no promise, no extra turn of the event loop.
  return env.identity.configured ? env.identity.current() : undefined;
}

/**
 * Sends one signed vault request for this call: `request` (the mode's own fields) inside the
 * envelope both modes share, with the caller's user token, signal and time limit.
 */
export function callVault<T, R extends { operationId: string; method: string; url: string }>(
  env: CallEnv,
  path: "/v1/credentials/retrieve" | "/v1/proxy" | "/v1/credentials/hops",
  input: CallInput,
  p: Prepared,
  request: R,
  userToken: string | undefined,
  stream = false,
): Promise<TransportResponse<T>> {
  const body: CallEnvelope<R> = { grant: p.grant, provider: input.provider.id, request, context: p.context };
  const send = () => env.transport.request<T>("POST", path, stream ? { body, userToken, signal: p.signal, timeoutMs: p.timeoutMs, stream } : { body, userToken, signal: p.signal, timeoutMs: p.timeoutMs });
  // The operation's span loaded the API before any vault call, so `api` is set when tracing is on.
  return env.tracing?.api === undefined ? send() : traceVaultCall(env.tracing, env.transport.baseUrl, path, input, p, send);
}
