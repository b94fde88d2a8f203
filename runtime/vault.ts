// AlterVault: the one object application code constructs. It holds the API key, the signed
// vault transport and the providers' Agent in private fields, and offers the management calls.
// Generated clients reach its internals through `internalsOf`, which index.ts does not export.
import "./disposable.js";
import { platformSignal } from "./internal/abort.js";
import type { AbortSignalLike } from "./operation.js";
import type { KeyObject } from "node:crypto";
import { inspectCustom } from "./internal/inspect-symbol.js";
import { Agent } from "undici";
import { VaultTransport } from "./internal/transport.js";
import { parseApiKey } from "./internal/keys.js";
import { IdentitySource, type UserTokenGetter } from "./identity.js";
import { AuditContextStore, type AuditScope, type CallerType } from "./audit.js";
import { resolveRetryPolicy, sleep, type RetryPolicy } from "./retry.js";
import type { CallEnv } from "./internal/call.js";
import { createTracing, whenLoaded } from "./internal/tracing.js";
import { traceVaultRequest } from "./internal/trace-spans.js";
import { tracedRequests, type VaultRequests } from "./internal/traced-requests.js";
import { decodeProxyResult } from "./internal/proxy.js";
import type { ApprovalAnswer } from "../protocol/wire.js";
import type { Logger } from "./logger.js";
import { runAuthenticate, runConnect, createConnectSession, type AuthenticateResult, type ConnectOptions, type ConnectSession, type ConnectSessionOptions, type FlowOptions } from "./connect.js";
import { GrantList, createManagedSecretGrant, revokeGrant, type CreateManagedSecretGrantOptions, type GrantInfo, type ListGrantsOptions } from "./grants.js";
import { AlterSDKError, AlterValueError, ApprovalDeniedError, ApprovalExpiredError, ApprovalError, ApprovalTimeoutError } from "./errors.js";

/** The local vault's default address (`alter-gen vault start`). */
export const DEFAULT_VAULT_URL = "http://127.0.0.1:7420";
const DEFAULT_TIMEOUT_MS = 30_000;

export interface AlterVaultOptions {
  /** `alter_sk_<keyId>_<secret>`; defaults to the ALTER_API_KEY environment variable. */
  apiKey?: string;
  /** Defaults to ALTER_BASE_URL, else http://127.0.0.1:7420. */
  baseUrl?: string;
  /** Who is calling, for audit (a service or agent name). */
  caller?: string;
  callerType?: CallerType;
  /** Returns the signed-in end user's IDP JWT; asked on every identity-based call. */
  userTokenGetter?: UserTokenGetter;
  /** Per request, vault and provider (default 30 s). */
  timeoutMs?: number;
  /** Retry policy of provider calls, or false to never retry. */
  retry?: Partial<RetryPolicy> | false;
  logger?: Logger;
  /**
   * Ed25519 private key registered for this API key: a PKCS#8 PEM string or a private KeyObject
   * from node:crypto (typed structurally so these declarations need no @types/node).
   */
  signingKey?: string | { readonly type: string; readonly asymmetricKeyType?: string | undefined };
  /** Allow a plain-http vault address that is not loopback (not recommended). */
  allowInsecureHttp?: boolean;
  /**
   * OpenTelemetry spans for provider and vault calls (README, "Tracing"): `true` uses the global
   * tracer provider, `{ tracerProvider }` a given one. Needs `@opentelemetry/api` installed; off
   * by default, and then the package is never loaded.
   */
  tracing?: boolean | { tracerProvider?: unknown };
}

export interface AwaitApprovalOptions {
  timeoutMs?: number;
  pollIntervalMs?: number;
  signal?: AbortSignalLike;
}


const INTERNALS = new WeakMap<AlterVault, CallEnv>();

/** The call environment of a vault (for generated clients via bindOperations; not public API). */
/** @internal */
export function internalsOf(vault: AlterVault): CallEnv {
  const env = INTERNALS.get(vault);
  if (!env) throw new AlterValueError("expected an AlterVault instance (new AlterVault({ apiKey }))");
  if (env.closed) throw new AlterValueError("this AlterVault was closed");
  return env;
}

function checkUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlterValueError(`${where} is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new AlterValueError(`${where} must be an http(s) URL`);
  if (url.username || url.password) throw new AlterValueError(`${where} must not contain credentials`);
  return value.replace(/\/+$/, "");
}

export class AlterVault {
  readonly #env: CallEnv;
  readonly #baseUrl: string;
  readonly #keyId: string;

  constructor(options: AlterVaultOptions) {
    if (options === null || typeof options !== "object") throw new AlterValueError("new AlterVault(options): options must be an object with apiKey");
    const fromEnv = options.apiKey === undefined && process.env.ALTER_API_KEY !== undefined;
    const apiKey = parseApiKey(fromEnv ? process.env.ALTER_API_KEY : options.apiKey, fromEnv ? "ALTER_API_KEY" : "apiKey");
    const baseUrl = checkUrl(options.baseUrl ?? process.env.ALTER_BASE_URL ?? DEFAULT_VAULT_URL, options.baseUrl ? "baseUrl" : process.env.ALTER_BASE_URL ? "ALTER_BASE_URL" : "the default vault URL");
    const callerType = options.callerType ?? "service";
    if (callerType !== "service" && callerType !== "agent") throw new AlterValueError('callerType must be "service" or "agent"');
    if (options.caller !== undefined && typeof options.caller !== "string") throw new AlterValueError("caller must be a string");
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new AlterValueError("timeoutMs must be a positive number of milliseconds");
    let retry: RetryPolicy;
    try {
      retry = resolveRetryPolicy(options.retry);
    } catch (e) {
      throw new AlterValueError((e as Error).message);
    }
    const transport = new VaultTransport({
      baseUrl,
      apiKey,
      // Checked by the transport (parseSigningKey): a PEM string or a private Ed25519 KeyObject.
      signingKey: options.signingKey as KeyObject | string | undefined,
      timeoutMs,
      allowInsecureHttp: options.allowInsecureHttp,
      logger: options.logger,
    });
    // A separate Agent for providers: no connection, header or TLS session is ever shared with
    // the vault's, so vault traffic and provider credentials cannot cross.
    // Its time limits are the vault's default; a call with its own timeoutMs passes it along.
    const providerAgent = new Agent({ keepAliveTimeout: 10_000, connections: 128, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    this.#baseUrl = baseUrl;
    this.#keyId = apiKey.keyId;
    this.#env = {
      transport,
      providerAgent,
      identity: new IdentitySource(options.userTokenGetter),
      audit: new AuditContextStore(),
      retry,
      caller: options.caller,
      callerType,
      timeoutMs,
      logger: options.logger,
      approvals: new Map(),
      now: Date.now,
      random: Math.random,
      closed: false,
      tracing: createTracing(options.tracing, (message) => (options.logger ? options.logger.warn(message) : process.emitWarning(message, { code: "ALTER_TRACING" }))),
    };
    INTERNALS.set(this, this.#env);
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** The API key's public id. */
  get keyId(): string {
    return this.#keyId;
  }

  /** Runs `fn` with audit context (runId, threadId, toolCallId, toolName, reason) for every call inside. */
  withContext<T>(context: AuditScope, fn: () => T): T {
    return this.#env.audit.run(context, fn);
  }

  /**
   * Runs `fn` with `userToken` (the end user's IDP JWT, e.g. the bearer token of one incoming
   * request) as the identity of every call inside it: `asUser()` grants, listings, connect
   * sessions and approvals. It wins over `authenticate()` and `userTokenGetter`; scopes nest (the
   * inner one wins) and concurrent scopes never mix (AsyncLocalStorage).
   */
  withUserToken<T>(userToken: string, fn: () => T): T {
    return this.#env.identity.run(userToken, fn);
  }

  /** The transport for requests outside a provider call: each one a span when tracing is on. */
  #requests(): VaultRequests {
    const env = this.#live();
    return tracedRequests(env.transport, env.tracing);
  }

  /** Creates a connect session, opens the browser (or prints the URL), waits, returns the new grants. */
  connect(options: ConnectOptions): Promise<GrantInfo[]> {
    return runConnect(this.#requests(), this.#env.identity, options, this.#env.logger);
  }

  /** A connect session for a web app to redirect its user to (`connectUrl`). */
  createConnectSession(options: ConnectSessionOptions): Promise<ConnectSession> {
    return createConnectSession(this.#requests(), this.#env.identity, options);
  }

  /** Browser login at the app's IDP; the user's token then backs every identity-based call. */
  authenticate(options: FlowOptions = {}): Promise<AuthenticateResult> {
    return runAuthenticate(this.#requests(), this.#env.identity, options, this.#env.logger);
  }

  /** `await` for one page; `for await` for every grant. With a user token source: that user's grants. */
  listGrants(options: ListGrantsOptions = {}): GrantList {
    return new GrantList(this.#requests(), this.#env.identity, options);
  }

  revokeGrant(grantId: string, options: { reason?: string; signal?: AbortSignalLike } = {}): Promise<GrantInfo> {
    return revokeGrant(this.#requests(), this.#env.identity, grantId, options);
  }

  createManagedSecretGrant(options: CreateManagedSecretGrantOptions): Promise<GrantInfo> {
    return createManagedSecretGrant(this.#requests(), options);
  }

  /**
   * Waits for a person to decide on an approval raised by a proxy-mode call, and returns that
   * call's decoded result once the vault has executed it.
   */
  async awaitApproval<R = unknown>(approvalId: string, options: AwaitApprovalOptions = {}): Promise<R> {
    if (typeof approvalId !== "string" || approvalId === "") throw new AlterValueError("awaitApproval: approvalId must be a non-empty string");
    const env = this.#live();
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    const pollIntervalMs = options.pollIntervalMs ?? 2_000;
    if (!(timeoutMs > 0) || !(pollIntervalMs > 0)) throw new AlterValueError("awaitApproval: timeoutMs and pollIntervalMs must be positive");
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // An approval is visible only to the principal whose call asked: the same user token as that call.
      const userToken = env.identity.configured ? await env.identity.current() : undefined;
      const path = `/v1/approvals/${encodeURIComponent(approvalId)}`;
      const poll = () => env.transport.request<ApprovalAnswer>("GET", path, { userToken, signal: platformSignal(options.signal) });
      const tracing = env.tracing;
      const { data } = await (tracing === undefined
        ? poll()
        : whenLoaded(tracing, (t) => traceVaultRequest(t, env.transport.baseUrl, "GET", path, "/v1/approvals/{approvalId}", poll, { "alter.approval.id": approvalId }), poll));
      switch (data.status) {
        case "executed": {
          if (!data.result && data.error?.code === "result_withheld") {
            throw new ApprovalError("result_withheld", "the approved request ran, but the vault withholds its result: it was stored before results were scrubbed of the credential", approvalId);
          }
          if (!data.result) throw new AlterSDKError("invalid_response", "the vault reported an executed approval without its result");
          const pending = env.approvals.get(approvalId);
          env.approvals.delete(approvalId);
          return decodeProxyResult(pending, data.result, env.now()).data as R;
        }
        case "denied":
          env.approvals.delete(approvalId);
          throw new ApprovalDeniedError(approvalId);
        case "expired":
          env.approvals.delete(approvalId);
          throw new ApprovalExpiredError(approvalId);
        case "failed":
          env.approvals.delete(approvalId);
          throw new ApprovalError("approval_failed", "the approved request could not be executed by the vault", approvalId);
        default:
          break; // pending, approved, executing
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new ApprovalTimeoutError(approvalId, `gave up waiting for approval ${approvalId} after ${timeoutMs} ms`);
      await sleep(Math.min(pollIntervalMs, left), platformSignal(options.signal));
    }
  }

  /** Closes both Agents. Calls after close fail with AlterValueError. */
  async close(): Promise<void> {
    if (this.#env.closed) return;
    this.#env.closed = true;
    this.#env.identity.clear();
    await Promise.allSettled([this.#env.transport.close(), this.#env.providerAgent.close()]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #live(): CallEnv {
    if (this.#env.closed) throw new AlterValueError("this AlterVault was closed");
    return this.#env;
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: this.#baseUrl, keyId: this.#keyId };
  }

  [inspectCustom](): string {
    return `AlterVault { baseUrl: '${this.#baseUrl}', keyId: '${this.#keyId}' }`;
  }
}
