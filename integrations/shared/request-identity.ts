// What the Express, Hono and Fastify adapters share: their options, checked once, and the
// decision for one incoming request: run it as a user (vault.withUserToken), run it with no
// identity, or answer 401/400 with an RFC 6750 challenge. Each adapter only reads the request
// and writes the answer in its framework's idiom. The token stays inside the decision object
// and the vault's AsyncLocalStorage; no message built here contains it.
import { AlterValueError, IdentityError, type AlterVault, type AuditScope } from "alter-gen/runtime";
import { isToken68, parseBearer, type AuthorizationHeader, type BearerResult } from "./bearer.js";

/** Options every adapter takes; `Req` is the framework's request (Express `req`, Hono `c`, Fastify `request`). */
export interface RequestIdentityOptions<Req> {
  /** The AlterVault whose generated clients the routes call. */
  vault: Pick<AlterVault, "withUserToken" | "withContext">;
  /**
   * Whether a request without a bearer token is refused with 401 and `WWW-Authenticate: Bearer`.
   * With `false` it runs with no user identity (asUser() calls then fail; system grants work). A
   * token that is present but malformed is refused either way.
   * @default true
   */
  required?: boolean;
  /**
   * Reads the user's IDP token from somewhere other than the Authorization header (a session
   * cookie, a session store). Return null/undefined/"" for "no token".
   * @default the request's `Authorization: Bearer` token
   */
  token?: (req: Req) => string | null | undefined | Promise<string | null | undefined>;
  /** Audit context for every provider call of the request (e.g. `{ runId: requestId }`). */
  context?: (req: Req) => AuditScope | undefined;
  /** The `realm` of the `WWW-Authenticate` challenge; omitted when not set. */
  realm?: string;
}

/** An answer that refuses the request. */
export interface Rejection {
  readonly kind: "reject";
  readonly status: 400 | 401;
  readonly headers: { readonly "www-authenticate": string };
  readonly body: { readonly error: string; readonly error_description: string };
}

/**
 * Run the rest of the request as this user (or with no user), under the request's audit context.
 * The token lives in `run`'s closure only, so inspecting or logging an admission shows none.
 */
export interface Admission {
  readonly kind: "run";
  /** Whether the request carries a user token. */
  readonly user: boolean;
  /** Runs `fn` (the rest of the request) inside the user and audit scopes. */
  run<T>(fn: () => T): T;
}

export type Decision = Admission | Rejection;

export interface RequestIdentity<Req> {
  decide(req: Req): Promise<Decision>;
  /**
   * The 401 challenge for an error of the request's handling when it is the vault refusing the
   * user's token (expired, wrong audience, not a JWT: IdentityError), else undefined.
   */
  refusal(error: unknown): Rejection | undefined;
}

// quoted-string content without quote, backslash or controls (RFC 9110 §5.6.4), so the
// challenge needs no escaping.
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
const MISSING = "this route needs the user's token: Authorization: Bearer <token>";

type Refused = Exclude<BearerResult, { kind: "token" }>;

/** The RFC 6750 answer to a request without a usable token. */
function rejection(result: Refused, realm: string | undefined): Rejection {
  const challenge = (params: string[]) => {
    const all = realm === undefined ? params : [`realm="${realm}"`, ...params];
    return all.length ? `Bearer ${all.join(", ")}` : "Bearer";
  };
  if (result.kind === "absent") {
    // RFC 6750 §3.1: a request with no credential gets the challenge without an error code.
    return { kind: "reject", status: 401, headers: { "www-authenticate": challenge([]) }, body: { error: "unauthorized", error_description: MISSING } };
  }
  const [status, error] = result.kind === "repeated" ? ([400, "invalid_request"] as const) : ([401, "invalid_token"] as const);
  const headers = { "www-authenticate": challenge([`error="${error}"`, `error_description="${result.reason}"`]) };
  return { kind: "reject", status, headers, body: { error, error_description: result.reason } };
}

/** Checks the options once, when the middleware or plugin is created; `where` names the adapter. */
export function requestIdentity<Req>(options: RequestIdentityOptions<Req>, where: string, header: (req: Req) => AuthorizationHeader): RequestIdentity<Req> {
  if (options === null || typeof options !== "object") throw new AlterValueError(`${where}: options must be an object with vault`);
  const { vault, required = true, token, context, realm } = options;
  if (!vault || typeof vault.withUserToken !== "function" || typeof vault.withContext !== "function") {
    throw new AlterValueError(`${where}: options.vault must be an AlterVault (new AlterVault({ apiKey }))`);
  }
  if (typeof required !== "boolean") throw new AlterValueError(`${where}: options.required must be true or false`);
  if (token !== undefined && typeof token !== "function") throw new AlterValueError(`${where}: options.token must be a function (req) => token`);
  if (context !== undefined && typeof context !== "function") throw new AlterValueError(`${where}: options.context must be a function (req) => audit context`);
  if (realm !== undefined && (typeof realm !== "string" || !QUOTABLE.test(realm))) {
    throw new AlterValueError(`${where}: options.realm must be a non-empty string of printable ASCII without " or \\`);
  }
  const reject = (result: Refused) => rejection(result, realm);

  const read = async (req: Req): Promise<BearerResult> => {
    if (!token) return parseBearer(header(req));
    const value = await token(req);
    if (value === null || value === undefined || value === "") return { kind: "absent" };
    if (typeof value !== "string") throw new AlterValueError(`${where}: options.token must return a string (the user's IDP token) or nothing`);
    return isToken68(value) ? { kind: "token", token: value } : { kind: "malformed", reason: "the user's token has characters outside the token68 set" };
  };

  const admit = (userToken: string | undefined, scope: AuditScope | undefined): Admission => ({
    kind: "run",
    user: userToken !== undefined,
    run<T>(fn: () => T): T {
      const inContext = scope ? () => vault.withContext(scope, fn) : fn;
      return userToken === undefined ? inContext() : vault.withUserToken(userToken, inContext);
    },
  });

  return {
    async decide(req) {
      const result = await read(req);
      if (result.kind === "token") return admit(result.token, context?.(req));
      if (result.kind === "absent" && !required) return admit(undefined, context?.(req));
      return reject(result);
    },
    refusal(error) {
      if (!(error instanceof IdentityError)) return undefined;
      return reject({ kind: "malformed", reason: "the vault did not accept the user's token (expired, revoked or not issued for this app)" });
    },
  };
}
