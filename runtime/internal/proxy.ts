// Proxy mode: hand the whole request to the vault, which injects the credential and calls the
// provider; decode what it relays (also the result of an executed approval).
import type { ProxyAnswer, ProxyRequest, ProxyResponse } from "../../protocol/wire.js";
import type { ApiResponse, OperationSpec, ProviderSpec } from "../operation.js";
import { bodyBytes } from "./body.js";
import { DEFAULT_REDIRECT_POLICY, type RedirectPolicy } from "../../protocol/redirect.js";
import { redirectError } from "./redirect.js";
import { decodeBody, decodeErrorBody, flattenHeaders, requestIdOf } from "./response.js";
import { callVault, userTokenFor } from "./envelope.js";
import { bytesAsStream } from "./stream-body.js";
import { approvalRequired, markSent, providerError } from "./provider-errors.js";
import type { CallEnv, CallInput, PendingApproval, Prepared, ProviderAnswer } from "./call-types.js";

export async function attemptProxy(env: CallEnv, input: CallInput, p: Prepared, redirects: RedirectPolicy = DEFAULT_REDIRECT_POLICY): Promise<ProviderAnswer> {
  const pendingToken = userTokenFor(env, input.op.id, p);
  const userToken = pendingToken && (await pendingToken);
  const bytes = p.body ? await bodyBytes(p.body) : undefined;
  if (p.body && !p.body.replayable) p.body = { ...p.body, payload: bytes!, replayable: true };
  try {
    const request: ProxyRequest = {
      operationId: input.op.id,
      method: p.method,
      url: p.url,
      headers: p.headers,
      body: bytes ? Buffer.from(bytes).toString("base64") : null,
    };
    // Only a policy other than the default travels (the vault follows 5 hops unless told).
    if (redirects.mode !== DEFAULT_REDIRECT_POLICY.mode) request.redirect = redirects.mode;
    if (redirects.maxRedirects !== DEFAULT_REDIRECT_POLICY.maxRedirects) request.maxRedirects = redirects.maxRedirects;
    if (p.stream) request.stream = true;
    const res = await callVault<ProxyAnswer, ProxyRequest>(env, "/v1/proxy", input, p, request, userToken, p.stream === true);
    const answer = proxyAnswer(res.data);
    if (res.stream) answer.stream = res.stream;
    // A vault that relayed the answer whole (base64 in its signed JSON): a stream of those bytes.
    else if (p.stream && answer.status >= 200 && answer.status < 300 && !answer.refused) answer.stream = bytesAsStream(answer.body as Uint8Array);
    return answer;
  } catch (error) {
    const approval = approvalRequired(error);
    if (approval) env.approvals.set(approval, { provider: input.provider, op: input.op });
    // The vault may have reached the provider before failing (provider_unreachable after a
    // partial send is indistinguishable), so vault errors in proxy mode count as sent.
    throw markSent(error);
  }
}

function proxyAnswer(data: ProxyResponse): ProviderAnswer {
  const answer: ProviderAnswer = {
    status: data.status,
    headers: flattenHeaders(data.headers ?? {}),
    body: data.body ? new Uint8Array(Buffer.from(data.body, "base64")) : new Uint8Array(0),
  };
  if (Array.isArray(data.redirects) && data.redirects.length) answer.redirects = data.redirects;
  if (data.redirectRefused) answer.refused = data.redirectRefused;
  return answer;
}

/** Decodes a proxy result (from a call or an executed approval) into the caller's result. */
export function decodeProxyResult(pending: PendingApproval | undefined, data: ProxyResponse, now: number): ApiResponse<unknown> {
  const answer = proxyAnswer(data);
  const op = pending?.op;
  const providerLike = pending?.provider ?? ({ id: "unknown", name: "unknown", baseUrl: "" } as ProviderSpec);
  if (answer.refused) throw redirectError(op ?? { id: "approval" }, providerLike, answer);
  if (answer.status < 200 || answer.status >= 300) {
    throw providerError(op ?? ({ id: "approval", method: "GET", path: "" } as OperationSpec), providerLike, answer.status, answer.headers, decodeErrorBody(answer.headers, answer.body), now);
  }
  return {
    data: decodeBody(op?.response ?? "json", answer.status, answer.headers, answer.body),
    status: answer.status,
    headers: answer.headers,
    requestId: requestIdOf(answer.headers, providerLike),
  };
}
