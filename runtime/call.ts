// One provider call. Retrieve mode: ask the vault for the credential, check where it may go,
// inject it, send through the providers' Agent, decode. Proxy mode: hand the whole request to the
// vault and decode what it returns. The credential exists only in local variables of
// `attemptRetrieve`; it is never stored on an object, logged or put into an error.
import { platformSignal } from "./abort.js";
import type { Dispatcher } from "undici";
import type { ApiResponse, CallOptions, ClientDefaults, GrantRef, HttpMethod, OperationSpec, ProviderSpec } from "./operation.js";
import type { TransportResponse, VaultTransport } from "./transport.js";
import type { SealedValue } from "../protocol/seal.js";
import { buildTarget } from "./url.js";
import { addHeaders, isAllowedScheme, planCall, type CallPlan } from "./call-plan.js";
import { encodeBody, bodyBytes, type EncodedBody } from "./body.js";
import { injectCredential, type Injection, type OutgoingRequest } from "../protocol/injection.js";
import { decideRetry, retryDelay, sleep, type AttemptOutcome, type RetryPolicy } from "./retry.js";
import { buildAuditContext, type AuditContext, type AuditContextStore, type CallerType } from "./audit.js";
import { decodeBody, decodeErrorBody, flattenHeaders, readsAsText, requestIdOf, undiciHeaders, type RawBody } from "./response.js";
import { redactUrl } from "../protocol/redact.js";
import { credentialScrubber, type Scrubber } from "../protocol/scrub.js";
import { rawPathOf } from "../protocol/request-safety.js";
import { credentialFingerprint } from "../protocol/fingerprint.js";
import type { IdentitySource } from "./identity.js";
import type { PageCursor } from "./paginate.js";
import {
  AlterValueError,
  ApprovalRequiredError,
  NetworkError,
  ProviderAPIError,
  RateLimitError,
  ScopeReauthRequiredError,
  TimeoutError,
} from "./errors.js";
import { serverDelay } from "./retry.js";
import { sdkError } from "./protocol-errors.js";

/** The logger AlterVault accepts (`console` fits). Messages and fields never hold secrets. */
import type { Logger } from "./logger.js";
export type { Logger } from "./logger.js";

/** What a call needs from its AlterVault (held privately by the vault, never exported). */
export interface CallEnv {
  transport: VaultTransport;
  providerAgent: Dispatcher;
  identity: IdentitySource;
  audit: AuditContextStore;
  retry: RetryPolicy;
  caller: string | undefined;
  callerType: CallerType;
  timeoutMs: number;
  logger: Logger | undefined;
  /** Approval ids raised by proxy calls, so `awaitApproval` can decode the result per operation. */
  approvals: Map<string, PendingApproval>;
  now: () => number;
  random: () => number;
  closed: boolean;
}

export interface PendingApproval {
  provider: ProviderSpec;
  op: OperationSpec;
}

export interface CallInput {
  provider: ProviderSpec;
  op: OperationSpec;
  grant: GrantRef;
  params: Record<string, unknown> | undefined;
  options: CallOptions | undefined;
  defaults: ClientDefaults | undefined;
  /** Set by pagination for pages after the first. */
  cursor?: PageCursor | undefined;
  /** The method's shared plan, when the caller keeps one (else worked out here). */
  plan?: CallPlan | undefined;
}

export interface CallResult<R = unknown> extends ApiResponse<R> {
  /** The URL that was requested (pagination resolves relative next links against it). */
  url: string;
}

/** The wire form of a grant reference (docs/protocol.md, `GrantRef`). */
export type WireGrant = { grantId: string } | { provider: string; account?: string };

interface Prepared {
  method: HttpMethod;
  url: string;
  /** `host[:port]` of `url`. */
  host: string;
  /** Shared and frozen when the call adds no headers of its own: never written to then. */
  headers: Record<string, string>;
  body: EncodedBody | undefined;
  /** `params.body` (merged with a pagination cursor's body fields), before encoding. */
  bodyValue: unknown;
  grant: WireGrant;
  identity: boolean;
  context: AuditContext;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  idempotencyKey: string | undefined;
  /** Fingerprint of a token the provider answered 401 to; asks the vault for a fresh one. */
  rejectedCredential?: string | undefined;
  /** The sealed credential retrieved for this call (retrieve mode), reused by retries. */
  retrieved?: Retrieved | undefined;
}

