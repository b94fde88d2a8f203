// What every route handler receives. Built by the server for each request after the auth
// step its route asks for ("signed": RFC 9421 verified; "browser"/"none": no API key).
import type { IncomingMessage } from "node:http";
import type { Db } from "../storage/db.js";
import type { AtRest } from "../crypto/at-rest.js";
import type { AuditWriter } from "../audit/writer.js";
import type { AuditSink } from "../audit/request-audit.js";
import type { AppRecord } from "../storage/apps.js";
import type { ApiKeyRecord, DerivedKeys } from "../storage/api-keys.js";
import type { CatalogProvider } from "../../catalog/index.js";
import type { KeyScope } from "../keys/scopes.js";

/** A verified end user (from Alter-User-Token), as vault/identity/verify.ts returns it. */
export interface VerifiedUser {
  userId: string;
  /** The IDP issuer that vouched for the token; its groups are group ids at this issuer. */
  issuer: string;
  subject: string;
  groups: string[];
}

/** State shared by all requests of one running vault (also built by the admin functions). */
export interface VaultState {
  dataDir: string;
  db: Db;
  crypto: AtRest;
  /** Milliseconds since the epoch; injectable for tests. */
  now: () => number;
  /** When this process started serving; requests signed before it are refused as replays. */
  startedAt: number;
  audit: AuditWriter;
  /** The catalog entry of a provider id (specs/providers.yaml), or undefined. */
  catalogProvider: (id: string) => CatalogProvider | undefined;
  /** The vault's own base URL as clients reach it (e.g. http://127.0.0.1:7420), no trailing slash. */
  baseUrl: string;
}

export interface RouteContext {
  vault: VaultState;
  db: Db;
  crypto: AtRest;
  /** The vault's audit writer, noting whether this request's handler wrote a row. */
  audit: AuditSink;
  now: () => number;
  /** The app the request belongs to (from the API key; the only app for browser routes). */
  app: AppRecord;
  /** The verified API key (signed routes), else null. */
  apiKey: ApiKeyRecord | null;
  /** The API key's derived keys (signed routes), for sealing values to the caller. */
  keys: DerivedKeys | null;
  /** The verified end user when the request carried Alter-User-Token, else null. */
  user: VerifiedUser | null;
  /** The raw Alter-User-Token header (already verified when `user` is set). */
  userToken: string | null;
  /** The nonce of the request's signature (the AAD of sealed values), signed routes only. */
  requestNonce: string | null;
  remoteAddress: string;
  req: IncomingMessage;
  method: string;
  url: URL;
  params: Record<string, string>;
  /** Parsed JSON body (application/json), undefined when there was none. */
  body: unknown;
  /** Parsed form body (application/x-www-form-urlencoded), null otherwise. */
  form: URLSearchParams | null;
  rawBody: Buffer;
  /** Seals a JSON value to the caller with the credential-sealing key and the request nonce. */
  sealForCaller(value: unknown): SealedValue;
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
}

export type RouteAuth = "signed" | "browser" | "none";

interface RouteBase {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path pattern; ":name" segments become ctx.params.name. */
  path: string;
  handler(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

/** A signed route names the API key scope it needs (checked before its handler runs); browser
 *  and unsigned routes have no key, hence no scope. */
export type RouteDef =
  | (RouteBase & { auth: "signed"; scope: KeyScope })
  | (RouteBase & { auth: Exclude<RouteAuth, "signed">; scope?: undefined });
