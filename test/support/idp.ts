// A real OpenID provider (oidc-provider v9) on 127.0.0.1 for tests. It plays two roles:
// - the app's IDP: end users log in and get ID tokens (JWTs with a `groups` claim) that the
//   vault verifies on identity-based calls;
// - a provider's OAuth authorization server: the vault's connect flow authorizes, exchanges
//   codes, refreshes (rotating refresh tokens) and revokes against it.
// Logins go through its own small interaction pages (login form, consent with Allow/Deny), so a
// browser or the HTTP-only `login()` below drives the same pages.
//
//   const idp = await startIdp({ users: [{ sub: "alice", email: "a@x.test", groups: ["eng"] }],
//                                clients: [{ clientId: "app", clientSecret: "s", redirectUris: [cb] }] });
//   const { idToken } = await idp.login("alice", { clientId: "app" });   // a real end-user JWT
//   idp.tokenRequests("refresh_token").length;                           // refreshes seen
//   await idp.rotateKeys({ dropOld: true });  await idp.close();
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { restoreConsoleWarn } from "./quiet-oidc.js"; // before oidc-provider: see the file
import Provider, { errors } from "oidc-provider";

restoreConsoleWarn();

export interface IdpUser {
  sub: string;
  email?: string;
  name?: string;
  groups?: string[];
  /** Defaults to "password". */
  password?: string;
}

export interface IdpClient {
  clientId: string;
  /** Omit for a public client (token endpoint auth "none"). */
  clientSecret?: string;
  redirectUris: string[];
  /** Default client_secret_post when there is a secret, else none. */
  authMethod?: "client_secret_post" | "client_secret_basic" | "none";
  /** Default ["authorization_code", "refresh_token"]. */
  grantTypes?: string[];
}

export interface StartIdpOptions {
  users?: IdpUser[];
  clients?: IdpClient[];
  /** Seconds; short values let tests reach a token's refresh window. Default 3600. */
  accessTokenTtl?: number;
  /** Seconds. Default 3600. */
  idTokenTtl?: number;
  /** Seconds. Default 14 days. */
  refreshTokenTtl?: number;
  /** Rotate the refresh token on every use (reusing a rotated one revokes the grant). Default true. */
  rotateRefreshToken?: boolean;
  /** Extra scope values beyond openid, offline_access, email, profile, groups (e.g. "repo"). */
  extraScopes?: string[];
  /**
   * Resource servers (RFC 8707 resource indicators, e.g. an MCP server's URL): a login that names
   * one with `resource` gets a JWT access token (RFC 9068) whose `aud` is that URL, carrying the
   * user's groups, with the scope `RESOURCE_SCOPE`.
   */
  resources?: string[];
  /**
   * The device authorization grant (RFC 8628): `device_authorization_endpoint` in discovery,
   * every client allowed the device_code grant, and the user-code pages at `/device` (element ids
   * #user-code, #device-continue, #device-confirm, #device-abort; `idp-prompt` metas
   * device-input, device-confirm, device-done). Default false.
   */
  deviceFlow?: boolean;
}

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** The scope every resource server of `resources` is granted. */
export const RESOURCE_SCOPE = "mcp";

/** One HTTP request the IDP served; token requests also carry their grant type and outcome. */
export interface IdpRequest {
  method: string;
  path: string;
  /** The query parameters of the request URL. */
  query: URLSearchParams;
  status: number;
  grantType?: string;
  outcome?: "success" | "error";
  error?: string;
}

export interface IdpTokens {
  /** The ID token (a JWT); "" when the scope did not include openid. */
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  scope?: string;
}

export interface LoginOptions {
  clientId: string;
  /** Default the registered client's secret. */
  clientSecret?: string;
  /** Must be one of the client's redirect URIs; it is never contacted. Default the client's first. */
  redirectUri?: string;
  /** Default "openid email profile groups" (plus RESOURCE_SCOPE with `resource`). */
  scope?: string;
  password?: string;
  /** RFC 8707 resource indicator, one of the IDP's `resources`: the access token is then a JWT for it. */
  resource?: string;
}

