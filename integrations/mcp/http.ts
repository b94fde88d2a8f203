// The Streamable HTTP transport: a web-standard `fetch` handler (mountable anywhere) and a
// node:http listener on loopback by default. In front of the MCP SDK's handler, in order: the
// Host and Origin checks (DNS rebinding, cross-site requests: 403), the RFC 9728 protected
// resource metadata, and, when an IDP is configured, the bearer token (401 with a
// WWW-Authenticate challenge naming the metadata). The verified token then becomes the identity
// of that request's tool calls (vault.withUserToken, in server.ts).
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import {
  bearerAuthChallengeResponse,
  createMcpHandler,
  getOAuthProtectedResourceMetadataUrl,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  validateHostHeader,
  validateOriginHeader,
  verifyBearerToken,
  type AuthInfo,
} from "@modelcontextprotocol/server";
import { AlterValueError } from "../../runtime/index.js";
import type { AlterMcpServer } from "./server.js";
import { audienceVerifier } from "./token.js";

export interface McpHttpAuth {
  /** The authorization server(s) that issue this server's tokens: the vault's IDP issuer. */
  issuer: string | readonly string[];
  /** Scopes a token must carry (403 insufficient_scope otherwise). @default none */
  requiredScopes?: readonly string[];
}

export interface McpFetchOptions {
  server: AlterMcpServer;
  /** The MCP endpoint's public URL: the RFC 8707 resource its tokens must name. */
  url: URL;
  /** Bearer-token auth; without it the server acts with its configured grant (loopback only). */
  auth?: McpHttpAuth;
  /** Host header names accepted besides the URL's own host. @default loopback names */
  allowedHosts?: readonly string[];
  /** Origin hostnames accepted (browsers only send one). @default loopback names and the URL's host */
  allowedOrigins?: readonly string[];
}

export interface McpFetchHandler {
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export function createMcpFetchHandler(options: McpFetchOptions): McpFetchHandler {
  const { server, url } = options;
  const hosts = [...new Set([url.hostname, ...(options.allowedHosts ?? localhostAllowedHostnames())].map(bracketed))];
  const origins = [...new Set([url.hostname, ...(options.allowedOrigins ?? localhostAllowedOrigins())].map(bracketed))];
  const metadataUrl = getOAuthProtectedResourceMetadataUrl(url);
  const metadataPath = new URL(metadataUrl).pathname;
  const issuers = options.auth ? (typeof options.auth.issuer === "string" ? [options.auth.issuer] : [...options.auth.issuer]) : [];
  const verifier = audienceVerifier(url, { issuers });
  const mcp = createMcpHandler(() => server.createServer());

  async function fetch(request: Request): Promise<Response> {
    const host = validateHostHeader(request.headers.get("host"), hosts);
    if (!host.ok) return json(403, { error: "forbidden", error_description: `Host not allowed: ${host.message}` });
    const origin = validateOriginHeader(request.headers.get("origin"), origins);
    if (!origin.ok) return json(403, { error: "forbidden", error_description: `Origin not allowed: ${origin.message}` });
    const path = new URL(request.url).pathname;
    if (options.auth && path === metadataPath) {
      if (request.method !== "GET") return json(405, { error: "method_not_allowed" }, { allow: "GET" });
      // RFC 9728: where this resource's tokens come from.
      return json(200, { resource: url.href, authorization_servers: issuers, bearer_methods_supported: ["header"], ...(options.auth.requiredScopes?.length ? { scopes_supported: [...options.auth.requiredScopes] } : {}) });
    }
    if (path !== url.pathname) return json(404, { error: "not_found", error_description: `The MCP endpoint is ${url.pathname}.` });
    let authInfo: AuthInfo | undefined;
    if (options.auth) {
      const gate = { verifier, expectedResource: url, resourceMetadataUrl: metadataUrl, ...(options.auth.requiredScopes ? { requiredScopes: [...options.auth.requiredScopes] } : {}) };
      try {
        authInfo = await verifyBearerToken(request.headers.get("authorization"), gate);
      } catch (error) {
        return bearerAuthChallengeResponse(error, gate);
      }
    }
    return mcp.fetch(request, authInfo ? { authInfo } : undefined);
  }
  return { fetch, close: () => mcp.close() };
}

export interface ServeMcpHttpOptions extends Omit<McpFetchOptions, "url"> {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default "/mcp" */
  path?: string;
  /** The URL clients use when it differs from http://<host>:<port><path> (behind a proxy). */
  publicUrl?: string;
}

export interface RunningMcpHttp {
  /** The MCP endpoint's URL (the resource its tokens must name). */
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Listens on loopback (unless `host` says otherwise) and serves `createMcpFetchHandler` there. */
export async function serveMcpHttp(options: ServeMcpHttpOptions): Promise<RunningMcpHttp> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host) && !options.auth) {
    throw new AlterValueError(`Listening on ${host} makes the server reachable from other machines: it then needs bearer-token auth (--issuer).`);
  }
  const path = options.path ?? "/mcp";
  if (!path.startsWith("/")) throw new AlterValueError(`--path must start with "/" (got ${JSON.stringify(path)})`);
  const http: HttpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = new URL(options.publicUrl ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}${path}`);
  const handler = createMcpFetchHandler({ ...options, url });
  const node = toNodeHandler({ fetch: (request) => handler.fetch(request) });
  http.on("request", (req, res) => void node(req, res));
  return {
    url: url.href,
    async close() {
      await handler.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function bracketed(hostname: string): string {
  return hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
}