interface ProviderAnswer {
  status: number;
  headers: Record<string, string>;
  body: RawBody;
  /** Fingerprint of the token this answer was obtained with (retrieve mode, token credentials). */
  credentialFingerprint?: string;
}

function wireGrant(grant: GrantRef, provider: ProviderSpec, opId: string): { grant: WireGrant; identity: boolean } {
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

// ---------------------------------------------------------------------------------------------
// Errors of the provider leg

function insecureTargetError(opId: string, redactedUrl: string): AlterValueError {
  return new AlterValueError(`${opId}: refusing to send a credential to ${redactedUrl}: only https, or http to this machine, is allowed`, "insecure_provider_url");
}

function hostNotAllowedError(opId: string, host: string, providerId: string): AlterValueError {
  return new AlterValueError(
    `${opId}: the vault allows ${providerId}'s credential only for its own hosts, and ${host} is not one of them; nothing was sent`,
    "provider_host_not_allowed",
  );
}

function timeoutError(opId: string, ms: number): TimeoutError {
  return new TimeoutError(`${opId}: the provider did not answer within ${ms} ms`);
}

function networkError(opId: string, redactedUrl: string, cause: unknown, scrubber: Scrubber): NetworkError {
  const code = typeof (cause as { code?: unknown })?.code === "string" ? (cause as { code: string }).code : undefined;
  const detail = scrubber.text(cause instanceof Error ? cause.message : String(cause));
  // The original error is not attached: its fields could hold the request (and so the credential).
  return new NetworkError(`${opId}: could not reach ${redactedUrl}: ${code ? code + " " : ""}${detail}`);
}

function approvalRequired(error: unknown): string | undefined {
  return error instanceof ApprovalRequiredError ? error.approvalId : undefined;
}

/** Scope hints: RFC 6750 `insufficient_scope`, GitHub's scope headers, common body codes. */
function missingScopes(status: number, headers: Record<string, string>, body: unknown): string[] | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const www = headers["www-authenticate"] ?? "";
  if (/error\s*=\s*"?insufficient_scope/i.test(www)) {
    const m = /scope\s*=\s*"([^"]*)"/i.exec(www);
    return m?.[1] ? m[1].split(/\s+/).filter(Boolean) : [];
  }
  const accepted = headers["x-accepted-oauth-scopes"];
  if (accepted !== undefined && status === 403) {
    const need = accepted.split(/,\s*/).filter(Boolean);
    const have = new Set((headers["x-oauth-scopes"] ?? "").split(/,\s*/).filter(Boolean));
    if (need.length > 0 && !need.some((s) => have.has(s))) return need;
  }
  const b = body as Record<string, unknown> | undefined;
  const code = typeof b?.error === "string" ? b.error : typeof b?.code === "string" ? b.code : undefined;
  if (code && /^(insufficient_scope|missing_scope|insufficient_scopes)$/i.test(code)) {
    const needed = typeof b?.needed === "string" ? b.needed.split(/[,\s]+/).filter(Boolean) : [];
    return needed;
  }
  return undefined;
}

/** The error for a non-2xx provider answer. */
/** A 2xx answer that the provider marks as failed in its body (ProviderSpec.okField). */
function failedByFlag(provider: ProviderSpec, data: unknown): boolean {
  return provider.okField !== undefined && typeof data === "object" && data !== null && (data as Record<string, unknown>)[provider.okField] === false;
}

export function providerError(op: OperationSpec, provider: ProviderSpec, status: number, headers: Record<string, string>, body: unknown, nowMs: number): ProviderAPIError {
  const init = { status, headers, body, requestId: requestIdOf(headers, provider), operationId: op.id };
  if (status < 300 && provider.okField) {
    const reason = (body as Record<string, unknown>)["error"];
    const detail = typeof reason === "string" && /^[\w.:-]{1,80}$/.test(reason) ? ` (${reason})` : "";
    return new ProviderAPIError({ ...init, message: `${op.id} failed: the provider answered ${status} with "${provider.okField}": false${detail}` });
  }
  if (status === 429) {
    const delay = serverDelay(headers, provider.rateLimit, nowMs);
    return new RateLimitError({ ...init, resetAt: delay === undefined ? undefined : new Date(nowMs + delay) });
  }
  const scopes = missingScopes(status, headers, body);
  if (scopes) return new ScopeReauthRequiredError({ ...init, requiredScopes: scopes });
  return new ProviderAPIError(init);
}