export interface MintOptions {
  audience: string | string[];
  /** Seconds from now; negative for an already expired token. Default 600. */
  expiresIn?: number;
  issuer?: string;
  /** Seconds from now before which the token is not valid. */
  notBefore?: number;
  claims?: Record<string, unknown>;
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>`; discovery at `${issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly endpoints: { authorize: string; token: string; revocation: string; userinfo: string; jwks: string };
  /** Every request served, oldest first. */
  readonly requests: readonly IdpRequest[];
  /** Token endpoint requests, optionally only one grant type (e.g. "refresh_token"). */
  tokenRequests(grantType?: string): IdpRequest[];
  addUser(user: IdpUser): void;
  /** Replaces a user's groups (next token carries them). */
  setGroups(sub: string, groups: string[]): void;
  addClient(client: IdpClient): void;
  /** HTTP-only login through the real authorize → login → consent → token path. */
  login(sub: string, options: LoginOptions): Promise<IdpTokens>;
  /** An ID token signed with the IDP's current signing key, for edge cases a login cannot produce (expired, wrong audience). */
  mintIdToken(sub: string, options: MintOptions): Promise<string>;
  /** A new signing key; the old one stays published unless `dropOld`. */
  rotateKeys(options?: { dropOld?: boolean }): Promise<void>;
  /** Deletes every stored refresh token, so the next refresh fails with invalid_grant. Returns how many. */
  revokeRefreshTokens(): number;
  /** Refresh tokens currently stored (not consumed, not revoked). */
  activeRefreshTokens(): number;
  /**
   * Whether `token` is an access token this server issued and still honours (not expired, not
   * revoked): a resource server's check, for provider stand-ins that accept this IDP's tokens.
   */
  isActiveAccessToken(token: string): boolean;
  /** Every device_code (RFC 8628) and access token this server issued and still stores: canaries. */
  issuedSecrets(): string[];
  close(): Promise<void>;
}

const BASE_SCOPES = ["openid", "offline_access", "email", "profile", "groups"];

interface StoredEntry {
  payload: Record<string, unknown>;
  expiresAt: number | null;
}

export async function startIdp(options: StartIdpOptions = {}): Promise<TestIdp> {
  const users = new Map<string, IdpUser>();
  for (const user of options.users ?? []) users.set(user.sub, { ...user });
  const store = new Map<string, StoredEntry>();
  const requests: IdpRequest[] = [];
  const pending = new WeakMap<IncomingMessage, IdpRequest>();
  const cookieKeys = [randomBytes(32).toString("base64url")];
  let privateKeys: JWK[] = [await newSigningKey()];

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const key = (model: string, id: string) => `${model}:${id}`;
  const live = (entry: StoredEntry | undefined) =>
    entry && (entry.expiresAt === null || entry.expiresAt > Date.now()) ? entry : undefined;

  // A tiny adapter over one Map shared by every Provider instance of this IDP, so rotating keys
  // (a new instance) keeps sessions, grants and refresh tokens.
  class SharedAdapter {
    constructor(private readonly model: string) {}
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      store.set(key(this.model, id), {
        payload: structuredClone(payload),
        expiresAt: typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : null,
      });
    }
    async find(id: string) {
      const entry = live(store.get(key(this.model, id)));
      return entry ? structuredClone(entry.payload) : undefined;
    }
    async findByUid(uid: string) {
      for (const [k, entry] of store) {
        if (k.startsWith(`${this.model}:`) && entry.payload.uid === uid && live(entry)) {
          return structuredClone(entry.payload);
        }
      }
      return undefined;
    }
    async findByUserCode(userCode: string) {
      for (const [k, entry] of store) {
        if (k.startsWith(`${this.model}:`) && entry.payload.userCode === userCode && live(entry)) {
          return structuredClone(entry.payload);
        }
      }
      return undefined;
    }
    async consume(id: string) {
      const entry = store.get(key(this.model, id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(key(this.model, id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, entry] of store) if (entry.payload.grantId === grantId) store.delete(k);
    }
  }

  const clients = new Map<string, IdpClient>();
  const addClient = (client: IdpClient) => {
    clients.set(client.clientId, client);
    const authMethod = client.authMethod ?? (client.clientSecret ? "client_secret_post" : "none");
    const metadata: Record<string, unknown> = {
      client_id: client.clientId,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes ?? ["authorization_code", "refresh_token", ...(options.deviceFlow ? [DEVICE_CODE_GRANT] : [])],
      response_types: ["code"],
      token_endpoint_auth_method: authMethod,
    };
    if (client.clientSecret) metadata.client_secret = client.clientSecret;
    store.set(key("Client", client.clientId), { payload: metadata, expiresAt: null });
  };
  for (const client of options.clients ?? []) addClient(client);

  const buildProvider = async () => {
    const provider = new Provider(issuer, {
      adapter: SharedAdapter,
      jwks: { keys: privateKeys },
      cookies: { keys: cookieKeys },
      scopes: [...BASE_SCOPES, ...(options.extraScopes ?? [])],
      claims: {
        openid: ["sub"],
        email: ["email", "email_verified"],
        profile: ["name", "preferred_username"],
        groups: ["groups"],
      },
      // ID tokens carry the scope's claims (email, groups) in the code flow too, like most IDPs.
      conformIdTokenClaims: false,
      findAccount: async (_ctx: unknown, sub: string) => {
        const user = users.get(sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          claims: async () => ({
            sub,
            email: user.email,
            email_verified: user.email !== undefined,
            name: user.name,
            preferred_username: user.sub,
            groups: user.groups ?? [],
          }),
        };
      },
      features: {
        devInteractions: { enabled: false },
        // Only the client a token was issued to may revoke or introspect it.
        revocation: {
          enabled: true,
          allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) => token.clientId === client.clientId,
        },
        introspection: {
          enabled: true,
          allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) => token.clientId === client.clientId,
        },
        deviceFlow: { enabled: options.deviceFlow === true, ...devicePages },
        // Plain loopback http in tests; DPoP is not what we test.
        dPoP: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx: unknown, resource: string) => {
            if (!(options.resources ?? []).includes(resource)) throw new errors.InvalidTarget();
            return { scope: RESOURCE_SCOPE, audience: resource, accessTokenFormat: "jwt", accessTokenTTL: options.accessTokenTtl ?? 3600, jwt: { sign: { alg: "RS256" } } };
          },
        },
      },
      // Like IDPs with a groups mapper: JWT access tokens carry the user's groups, as ID tokens do.
      extraTokenClaims: async (_ctx: unknown, token: { kind: string; accountId?: string }) => {
        if (token.kind !== "AccessToken" || !token.accountId) return undefined;
        return { groups: users.get(token.accountId)?.groups ?? [] };
      },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      // Like GitHub or Google with access_type=offline: a refresh token whenever the client may refresh.
      issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
        client.grantTypeAllowed("refresh_token"),
      expiresWithSession: async () => false,
      rotateRefreshToken: () => options.rotateRefreshToken ?? true,
      ttl: {
        AccessToken: options.accessTokenTtl ?? 3600,
        AuthorizationCode: 60,
        DeviceCode: 600,
        IdToken: options.idTokenTtl ?? 3600,
        RefreshToken: options.refreshTokenTtl ?? 14 * 24 * 3600,
        Interaction: 600,
        Session: 3600,
        Grant: 14 * 24 * 3600,
      },
      clientBasedCORS: () => false,
      renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
        ctx.type = "html";
        ctx.body = page("Error", `<pre id="error">${escapeHtml(JSON.stringify(out))}</pre>`);
      },
    });
    provider.on("grant.success", (ctx) => {
      const record = pending.get(ctx.req);
      if (record) {
        record.grantType = String(ctx.oidc.params?.grant_type ?? "");
        record.outcome = "success";
      }
    });
    provider.on("grant.error", (ctx, err) => {
      const record = pending.get(ctx.req);
      if (record) {
        record.grantType = String(ctx.oidc.params?.grant_type ?? "");
        record.outcome = "error";
        record.error = (err as { error?: string }).error ?? "error";
      }
    });
    return provider;
  };

  let provider = await buildProvider();
  let handle = provider.callback();

  const interactions = createInteractionHandler(() => provider, users);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", issuer);
    const record: IdpRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, status: 0 };
    requests.push(record);
    pending.set(req, record);
    res.on("finish", () => {
      record.status = res.statusCode;
    });
    if (url.pathname.startsWith("/interaction/")) {
      interactions(req, res, url).catch((err: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 400;
          res.setHeader("content-type", "text/html; charset=utf-8");
        }
        res.end(page("Error", `<pre id="error">${escapeHtml(String((err as Error).message ?? err))}</pre>`));
      });
      return;
    }
    handle(req, res);
  });

  const endpoints = {
    authorize: `${issuer}/auth`,
    token: `${issuer}/token`,
    revocation: `${issuer}/token/revocation`,
    userinfo: `${issuer}/me`,
    jwks: `${issuer}/jwks`,
  };

  const idp: TestIdp = {
    issuer,
    endpoints,
    requests,
    tokenRequests: (grantType) =>
      requests.filter((r) => r.path === "/token" && (grantType === undefined || r.grantType === grantType)),
    addUser: (user) => void users.set(user.sub, { ...user }),
    setGroups: (sub, groups) => {
      const user = users.get(sub);
      if (!user) throw new Error(`test IDP: no user ${sub}`);
      user.groups = [...groups];
    },
    addClient,
    login: (sub, loginOptions) =>
      httpLogin(issuer, endpoints, users, sub, {
        ...loginOptions,
        redirectUri: loginOptions.redirectUri ?? clients.get(loginOptions.clientId)?.redirectUris[0],
        clientSecret: loginOptions.clientSecret ?? clients.get(loginOptions.clientId)?.clientSecret,
      }),
    mintIdToken: async (sub, mint) => {
      const signing = privateKeys[0]!;
      const user = users.get(sub);
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({
        email: user?.email,
        groups: user?.groups ?? [],
        ...(mint.claims ?? {}),
      })
        .setProtectedHeader({ alg: "RS256", kid: signing.kid!, typ: "JWT" })
        .setIssuer(mint.issuer ?? issuer)
        .setSubject(sub)
        .setAudience(mint.audience)
        .setIssuedAt(now)
        .setExpirationTime(now + (mint.expiresIn ?? 600))
        .setJti(randomUUID());
      if (mint.notBefore !== undefined) jwt.setNotBefore(now + mint.notBefore);
      return jwt.sign(await importJWK(signing, "RS256"));
    },
    rotateKeys: async (rotate = {}) => {
      const fresh = await newSigningKey();
      privateKeys = rotate.dropOld ? [fresh] : [fresh, ...privateKeys];
      provider = await buildProvider();
      handle = provider.callback();
    },
    revokeRefreshTokens: () => {
      let n = 0;
      for (const k of [...store.keys()]) {
        if (k.startsWith("RefreshToken:")) {
          store.delete(k);
          n += 1;
        }
      }
      return n;
    },
    activeRefreshTokens: () =>
      [...store.entries()].filter(([k, e]) => k.startsWith("RefreshToken:") && live(e) && !e.payload.consumed).length,
    // Opaque access tokens are stored under their own value.
    isActiveAccessToken: (token) => live(store.get(key("AccessToken", token))) !== undefined,
    // The adapter stores a device code and an opaque access token under their own value.
    issuedSecrets: () => [...store.keys()].filter((k) => k.startsWith("DeviceCode:") || k.startsWith("AccessToken:")).map((k) => k.slice(k.indexOf(":") + 1)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return idp;
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: randomBytes(8).toString("hex"), alg: "RS256", use: "sig" };
}

