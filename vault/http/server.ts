// The vault's HTTP(S) server: routing, body limits, request verification, response signing,
// error envelopes. Handlers get a RouteContext and return a RouteResult.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { VaultError } from "../errors.js";
import { verifyUserToken } from "../identity/verify.js";
import type { RouteContext, RouteDef, RouteResult, VaultState } from "./context.js";
import { readBody, mediaType } from "./body.js";
import { KeyCache, peekKey, targetUri, verifyRequest, type KeyInfo } from "./verify.js";
import { NonceCache } from "./nonce-cache.js";
import { errorResult, send, type SigningInfo } from "./respond.js";
import { Router } from "./router.js";
import { seal } from "../../runtime/seal.js";
import type { AppRecord } from "../storage/apps.js";
import { getApp } from "../storage/apps.js";
import { tlsServerOptions } from "./tls.js";
import { clientAddress } from "./client-address.js";
import { RequestAudit } from "../audit/request-audit.js";
import { claimedKeyId, RefusalRecorder, type RefusalLimits } from "../audit/refusals.js";

export interface ServerOptions {
  routes: readonly RouteDef[];
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The URL clients use, when the vault sits behind a proxy (rebuilds @target-uri). */
  publicUrl?: string;
  /** CIDRs of reverse proxies whose forwarded headers name the client (see client-address.ts). */
  trustedProxies?: readonly string[];
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  /** Where unexpected errors are reported (never with secrets). */
  log?: (line: string) => void;
  /** Rate limits of the audit rows of refused requests (audit/refusals.ts). */
  refusalLimits?: Partial<RefusalLimits>;
}

export function createVaultServer(state: VaultState & { app: AppRecord }, opts: ServerOptions): Server {
  const router = new Router(opts.routes);
  const keys = new KeyCache();
  const nonces = new NonceCache();
  const scheme = opts.tls ? "https" : "http";
  const bodyLimit = opts.bodyLimit ?? 8 * 1024 * 1024;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const refusals = new RefusalRecorder(state.audit, { now: state.now, log, ...(opts.refusalLimits ? { limits: opts.refusalLimits } : {}) });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = targetUri(req, scheme, opts.publicUrl);
    let signing: SigningInfo | undefined;
    let result: RouteResult;
    const audited = new RequestAudit(state.audit);
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

      let known: KeyInfo | undefined;
      if (route.auth === "signed") {
        known = peekKey(state, keys, req);
        if (known) signing = { key: known, url, nowSec: Math.floor(state.now() / 1000) };
      }
      const rawBody = await readBody(req, bodyLimit);
      const ctx = baseContext(state, req, parsed, params, rawBody, clientAddress(req, opts.trustedProxies ?? []));
      ctx.audit = audited;

      if (route.auth === "signed") {
        const v = verifyRequest(state, keys, nonces, req, url, rawBody, known);
        signing = { key: v, url, nowSec: Math.floor(state.now() / 1000) };
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
    // A refusal its route did not audit (every failed signature check, among others) is recorded here.
    if ((result.status === 401 || result.status === 403) && !audited.wrote) recordRefusal(refusals, req, result, signing, clientAddress(req, opts.trustedProxies ?? []));
    send(req, res, result, signing);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      log(`alter vault: could not answer ${req.method} ${safePath(req.url)}: ${describe(e)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end();
    });
  };
  const server = opts.tls ? createHttpsServer(tlsServerOptions(opts.tls), listener) : createHttpServer(listener);
  server.on("close", () => refusals.close());
  server.keepAliveTimeout = 65_000;
  return server;
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

function recordRefusal(refusals: RefusalRecorder, req: IncomingMessage, result: RouteResult, signing: SigningInfo | undefined, remoteAddress: string): void {
  const code = (result.json as { error?: { code?: unknown } } | undefined)?.error?.code;
  const keyId = signing?.key.apiKey.id ?? null;
  refusals.record({
    reason: typeof code === "string" ? code : result.status === 401 ? "unauthorized" : "forbidden",
    status: result.status,
    remoteAddress,
    keyId,
    appId: signing?.key.apiKey.appId ?? null,
    claimedKeyId: keyId ? null : claimedKeyId(req.headers["signature-input"]),
    method: req.method ?? "GET",
    path: safePath(req.url),
  });
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