/** Everything about the call that needs no I/O; the body is encoded by `encodePreparedBody`. */
function prepare(env: CallEnv, input: CallInput): Prepared {
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

  const { grant, identity } = wireGrant(input.grant, provider, op.id);
  const context = buildAuditContext({
    caller: env.caller,
    callerType: env.callerType,
    operationId: op.id,
    defaults,
    scope: env.audit.current(),
    options,
  });
  const timeoutMs = options.timeoutMs ?? defaults?.timeoutMs ?? env.timeoutMs;
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
    idempotencyKey,
  };
}

function hasKeys(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return true;
  return false;
}

async function encodePreparedBody(op: OperationSpec, p: Prepared): Promise<void> {
  if (!op.body || p.bodyValue === undefined) return;
  const body = await encodeBody(op.body.kind, op.body.mediaType, p.bodyValue, `${op.id}: body`);
  p.body = body;
  p.headers["content-type"] = body.contentType;
}

/** Runs one operation with retries; returns the decoded success or throws the mapped error. */
export async function executeCall(env: CallEnv, input: CallInput): Promise<CallResult> {
  if (env.closed) throw new AlterValueError(`${input.op.id}: this AlterVault was closed`);
  const prepared = prepare(env, input);
  if (prepared.bodyValue !== undefined) await encodePreparedBody(input.op, prepared);
  const mode = input.options?.mode ?? input.defaults?.mode ?? "retrieve";
  const { op, provider } = input;
  let retriesDone = 0;
  let refreshedAfter401 = false;
  for (;;) {
    let failure: AttemptOutcome | undefined;
    let answer: ProviderAnswer | undefined;
    try {
      answer = mode === "proxy" ? await attemptProxy(env, input, prepared) : await attemptRetrieve(env, input, prepared);
    } catch (error) {
      if (prepared.signal?.aborted) throw prepared.signal.reason;
      const sent = (error as { [SENT]?: boolean })[SENT] === true;
      failure = { kind: "error", error, sent };
    }

    if (answer && answer.status >= 200 && answer.status < 300) {
      const data = decodeBody(op.response ?? "json", answer.status, answer.headers, answer.body);
      if (failedByFlag(provider, data)) throw providerError(op, provider, answer.status, answer.headers, data, env.now());
      return {
        data,
        status: answer.status,
        headers: answer.headers,
        requestId: requestIdOf(answer.headers, provider),
        url: prepared.url,
      };
    }

    // A 401 in retrieve mode: the token may have expired between retrieve and use. One fresh
    // retrieve (the vault refreshes) and one more try, whatever the method: the provider refused
    // the request, so nothing happened.
    if (answer && answer.status === 401 && mode === "retrieve" && !refreshedAfter401 && (prepared.body?.replayable ?? true)) {
      refreshedAfter401 = true;
      prepared.rejectedCredential = answer.credentialFingerprint;
      prepared.retrieved = undefined;
      env.logger?.debug?.("provider answered 401; retrying once with a fresh credential", { operationId: op.id });
      continue;
    }

    const outcome: AttemptOutcome = failure ?? { kind: "status", status: answer!.status, headers: answer!.headers };
    const decision = decideRetry(
      {
        method: prepared.method,
        idempotent: op.idempotent,
        idempotencyKey: prepared.idempotencyKey,
        replayable: prepared.body?.replayable ?? true,
        retriesDone,
        policy: env.retry,
        aborted: prepared.signal?.aborted ?? false,
      },
      outcome,
    );
    const delay = decision.retry ? retryDelay(env.retry, retriesDone, outcome, provider.rateLimit, env.now(), env.random) : undefined;
    if (delay === undefined) {
      if (answer) throw providerError(op, provider, answer.status, answer.headers, decodeErrorBody(answer.headers, answer.body), env.now());
      throw (outcome as { error: unknown }).error;
    }
    env.logger?.debug?.("retrying", { operationId: op.id, attempt: retriesDone + 1, delayMs: delay, rule: decision.rule, status: answer?.status });
    await sleep(delay, prepared.signal);
    retriesDone++;
  }
}

function isUndiciTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
}

/** Marks errors raised after the provider may have received the request. */
const SENT = Symbol("sent");
function markSent<E>(error: E): E {
  if (error && typeof error === "object") (error as { [SENT]?: boolean })[SENT] = true;
  return error;
}

interface RetrieveResponse {
  grantId: string;
  credential: SealedValue;
  injection: Injection;
  hosts: string[];
  expiresAt?: string | null;
}