// ---------------------------------------------------------------------------------------------
// Interaction pages: GET /interaction/:uid renders the login or consent step; POSTs finish it.
// Element ids (#login, #password, #sign-in, #allow, #deny) are what browser tests click.

function createInteractionHandler(getProvider: () => Provider, users: Map<string, IdpUser>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const provider = getProvider();
    const [, , uid, action] = url.pathname.split("/");
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error("interaction mismatch");

    if (req.method === "GET") {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.setHeader("cache-control", "no-store");
      if (details.prompt.name === "login") {
        res.end(loginPage(uid, details.params.client_id ?? "", null));
      } else {
        res.end(consentPage(uid, details.params.client_id ?? "", details.params.scope ?? ""));
      }
      return;
    }
    if (req.method !== "POST") {
      res.statusCode = 405;
      res.end();
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    if (action === "login") {
      const sub = form.get("login") ?? "";
      const user = users.get(sub);
      if (!user || (user.password ?? "password") !== form.get("password")) {
        res.statusCode = 200;
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.end(loginPage(uid, details.params.client_id ?? "", "Unknown user or wrong password."));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
      return;
    }
    if (action === "confirm") {
      const accountId = details.session?.accountId;
      if (!accountId) throw new Error("no session");
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId, clientId: details.params.client_id ?? "" });
      if (!grant) throw new Error("grant not found");
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scopes.join(" "));
      }
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, {
        mergeWithLastSubmission: true,
      });
      return;
    }
    if (action === "abort") {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The user denied the request." },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  };
}

