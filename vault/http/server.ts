// The vault's HTTP(S) server: routing, request verification (headers first, then the body
// streamed into its digest), response signing, error envelopes, and the limits that keep one
// client from holding the server (connection timeouts, connections per source address).
// Handlers get a RouteContext and return a RouteResult.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { VaultError } from "../errors.js";
import { verifyUserToken } from "../identity/verify.js";
import type { RouteContext, RouteDef, RouteResult, VaultState } from "./context.js";
import { readBody, readSignedBody, mediaType } from "./body.js";
import { KeyCache, targetUri, verifyRequestHeaders, type Verifier, type VerifiedRequest } from "./verify.js";
import { NonceCache } from "./nonce-cache.js";
import { errorResult, send, type SigningInfo } from "./respond.js";
import { refusalError, type Refusal } from "./refusal.js";
import { capConnectionsPerSource, resolveLimits, type ConnectionLimits } from "./limits.js";
import { Router } from "./router.js";
import { seal } from "../../protocol/seal.js";
import type { AppRecord } from "../storage/apps.js";
import { getApp } from "../storage/apps.js";
import { tlsServerOptions } from "./tls.js";
import { clientAddress } from "./client-address.js";
import { RequestAudit } from "../audit/request-audit.js";
import { claimedKeyId, RefusalRecorder, type RefusalLimits, type Refusal as RefusalRow } from "../audit/refusals.js";

export interface ServerOptions {
  routes: readonly RouteDef[];
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The URL clients use, when the vault sits behind a proxy (rebuilds @target-uri). */
  publicUrl?: string;
  /** CIDRs of reverse proxies whose forwarded headers name the client (see client-address.ts). */
  trustedProxies?: readonly string[];
  /** Largest accepted request body, in bytes. @default 8 MiB */
  bodyLimit?: number;
  /** Connection timeouts and the per-source connection cap (limits.ts has the defaults). */
  limits?: ConnectionLimits;
  /** Where unexpected errors are reported (never with secrets). */
  log?: (line: string) => void;
  /** Rate limits of the audit rows of refused requests (audit/refusals.ts). */
  refusalLimits?: Partial<RefusalLimits>;
}