/**
 * An identity-based call needs the user's token. A call by grant id sends it too when a user
 * token source is configured, so the vault refuses another user's grant by id as if it did not
 * exist (system grants stay addressable by id).
 */
function userTokenFor(env: CallEnv, opId: string, p: Prepared): Promise<string | undefined> | undefined {
  if (p.identity) return env.identity.require(opId);
  // Most services have no user token source: no promise, no extra turn of the event loop.
  return env.identity.configured ? env.identity.current() : undefined;
}

/** Retries of one call reuse the sealed credential unless it is about to expire. */
const REUSE_MARGIN_MS = 5_000;

function reusable(retrieved: Retrieved | undefined, now: number): retrieved is Retrieved {
  if (!retrieved) return false;
  const expiresAt = retrieved.data.expiresAt ? Date.parse(retrieved.data.expiresAt) : NaN;
  return Number.isNaN(expiresAt) || expiresAt - now > REUSE_MARGIN_MS;
}

/** The vault's answer to a retrieve (the credential inside is still sealed). */
type Retrieved = Pick<TransportResponse<RetrieveResponse>, "data" | "nonce">;

// Not async: without a user token source the request goes out in this turn, with no extra promise.
function retrieve(env: CallEnv, input: CallInput, p: Prepared): Promise<Retrieved> {
  const pendingToken = userTokenFor(env, input.op.id, p);
  return pendingToken ? pendingToken.then((userToken) => askVault(env, input, p, userToken)) : askVault(env, input, p, undefined);
}

function askVault(env: CallEnv, input: CallInput, p: Prepared, userToken: string | undefined): Promise<Retrieved> {
  return env.transport.request<RetrieveResponse>("POST", "/v1/credentials/retrieve", {
    body: {
      grant: p.grant,
      provider: input.provider.id,
      request: {
        operationId: input.op.id,
        method: p.method,
        url: redactUrl(p.url),
        ...(p.rejectedCredential ? { rejectedCredential: p.rejectedCredential } : {}),
      },
      context: p.context,
    },
    userToken,
    signal: p.signal,
    timeoutMs: p.timeoutMs,
  });
}

async function attemptRetrieve(env: CallEnv, input: CallInput, p: Prepared): Promise<ProviderAnswer> {
  // A retry (429, 5xx, network) reuses the credential this call already retrieved, still sealed:
  // one retrieval, one audit row per call. After a 401 `p.retrieved` is cleared to fetch anew.
  const res = reusable(p.retrieved, env.now()) ? p.retrieved : (p.retrieved = await retrieve(env, input, p));
  const { injection, hosts } = res.data;
  // Checked before the credential is even unsealed: a wrong host never gets near it. (The
  // scheme was checked when the call was prepared.)
  if (!Array.isArray(hosts) || !hosts.includes(p.host)) throw hostNotAllowedError(input.op.id, p.host, input.provider.id);

  const body = p.body?.payload;
  let outgoing: OutgoingRequest = {
    method: p.method,
    url: p.url,
    headers: p.headers,
    body: body instanceof Uint8Array ? body : null,
    streamed: body !== undefined && !(body instanceof Uint8Array),
  };
  let token: string | undefined;
  let scrubber: Scrubber;
  {
    const credential = env.transport.unseal(res.data.credential, res.nonce) as Record<string, unknown>;
    if (typeof credential?.token === "string") token = credential.token;
    try {
      outgoing = injectCredential(injection, credential, outgoing, env.now());
    } catch (error) {
      throw sdkError(error);
    }
    // Every form of what was injected, to take out of whatever the provider answers.
    scrubber = credentialScrubber(injection, credential, outgoing.headers);
  }
  const answer = await sendToProvider(env, input, outgoing, p, scrubber);
  // Only a refused token is reported back (by fingerprint), so only then is one computed.
  return answer.status === 401 && token !== undefined ? { ...answer, credentialFingerprint: credentialFingerprint(token) } : answer;
}