function loginPage(uid: string, clientId: string, error: string | null): string {
  return page(
    "Sign in",
    `<meta name="idp-prompt" content="login">
<h1>Sign in to ${escapeHtml(clientId)}</h1>
${error ? `<p id="login-error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
  <label>User <input id="login" name="login" autocomplete="username"></label>
  <label>Password <input id="password" name="password" type="password"></label>
  <button id="sign-in" type="submit">Sign in</button>
</form>`,
  );
}

function consentPage(uid: string, clientId: string, scope: string): string {
  return page(
    "Authorize",
    `<meta name="idp-prompt" content="consent">
<h1>${escapeHtml(clientId)} asks for: ${escapeHtml(scope)}</h1>
<form method="post" action="/interaction/${uid}/confirm"><button id="allow" type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button id="deny" type="submit">Deny</button></form>`,
  );
}

// The device flow's own pages (oidc-provider's defaults load web fonts from the internet).
type DeviceCtx = { body: string; type: string };
const devicePages = {
  userCodeInputSource: async (ctx: DeviceCtx, form: string, _out: unknown, err?: { name?: string; userCode?: string }) => {
    ctx.type = "html";
    const note = err ? `<p id="device-error">${escapeHtml(err.name === "AbortedError" ? "The sign-in was declined." : "That code is not valid.")}</p>` : "";
    ctx.body = page(
      "Enter code",
      `<meta name="idp-prompt" content="device-input">${note}
${form.replace('name="user_code"', 'id="user-code" name="user_code"')}
<button id="device-continue" type="submit" form="op.deviceInputForm">Continue</button>`,
    );
  },
  userCodeConfirmSource: async (ctx: DeviceCtx, form: string, client: { clientId: string }, _info: unknown, userCode: string) => {
    ctx.type = "html";
    ctx.body = page(
      "Confirm device",
      `<meta name="idp-prompt" content="device-confirm">
<h1>${escapeHtml(client.clientId)} on a device shows <code id="shown-code">${escapeHtml(userCode)}</code></h1>
${form}
<button id="device-confirm" type="submit" form="op.deviceConfirmForm">Continue</button>
<button id="device-abort" type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
    );
  },
  successSource: async (ctx: DeviceCtx) => {
    ctx.type = "html";
    ctx.body = page("Done", `<meta name="idp-prompt" content="device-done"><p id="device-done">You can close this page.</p>`);
  },
};

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// ---------------------------------------------------------------------------------------------
// HTTP-only login: follows the same redirects and posts the same forms a browser would.