export function createVaultServer(state: VaultState & { app: AppRecord }, opts: ServerOptions): Server {
  const router = new Router(opts.routes);
  const verifier: Verifier = { state, keys: new KeyCache(), nonces: new NonceCache() };
  const limits = resolveLimits(opts.limits);
  const scheme = opts.tls ? "https" : "http";
  const bodyLimit = opts.bodyLimit ?? 8 * 1024 * 1024;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const refusals = new RefusalRecorder(state.audit, { now: state.now, log, ...(opts.refusalLimits ? { limits: opts.refusalLimits } : {}) });
  const trusted = opts.trustedProxies ?? [];

  /**
   * Every refused signed request passes here on its way to its error answer, and leaves its audit
   * row (rate-limited per source): the refusal's code is the reason, its key id (well-formed
   * only) the claimed one when the key is no key of this vault.
   */
  const refuse = (r: Refusal, req: IncomingMessage, signing: SigningInfo | undefined): VaultError => {
    const error = refusalError(r);
    refusals.record(refusalRow(req, error.status, r.code, signing, r.keyId ?? null, clientAddress(req, trusted)));
    return error;
  };

  /** Headers first, then the body streamed into its digest: a refused request's body is never read. */
  const readSigned = async (req: IncomingMessage, url: string) => {
    const verdict = verifyRequestHeaders(verifier, req, url);
    // Once the key is known, the answer is signed, refusals included.
    const signing: SigningInfo | undefined = verdict.key ? { key: verdict.key, url, nowSec: 0 } : undefined;
    if (!verdict.result.ok) return { signing, outcome: verdict.result };
    const verified = verdict.result.value;
    const body = await readSignedBody(req, bodyLimit, verified.digests, verified.apiKey.id);
    if (!body.ok) return { signing, outcome: body };
    return { signing, outcome: { ok: true as const, value: { verified, rawBody: body.value } } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = targetUri(req, scheme, opts.publicUrl);
    let signing: SigningInfo | undefined;
    let result: RouteResult;
    const audited = new RequestAudit(state.audit);
    // Set when the signature stage refused the request (its row is written by refuse()).
    let refusedBySignature = false;
    try {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new VaultError("invalid_request", "The request target is not a valid URL.");
      }
      const match = router.match(req.method ?? "GET", parsed.pathname);
      if (match === undefined) throw new VaultError("not_found", `No route for ${parsed.pathname}.`);
      if (match === "method") throw new VaultError("method_not_allowed", `${req.method} is not allowed on ${parsed.pathname}.`);
      const { route, params } = match;

      let rawBody: Buffer;
      let verified: VerifiedRequest | undefined;
      if (route.auth === "signed") {
        const signed = await readSigned(req, url);
        signing = signed.signing;
        if (!signed.outcome.ok) {
          refusedBySignature = true;
          throw refuse(signed.outcome.refusal, req, signing);
        }
        ({ verified, rawBody } = signed.outcome.value);
      } else {
        rawBody = await readBody(req, bodyLimit);
      }
      const ctx = baseContext(state, req, parsed, params, rawBody, clientAddress(req, trusted));
      ctx.audit = audited;
      if (verified) await bindCaller(state, ctx, verified, req);
      parseBody(ctx, req, route.auth !== "signed");
      result = await route.handler(ctx);
    } catch (e) {
      if (e instanceof VaultError) result = errorResult(e);
      else {
        log(`alter vault: internal error on ${req.method} ${safePath(req.url)}: ${describe(e)}`);
        result = errorResult(new VaultError("internal_error", "The vault failed to handle the request; try again."));
      }
    }
    if (signing) signing.nowSec = Math.floor(state.now() / 1000);
    audited.settle();
    // Any other 401/403 its route did not audit (an invalid user token, a missing scope, a page's
    // refused link) is recorded here.
    if ((result.status === 401 || result.status === 403) && !audited.wrote && !refusedBySignature) {
      const code = (result.json as { error?: { code?: unknown } } | undefined)?.error?.code;
      const reason = typeof code === "string" ? code : result.status === 401 ? "unauthorized" : "forbidden";
      refusals.record(refusalRow(req, result.status, reason, signing, claimedKeyId(req.headers["signature-input"]), clientAddress(req, trusted)));
    }
    send(req, res, result, signing);
  };

  let refusedConnection = (_socket: Socket): boolean => false;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (refusedConnection(req.socket)) return;
    handle(req, res).catch((e: unknown) => {
      log(`alter vault: could not answer ${req.method} ${safePath(req.url)}: ${describe(e)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end();
    });
  };
  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
  const server = opts.tls ? createHttpsServer({ ...serverOptions, ...tlsServerOptions(opts.tls) }, listener) : createHttpServer(serverOptions, listener);
  refusedConnection = capConnectionsPerSource(server, limits.maxConnectionsPerSource, opts.tls !== undefined);
  server.on("close", () => refusals.close());
  return server;
}

/** Makes the verified key's app, key, sealing keys and end user the request's context. */
async function bindCaller(state: VaultState & { app: AppRecord }, ctx: RouteContext, v: VerifiedRequest, req: IncomingMessage): Promise<void> {
  const app = v.apiKey.appId === state.app.id ? state.app : getApp(state.db, v.apiKey.appId);
  if (!app) throw new VaultError("unknown_key", "The key id is not a key of this vault.");
  ctx.app = app;
  ctx.apiKey = v.apiKey;
  ctx.keys = v.keys;
  ctx.requestNonce = v.nonce;
  const token = req.headers["alter-user-token"];
  if (typeof token === "string") {
    ctx.userToken = token;
    ctx.user = await verifyUserToken(ctx, token);
  }
}

function baseContext(
  state: VaultState & { app: AppRecord },
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  rawBody: Buffer,
  remoteAddress: string,
): RouteContext {
  const ctx: RouteContext = {
    vault: state,
    db: state.db,
    crypto: state.crypto,
    audit: state.audit,
    now: state.now,
    app: state.app,
    apiKey: null,
    keys: null,
    user: null,
    userToken: null,
    requestNonce: null,
    remoteAddress,
    req,
    method: req.method ?? "GET",
    url,
    params,
    body: undefined,
    form: null,
    rawBody,
    sealForCaller: (value: unknown) => {
      if (!ctx.keys || ctx.requestNonce === null) throw new Error("sealForCaller needs a signed request");
      return seal(value, ctx.keys.credentialSealing, ctx.requestNonce);
    },
  };
  return ctx;
}

/**
 * The audit row of a refused request. `claimed` is the key id the request named, kept apart from
 * the key id column, and only when the key is no key of this vault.
 */
function refusalRow(req: IncomingMessage, status: number, reason: string, signing: SigningInfo | undefined, claimed: string | null, remoteAddress: string): RefusalRow {
  const keyId = signing?.key.apiKey.id ?? null;
  return {
    reason,
    status,
    remoteAddress,
    keyId,
    appId: signing?.key.apiKey.appId ?? null,
    claimedKeyId: keyId ? null : claimed,
    method: req.method ?? "GET",
    path: safePath(req.url),
  };
}

/** Signed API routes take JSON only; browser routes may also take HTML form posts. */
function parseBody(ctx: RouteContext, req: IncomingMessage, formsAllowed: boolean): void {
  if (ctx.rawBody.length === 0) return;
  const type = mediaType(req);
  if (type === "application/json") {
    try {
      ctx.body = JSON.parse(ctx.rawBody.toString("utf8"));
    } catch {
      throw new VaultError("invalid_request", "The request body is not valid JSON.");
    }
  } else if (formsAllowed && type === "application/x-www-form-urlencoded") {
    ctx.form = new URLSearchParams(ctx.rawBody.toString("utf8"));
  } else {
    throw new VaultError("unsupported_media_type", "Send the body as application/json.");
  }
}

function safePath(url: string | undefined): string {
  return (url ?? "/").split("?")[0]!;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split("\n")[0]!.slice(0, 200)}`;
  return "non-error thrown";
}
