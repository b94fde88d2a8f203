// Builds a route's context from its request, by the auth the route asks for: the signed
// request's key, sealing keys, nonce and end user make a SignedContext; a browser page or an
// open endpoint gets an UnsignedContext with no key and no user. Handlers pass the domain part
// (vault/context.ts) on to domain functions.
import type { IncomingMessage } from "node:http";
import { seal } from "../../protocol/seal.js";
import { VaultError } from "../errors.js";
import type { OpenedVault } from "../context.js";
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

/** The verified key's app, key, sealing keys and end user, with the JSON body. */
export async function signedContext(state: OpenedVault, r: IncomingRequest, v: VerifiedRequest): Promise<SignedContext> {
  const app = v.apiKey.appId === state.app.id ? state.app : await v.records.app(v.apiKey.appId);
  if (!app) throw new VaultError("unknown_key", "The key id is not a key of this vault.");
  const base = { ...vaultContext(state, app, r.audit), records: v.records };
  const token = r.req.headers["alter-user-token"];
  const userToken = typeof token === "string" ? token : null;
  const user = userToken === null ? null : await verifyUserToken(base, userToken);
  const { body } = parseBody(r, false);
  return {
    ...base,
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
    ...vaultContext(state, state.app, r.audit),
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
  if (r.rawBody.length === 0) return { body: undefined, form: null };
  const type = mediaType(r.req);
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