async function httpLogin(
  issuer: string,
  endpoints: TestIdp["endpoints"],
  users: Map<string, IdpUser>,
  sub: string,
  options: LoginOptions,
): Promise<IdpTokens> {
  const user = users.get(sub);
  if (!user) throw new Error(`test IDP: no user ${sub}`);
  const redirectUri = options.redirectUri ?? `${issuer}/unused-callback`;
  const verifier = randomBytes(32).toString("base64url");
  const state = randomBytes(16).toString("base64url");
  const authorize = new URL(endpoints.authorize);
  const scope = options.scope ?? `openid email profile groups${options.resource ? ` ${RESOURCE_SCOPE}` : ""}`;
  const query = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope,
    state,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });
  if (scope.split(" ").includes("openid")) query.set("nonce", randomBytes(16).toString("base64url"));
  if (options.resource) query.set("resource", options.resource);
  authorize.search = query.toString();

  const jar = new Map<string, { value: string; path: string }>();
  const send = async (url: string, init: RequestInit = {}) => {
    const target = new URL(url);
    const cookie = [...jar]
      .filter(([, c]) => target.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
    const headers = new Headers(init.headers);
    if (cookie) headers.set("cookie", cookie);
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const pathAttr = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith("path="));
      const expired = attrs.some((a) => /^expires=thu, 01 jan 1970/i.test(a.trim())) || value === "";
      if (expired) jar.delete(name);
      else jar.set(name, { value, path: pathAttr ? pathAttr.slice(5) : "/" });
    }
    return res;
  };

  let next = authorize.toString();
  let code: string | null = null;
  for (let hop = 0; hop < 20 && code === null; hop += 1) {
    if (next.startsWith(redirectUri)) {
      const back = new URL(next);
      if (back.searchParams.get("error")) {
        throw new Error(`test IDP login failed: ${back.searchParams.get("error")} ${back.searchParams.get("error_description") ?? ""}`);
      }
      if (back.searchParams.get("state") !== state) throw new Error("test IDP login: state mismatch");
      code = back.searchParams.get("code");
      break;
    }
    const res = await send(next);
    if (res.status >= 300 && res.status < 400) {
      next = new URL(res.headers.get("location")!, next).toString();
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`test IDP login: ${res.status} at ${next}: ${html.slice(0, 300)}`);
    const prompt = /<meta name="idp-prompt" content="(\w+)">/.exec(html)?.[1];
    const uid = new URL(next).pathname.split("/")[2];
    let posted: Response;
    if (prompt === "login") {
      posted = await send(`${issuer}/interaction/${uid}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ login: sub, password: options.password ?? user.password ?? "password" }).toString(),
      });
    } else if (prompt === "consent") {
      posted = await send(`${issuer}/interaction/${uid}/confirm`, { method: "POST" });
    } else {
      throw new Error(`test IDP login: unexpected page at ${next}: ${html.slice(0, 300)}`);
    }
    if (posted.status !== 303) throw new Error(`test IDP login: ${prompt} step answered ${posted.status}: ${(await posted.text()).slice(0, 300)}`);
    next = new URL(posted.headers.get("location")!, next).toString();
  }
  if (!code) throw new Error("test IDP login: no authorization code after following the redirects");

  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
    client_id: options.clientId,
  });
  if (options.clientSecret) body.set("client_secret", options.clientSecret);
  if (options.resource) body.set("resource", options.resource);
  const res = await fetch(endpoints.token, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: body.toString(),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`test IDP token exchange failed: ${res.status} ${JSON.stringify(json)}`);
  return {
    idToken: typeof json.id_token === "string" ? json.id_token : "",
    accessToken: String(json.access_token),
    refreshToken: typeof json.refresh_token === "string" ? json.refresh_token : undefined,
    expiresIn: Number(json.expires_in),
    scope: typeof json.scope === "string" ? json.scope : undefined,
  };
}
