// The vault's HTTP(S) server: routing, request verification (headers first, then the body
// streamed into its digest), response signing, error envelopes, and the limits that keep one
// client from holding the server (connection timeouts, connections per source address).
// Handlers get a context typed by their route's auth (route-context.ts) and return a RouteResult.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { VaultError } from "../errors.js";
import type { RouteDef, RouteResult } from "./context.js";
import type { OpenedVault } from "../context.js";
import { readBody, readSignedBody } from "./body.js";
import { signedContext, unsignedContext, type IncomingRequest } from "./route-context.js";
import { KeyCache, targetUri, verifyRequestHeaders, type Verifier, type VerifiedRequest } from "./verify.js";
import { replayGuard } from "./replay.js";
import { errorResult, send, type SigningInfo } from "./respond.js";
import { refusalError, type Refusal } from "./refusal.js";
import { capConnectionsPerSource, resolveLimits, type ConnectionLimits } from "./limits.js";
import { Router } from "./router.js";
import { isStorageUnavailable } from "../storage/sql/unavailable.js";
import { KEY_LAST_USE_INTERVAL_MS, type ApiKeyRecord } from "../storage/api-keys.js";
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

export function createVaultServer(state: OpenedVault, opts: ServerOptions): Server {
  const router = new Router(opts.routes);
  const limits = resolveLimits(opts.limits);
  const scheme = opts.tls ? "https" : "http";
  const bodyLimit = opts.bodyLimit ?? 8 * 1024 * 1024;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const verifier: Verifier = { state, keys: new KeyCache(), nonces: replayGuard(state.store, { now: state.now, log }) };
  const refusals = new RefusalRecorder(state.audit, { now: state.now, log, ...(opts.refusalLimits ? { limits: opts.refusalLimits } : {}) });
  const trusted = opts.trustedProxies ?? [];

  /**
   * The answer to a failure no route expected, logged with `where`: a database out of reach is
   * `storage_unavailable` (503; behind a balancer another instance may answer the retry), anything
   * else `internal_error`.
   */
  const unexpected = (e: unknown, where: string): VaultError => {
    if (isStorageUnavailable(e)) {
      log(`alter vault: the database is out of reach ${where}: ${describe(e)}`);
      return new VaultError("storage_unavailable", "The vault cannot reach its database right now; try again.");
    }
    log(`alter vault: internal error ${where}: ${describe(e)}`);
    return new VaultError("internal_error", "The vault failed to handle the request; try again.");
  };

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
    const verdict = await verifyRequestHeaders(verifier, req, url);
    // Once the key is known, the answer is signed, refusals included.
    const signing: SigningInfo | undefined = verdict.key ? { key: verdict.key, url, nowSec: 0 } : undefined;
    if (!verdict.result.ok) return { signing, outcome: verdict.result };
    const verified = verdict.result.value;
    const read = readSignedBody(req, bodyLimit, verified.digests, verified.apiKey.id);
    const body = read instanceof Promise ? await read : read;
    if (!body.ok) return { signing, outcome: body };
    return { signing, outcome: { ok: true as const, value: { verified, rawBody: body.value } } };
  };

  /**
   * A verified key's last use (`vault keys list`), at most once a minute; never a reason to fail
   * the request. The record was read for this request, so a use it already shows as recent
   * costs no write (the UPDATE's own condition would have matched nothing), and no promise.
   */
  const noteKeyUse = (apiKey: ApiKeyRecord): Promise<void> | undefined => {
    const now = state.now();
    if (apiKey.lastUsedAt !== null && Date.parse(apiKey.lastUsedAt) > now - KEY_LAST_USE_INTERVAL_MS) return undefined;
    return state.store.apiKeys.touch(apiKey.id, now).then(
      () => undefined,
      (e: unknown) => log(`alter vault: could not record the last use of key ${apiKey.id}: ${describe(e)}`),
    );
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
      const incoming = (rawBody: Buffer): IncomingRequest => ({ req, url: parsed, params, rawBody, remoteAddress: clientAddress(req, trusted), audit: audited });
      if (route.auth === "signed") {
        const signed = await readSigned(req, url);
        signing = signed.signing;
        if (!signed.outcome.ok) {
          refusedBySignature = true;
          throw refuse(signed.outcome.refusal, req, signing);
        }
        const { verified, rawBody } = signed.outcome.value;
        // Awaited only when there is a promise: an await of a plain value still costs a turn.
        const touched = noteKeyUse(verified.apiKey);
        if (touched !== undefined) await touched;
        const ctx = signedContext(state, incoming(rawBody), verified);
        const out = route.handler(ctx instanceof Promise ? await ctx : ctx);
        result = out instanceof Promise ? await out : out;
      } else {
        const read = readBody(req, bodyLimit);
        const out = route.handler(unsignedContext(state, incoming(read instanceof Promise ? await read : read)));
        result = out instanceof Promise ? await out : out;
      }
    } catch (e) {
      result = errorResult(e instanceof VaultError ? e : unexpected(e, `on ${req.method} ${safePath(req.url)}`));
    }
    if (signing) signing.nowSec = Math.floor(state.now() / 1000);
    try {
      // settle() has nothing to wait for when no row was written (health, pages).
      if (audited.wrote) await audited.settle();
    } catch (e) {
      result = errorResult(unexpected(e, `writing the audit row of ${req.method} ${safePath(req.url)}`));
    }
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
  server.on("close", () => {
    refusals.close();
    verifier.nonces.close();
  });
  return server;
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

function safePath(url: string | undefined): string {
  return (url ?? "/").split("?")[0]!;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split("\n")[0]!.slice(0, 200)}`;
  return "non-error thrown";
}
