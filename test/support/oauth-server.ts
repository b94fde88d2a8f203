// A small scripted OAuth 2 authorization server on 127.0.0.1, for the behaviours a real one
// never shows: hostile (bounces the user to another server, answers with another issuer) and
// broken (500s, oversized or malformed token answers). Each endpoint answers what the test sets;
// every request is recorded. The authorize endpoint needs no login: it redirects straight back.
//
//   const as = await startOAuthServer();
//   as.token = () => ({ status: 500, json: { error: "server_error" } });
//   as.requests("/token").length;
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The form body of POSTs. */
  form: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Date.now() when the request arrived. */
  at: number;
}

/**
 * What an endpoint answers: JSON; a body streamed up to `bytes` (until the client hangs up); or
 * a body that drips one byte every `everyMs` and never ends.
 */
export type Answer =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; stream: { prefix: string; bytes: number; declareLength?: boolean } }
  | { status?: number; drip: { prefix: string; everyMs: number } };

export interface AuthorizeAnswer {
  /** Where the browser goes: by default the request's redirect_uri with code, state and iss. */
  location: string;
}

export interface OAuthServer {
  /** `http://127.0.0.1:<port>`, also the issuer identifier. */
  readonly url: string;
  readonly issuer: string;
  readonly endpoints: { authorize: string; token: string; revoke: string; userinfo: string; jwks: string; device: string };
  /** The authorize endpoint: gets the request's query, returns where to send the browser. */
  authorize: (query: URLSearchParams) => AuthorizeAnswer;
  token: (form: URLSearchParams) => Answer;
  /** RFC 8628 device authorization endpoint, at /device_authorization. Default: a 404 answer. */
  deviceAuthorization: (form: URLSearchParams) => Answer;
  revoke: (form: URLSearchParams) => Answer;
  userinfo: () => Answer;
  jwks: () => Answer;
  /** RFC 8414 metadata at /.well-known/oauth-authorization-server (and openid-configuration). */
  metadata: () => Answer;
  requests(path?: string): Recorded[];
  /** Bytes written by streamed answers, per path. */
  streamedBytes(path: string): number;
  /** Redirect back to the client with a fresh code; `iss` "omit" leaves the parameter out. */
  redirectBack(query: URLSearchParams, extra?: { iss?: string | "omit"; code?: string }): AuthorizeAnswer;
  close(): Promise<void>;
}

export function tokenJson(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    access_token: `at-${randomBytes(12).toString("hex")}`,
    token_type: "Bearer",
    expires_in: 3600,
    refresh_token: `rt-${randomBytes(12).toString("hex")}`,
    ...extra,
  };
}

export async function startOAuthServer(): Promise<OAuthServer> {
  const recorded: Recorded[] = [];
  const streamed = new Map<string, number>();
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const as: OAuthServer = {
    url,
    issuer: url,
    endpoints: { authorize: `${url}/authorize`, token: `${url}/token`, revoke: `${url}/revoke`, userinfo: `${url}/userinfo`, jwks: `${url}/jwks`, device: `${url}/device_authorization` },
    authorize: (q) => as.redirectBack(q),
    token: () => ({ json: tokenJson() }),
    deviceAuthorization: () => ({ status: 404, json: { error: "not_found" } }),
    revoke: () => ({ json: {} }),
    userinfo: () => ({ json: { sub: "user-1", email: "user-1@example.test" } }),
    jwks: () => ({ json: { keys: [] } }),
    metadata: () => ({
      json: { issuer: url, authorization_endpoint: `${url}/authorize`, token_endpoint: `${url}/token`, authorization_response_iss_parameter_supported: true },
    }),
    requests: (path) => recorded.filter((r) => path === undefined || r.path === path),
    streamedBytes: (path) => streamed.get(path) ?? 0,
    redirectBack: (q, extra = {}) => {
      const back = new URL(q.get("redirect_uri")!);
      back.searchParams.set("code", extra.code ?? `code-${randomBytes(8).toString("hex")}`);
      back.searchParams.set("state", q.get("state") ?? "");
      if (extra.iss !== "omit") back.searchParams.set("iss", extra.iss ?? url);
      return { location: back.toString() };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const u = new URL(req.url ?? "/", url);
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      recorded.push({ method: req.method ?? "GET", path: u.pathname, query: u.searchParams, form, headers: req.headers, at: Date.now() });
      if (u.pathname === "/authorize") {
        res.writeHead(302, { location: as.authorize(u.searchParams).location }).end();
        return;
      }
      const answer = route(as, u.pathname, form);
      if (!answer) {
        res.writeHead(404).end();
        return;
      }
      await send(res, answer, (n) => streamed.set(u.pathname, (streamed.get(u.pathname) ?? 0) + n));
    })().catch(() => res.destroy());
  });
  return as;
}

function route(as: OAuthServer, path: string, form: URLSearchParams): Answer | undefined {
  switch (path) {
    case "/token":
      return as.token(form);
    case "/revoke":
      return as.revoke(form);
    case "/device_authorization":
      return as.deviceAuthorization(form);
    case "/userinfo":
      return as.userinfo();
    case "/jwks":
      return as.jwks();
    case "/.well-known/oauth-authorization-server":
    case "/.well-known/openid-configuration":
      return as.metadata();
    default:
      return undefined;
  }
}

const CHUNK = Buffer.alloc(64 * 1024, "A");

/** Writes the answer; a streamed one reuses one chunk and waits for the reader (no allocation). */
async function send(res: ServerResponse, answer: Answer, count: (n: number) => void): Promise<void> {
  const status = answer.status ?? 200;
  if ("json" in answer) {
    res.writeHead(status, { "content-type": "application/json", ...answer.headers }).end(JSON.stringify(answer.json));
    return;
  }
  if ("drip" in answer) {
    res.writeHead(status, { "content-type": "application/json" });
    res.write(answer.drip.prefix);
    const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(" ")), answer.drip.everyMs);
    res.on("close", () => clearInterval(timer));
    return;
  }
  const { prefix, bytes, declareLength } = answer.stream;
  res.writeHead(status, { "content-type": "application/json", ...(declareLength ? { "content-length": String(bytes) } : {}) });
  let written = 0;
  const write = (buf: Buffer) =>
    new Promise<boolean>((resolve) => {
      if (res.destroyed) return resolve(false);
      written += buf.length;
      count(buf.length);
      if (res.write(buf)) return resolve(true);
      const done = (ok: boolean) => {
        res.off("drain", onDrain);
        res.off("close", onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      res.on("drain", onDrain);
      res.on("close", onClose);
    });
  if (!(await write(Buffer.from(prefix)))) return;
  while (written < bytes) {
    const left = bytes - written;
    if (!(await write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)))) return;
  }
  res.end();
}
