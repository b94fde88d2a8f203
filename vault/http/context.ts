// What route handlers receive, typed by the auth their route asks for: a SignedContext
// (RFC 9421 verified: the API key, its derived keys, the nonce) for "signed" routes, an
// UnsignedContext (no key, no end user) for browser pages and open endpoints. Both extend the
// domain's CallerContext (vault/context.ts), which is all a domain function is ever given.
import type { IncomingMessage } from "node:http";
import type { Caller, CallerContext } from "../context.js";

// The verifier (verify.ts) and the server take the running vault from here as well.
export type { VaultState, VerifiedUser } from "../context.js";
import type { ApiKeyRecord, DerivedKeys } from "../storage/api-keys.js";
import type { KeyScope } from "../keys/scopes.js";
import type { ArrivingBody } from "../proxy/send.js";

/** What every handler sees of its request, whatever its auth. */
interface RequestContext extends CallerContext {
  req: IncomingMessage;
  method: string;
  url: URL;
  params: Record<string, string>;
  /** Parsed JSON body (application/json), undefined when there was none. */
  body: unknown;
}

/** A request signed with one of the app's API keys, verified before its handler runs. */
export interface SignedContext extends RequestContext {
  caller: Caller & { keyId: string };
  /** The verified API key (its scope was checked by the route table). */
  apiKey: ApiKeyRecord;
  /** The API key's derived keys, for sealing values to the caller. */
  keys: DerivedKeys;
  /** The raw Alter-User-Token header (verified: `caller.user` is set when it is). */
  userToken: string | null;
  /** The nonce of the request's signature (the AAD of sealed values). */
  requestNonce: string;
  /** Seals a JSON value to the caller with the credential-sealing key and the request nonce. */
  sealForCaller(value: unknown): SealedValue;
}

/** A browser page or an open endpoint: no API key, no end user. */
export interface UnsignedContext extends RequestContext {
  caller: Caller & { keyId: null; user: null };
  /** Parsed form body (application/x-www-form-urlencoded), null otherwise. */
  form: URLSearchParams | null;
}

export type { SealedValue } from "../../protocol/seal.js";
import type { SealedValue } from "../../protocol/seal.js";

export interface RouteResult {
  status: number;
  /** JSON body (signed routes always answer JSON). */
  json?: unknown;
  /** HTML body (browser routes). */
  html?: string;
  /** Redirect target (browser routes); status should be 302 or 303. */
  location?: string;
  /** Origins an HTML page's forms may end up at besides the vault (CSP form-action also
   *  governs every redirect after a form's POST), or "any" to leave form-action out: an
   *  authorization server may send the person on to another origin (a sign-in host, a
   *  workspace subdomain), and browsers check each hop against form-action. */
  formActions?: string[] | "any";
  headers?: Record<string, string>;
  /** A body relayed as it arrives after `json` as the signed head (docs/protocol.md, "Streamed answers"). */
  stream?: ArrivingBody;
}

export type RouteAuth = "signed" | "browser" | "none";

interface RouteBase {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path pattern; ":name" segments become ctx.params.name. */
  path: string;
}

type Handler<C> = (ctx: C) => Promise<RouteResult> | RouteResult;

/** A signed route names the API key scope it needs (checked before its handler runs) and its
 *  handler sees the verified key; browser and unsigned routes have no key, hence no scope. */
export type SignedRoute = RouteBase & { auth: "signed"; scope: KeyScope; handler: Handler<SignedContext> };
export type UnsignedRoute = RouteBase & { auth: Exclude<RouteAuth, "signed">; scope?: undefined; handler: Handler<UnsignedContext> };
export type RouteDef = SignedRoute | UnsignedRoute;