async function sendToProvider(env: CallEnv, input: CallInput, req: OutgoingRequest, p: Prepared, scrubber: Scrubber): Promise<ProviderAnswer> {
  const { op } = input;
  const opId = op.id;
  // The URL as it will be sent, credential injected: it must still point at the host the vault
  // allowed (p.host, checked against the grant's hosts) over an allowed scheme. Whatever the
  // URL building or the injection did, a credential never leaves for anywhere else.
  let target: URL;
  try {
    target = new URL(req.url);
  } catch {
    // Node's TypeError carries the URL it could not parse, and this one may hold the credential.
    throw new AlterValueError(`${opId}: the request URL ${redactUrl(p.url)} is not a valid URL; nothing was sent`, "invalid_provider_url");
  }
  if (target.host !== p.host) throw hostNotAllowedError(opId, target.host, input.provider.id);
  if (!isAllowedScheme(target)) throw insecureTargetError(opId, redactUrl(p.url));
  // Parsing must not have moved the path (dot segments, backslashes): the vault was told, and
  // audited, the URL as written. url.ts refuses such parameter values; this is the last check.
  if (rawPathOf(req.url) !== target.pathname) {
    throw new AlterValueError(`${opId}: the request URL ${redactUrl(p.url)} would be sent to the path ${target.pathname} once parsed; nothing was sent`, "invalid_provider_url");
  }
  // The attempt's time limit is undici's own: `timeoutMs` for the answer's headers and again
  // for each gap in its body. No AbortController or timer per call (they cost more CPU than the
  // rest of the runtime's provider leg); the caller's signal is passed through as it is.
  try {
    if (p.signal?.aborted) throw p.signal.reason;
    // Straight to the Agent (undici's top-level request() would parse the URL again and copy
    // these options); only what differs from the Agent's defaults is passed.
    const options: Dispatcher.RequestOptions = { origin: target.origin, path: target.pathname + target.search, method: req.method as Dispatcher.HttpMethod, headers: req.headers };
    if (p.body) options.body = p.body.payload;
    if (p.signal) options.signal = p.signal;
    if (p.timeoutMs !== env.timeoutMs) options.headersTimeout = options.bodyTimeout = p.timeoutMs;
    const res = await env.providerAgent.request(options);
    const status = res.statusCode;
    // A body decoded as text is read as text: undici decodes it straight from its buffer.
    const asText = status < 200 || status >= 300 || readsAsText(op.response ?? "json");
    // Headers and bodies are scrubbed by value: a provider may quote the credential anywhere.
    const body = asText ? scrubber.text(await res.body.text()) : scrubber.bytes(await res.body.bytes());
    return { status, headers: scrubber.headers(undiciHeaders(res.headers)), body };
  } catch (error) {
    if (p.signal?.aborted) throw p.signal.reason;
    if (isUndiciTimeout(error)) throw markSent(timeoutError(opId, p.timeoutMs));
    throw markSent(networkError(opId, redactUrl(p.url), error, scrubber));
  }
}

interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | null;
}

async function attemptProxy(env: CallEnv, input: CallInput, p: Prepared): Promise<ProviderAnswer> {
  const pendingToken = userTokenFor(env, input.op.id, p);
  const userToken = pendingToken && (await pendingToken);
  const bytes = p.body ? await bodyBytes(p.body) : undefined;
  if (p.body && !p.body.replayable) p.body = { ...p.body, payload: bytes!, replayable: true };
  try {
    const res = await env.transport.request<ProxyResponse>("POST", "/v1/proxy", {
      body: {
        grant: p.grant,
        provider: input.provider.id,
        request: {
          operationId: input.op.id,
          method: p.method,
          url: p.url,
          headers: p.headers,
          body: bytes ? Buffer.from(bytes).toString("base64") : null,
        },
        context: p.context,
      },
      userToken,
      signal: p.signal,
      timeoutMs: p.timeoutMs,
    });
    return proxyAnswer(res.data);
  } catch (error) {
    const approval = approvalRequired(error);
    if (approval) env.approvals.set(approval, { provider: input.provider, op: input.op });
    // The vault may have reached the provider before failing (provider_unreachable after a
    // partial send is indistinguishable), so vault errors in proxy mode count as sent.
    throw markSent(error);
  }
}

export function proxyAnswer(data: ProxyResponse): ProviderAnswer {
  return {
    status: data.status,
    headers: flattenHeaders(data.headers ?? {}),
    body: data.body ? new Uint8Array(Buffer.from(data.body, "base64")) : new Uint8Array(0),
  };
}

/** Decodes a proxy result (from a call or an executed approval) into the caller's result. */
export function decodeProxyResult(pending: PendingApproval | undefined, data: ProxyResponse, now: number): ApiResponse<unknown> {
  const answer = proxyAnswer(data);
  const op = pending?.op;
  const providerLike = pending?.provider ?? ({ id: "unknown", name: "unknown", baseUrl: "" } as ProviderSpec);
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
