// Builds a route's context from its request, by the auth the route asks for: the signed
// request's key, sealing keys, nonce and end user make a SignedContext; a browser page or an
// open endpoint gets an UnsignedContext with no key and no user. Handlers pass the domain part
// (vault/context.ts) on to domain functions.
import type { IncomingMessage } from "node:http";
import { seal } from "../../protocol/seal.js";
import { VaultError } from "../errors.js";
import type { OpenedVault, VerifiedUser } from "../context.js";
import type { AppRecord } from "../storage/apps.js";
import { vaultContext } from "../context.js";
import type { AuditSink } from "../audit/request-audit.js";
import { verifyUserToken } from "../identity/verify.js";
import { mediaType } from "./body.js";
import type { SignedContext, UnsignedContext } from "./context.js";
import type { VerifiedRequest } from "./verify.js";

/** The request as the server read it, before its route's auth is applied. */
export interface IncomingRequest {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  rawBody: Buffer;
  remoteAddress: string;
  audit: AuditSink;
}

/**
 * The verified key's app, key, sealing keys and end user, with the JSON body. Built in one object
 * literal (no spreads of the domain part), and with no promise when there is nothing to wait for:
 * the vault's own app and no Alter-User-Token.
 */
export function signedContext(state: OpenedVault, r: IncomingRequest, v: VerifiedRequest): SignedContext | Promise<SignedContext> {
  const token = r.req.headers["alter-user-token"];
  const userToken = typeof token === "string" ? token : null;
  if (v.apiKey.appId === state.app.id && userToken === null) return buildSigned(state, state.app, r, v, null, null);
  return withAppAndUser(state, r, v, userToken);
}

async function withAppAndUser(state: OpenedVault, r: IncomingRequest, v: VerifiedRequest, userToken: string | null): Promise<SignedContext> {
  const app = v.apiKey.appId === state.app.id ? state.app : await v.records.app(v.apiKey.appId);
  if (!app) throw new VaultError("unknown_key", "The key id is not a key of this vault.");
  const user = userToken === null ? null : await verifyUserToken({ ...vaultContext(state, app, r.audit), records: v.records }, userToken);
  return buildSigned(state, app, r, v, userToken, user);
}

function buildSigned(state: OpenedVault, app: AppRecord, r: IncomingRequest, v: VerifiedRequest, userToken: string | null, user: VerifiedUser | null): SignedContext {
  const { body } = parseBody(r, false);
  return {
    // The domain part, as vaultContext(state, app, r.audit) builds it.
    vault: state,
    store: state.store,
    crypto: state.crypto,
    now: state.now,
    audit: r.audit,
    app,
    records: v.records,
    caller: { keyId: v.apiKey.id, user, remoteAddress: r.remoteAddress },
    req: r.req,
    method: r.req.method ?? "GET",
    url: r.url,
    params: r.params,
    body,
    apiKey: v.apiKey,
    keys: v.keys,
    userToken,
    requestNonce: v.nonce,
    sealForCaller: (value: unknown) => seal(value, v.keys.credentialSealing, v.nonce),
  };
}

/** A browser page or open endpoint: the vault's only app, no key, no user; forms allowed. */
export function unsignedContext(state: OpenedVault, r: IncomingRequest): UnsignedContext {
  const { body, form } = parseBody(r, true);
  return {
    // The domain part, as vaultContext(state, state.app, r.audit) builds it.
    vault: state,
    store: state.store,
    crypto: state.crypto,
    now: state.now,
    audit: r.audit,
    app: state.app,
    caller: { keyId: null, user: null, remoteAddress: r.remoteAddress },
    req: r.req,
    method: r.req.method ?? "GET",
    url: r.url,
    params: r.params,
    body,
    form,
  };
}

/** Signed API routes take JSON only; browser routes may also take HTML form posts. */
function parseBody(r: IncomingRequest, formsAllowed: boolean): { body: unknown; form: URLSearchParams | null } {
  if (r.rawBody.length === 0) return NO_BODY;
  // The SDK's exact header needs no splitting or case folding.
  const stated = r.req.headers["content-type"];
  const type = stated === "application/json" ? stated : mediaType(r.req);
  if (type === "application/json") {
    try {
      return { body: JSON.parse(r.rawBody.toString("utf8")), form: null };
    } catch {
      throw new VaultError("invalid_request", "The request body is not valid JSON.");
    }
  }
  if (formsAllowed && type === "application/x-www-form-urlencoded") return { body: undefined, form: new URLSearchParams(r.rawBody.toString("utf8")) };
  throw new VaultError("unsupported_media_type", "Send the body as application/json.");
}

const NO_BODY = Object.freeze({ body: undefined, form: null });
