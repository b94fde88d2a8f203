// A provider stand-in on loopback: routes each request to an operation of the provider's pinned
// document, validates it (parameters, body, media type), checks the credential is exactly where
// the catalog entry says, and answers with a schema-valid response, or with what a test scripted
// (429 + Retry-After, an expired token, 5xx, a paginated series).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CatalogProvider } from "../catalog/index.js";
import { checkCredential, type StandinCredential } from "./credential.js";
import { PageError, PageSeries, type SeriesOptions } from "./paginate.js";
import { Router, type Operation } from "./router.js";
import { isObject, type Json, type JsonObject } from "./schema.js";
import { isJsonMedia, Validator, type Problem } from "./validate.js";

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** Default: the document's declared response for that status, else `{ message }`. */
  body?: unknown;
  /** Only for requests to this operation (script() sets it). */
  operationId?: string;
  /**
   * Builds the answer from the request as received (an echo/debug endpoint that quotes the
   * request's headers or URL back); its fields replace status, headers and body.
   */
  respond?: (request: RecordedRequest) => Partial<Pick<ScriptedResponse, "status" | "headers" | "body">>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the stand-in's base path, as the document writes it (`/chat.postMessage`). */
  path: string;
  /** Path and query as received. */
  url: string;
  operationId: string | undefined;
  query: Record<string, string | string[]>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  rawBody: string;
  /** JSON or form bodies parsed; undefined when empty. */
  body: unknown;
  status: number;
  problems: Problem[];
}

export interface StartStandinOptions {
  provider: CatalogProvider;
  /** The pinned document, with the catalog's fixes applied (see loadStandinDocument). */
  document: object;
  port?: number;
  /** The credential the first requests must carry; more with expectCredential(). */
  credential?: StandinCredential;
  /** A validator of the same document, shared so compiled schemas are reused across stand-ins. */
  validator?: Validator;
}

export interface Standin {
  /** Base URL to give a client (origin + the provider's base path). */
  url: string;
  origin: string;
  /** The catalog entry pointed at this stand-in (baseUrl and hosts on loopback). */
  provider: CatalogProvider;
  requests: RecordedRequest[];
  /** Replaces the accepted credentials. */
  expectCredential(...credentials: StandinCredential[]): void;
  /** From now on this credential gets 401 with an "expired token" answer. */
  expireCredential(credential: StandinCredential): void;
  /** Responses served, in order, to the next valid, authorised requests (any operation). */
  queue(...responses: ScriptedResponse[]): void;
  /** Like queue, for one operation only. */
  script(operationId: string, ...responses: ScriptedResponse[]): void;
  /** Serves `pages` pages of the operation in the provider's pagination style. */
  paginate(operationId: string, options: SeriesOptions): PageSeries;
  /** The document's operation with this id (throws naming the id when there is none). */
  operation(operationId: string): Operation;
  validator: Validator;
  close(): Promise<void>;
}

export function tooManyRequests(retryAfterSeconds: number, body?: unknown): ScriptedResponse {
  return { status: 429, headers: { "retry-after": String(retryAfterSeconds) }, body };
}

export function serverError(status = 500, body?: unknown): ScriptedResponse {
  return { status, body };
}

/** A 401 saying the access token expired (RFC 6750 invalid_token). */
export function expiredToken(): ScriptedResponse {
  return {
    status: 401,
    headers: { "www-authenticate": 'Bearer error="invalid_token", error_description="The access token expired"' },
    body: { error: "invalid_token", message: "The access token expired" },
  };
}

function basePathOf(baseUrl: string): string {
  // Templates in the base path ({cloudId}) get a fixed value on the stand-in.
  const path = new URL(baseUrl.replace(/\{[^}]*\}/g, "standin")).pathname.replace(/\/+$/, "");
  return decodeURIComponent(path);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startStandin(options: StartStandinOptions): Promise<Standin> {
  const { provider } = options;
  const doc = options.document as JsonObject;
  if (!isObject(doc) || !isObject(doc.paths)) throw new Error(`the document for "${provider.id}" has no paths`);
  const router = new Router(doc);
  const validator = options.validator ?? new Validator(doc, provider.credentialParams ?? []);
  const basePath = basePathOf(provider.baseUrl);
  const accepted: StandinCredential[] = options.credential !== undefined ? [options.credential] : [];
  const expired: StandinCredential[] = [];
  const queued: ScriptedResponse[] = [];
  const series = new Map<string, PageSeries>();
  const requests: RecordedRequest[] = [];
  let origin = "";

  function commonHeaders(): Record<string, string> {
    const h: Record<string, string> = {};
    const id = provider.requestIdHeaders?.[0];
    if (id) h[id] = randomUUID();
    const rl = provider.rateLimit;
    if (rl?.limit) h[rl.limit] = "5000";
    if (rl?.remaining) h[rl.remaining] = "4999";
    if (rl?.reset) {
      const now = Math.floor(Date.now() / 1000);
      h[rl.reset] = rl.resetUnit === "seconds" ? "60" : rl.resetUnit === "epoch-ms" ? String((now + 60) * 1000) : String(now + 60);
    }
    return h;
  }

  function send(res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}, mediaType?: string): void {
    record.status = status;
    requests.push(record);
    const out: Record<string, string> = { ...commonHeaders(), ...headers };
    let payload: string | Buffer | undefined;
    if (body !== undefined && status !== 204 && status !== 304 && record.method !== "HEAD") {
      if (Buffer.isBuffer(body)) payload = body;
      else if (typeof body === "string" && mediaType && !isJsonMedia(mediaType.toLowerCase())) payload = body;
      else {
        payload = JSON.stringify(body);
        mediaType = mediaType && isJsonMedia(mediaType.toLowerCase()) && mediaType !== "*/*" ? mediaType : "application/json";
      }
      out["content-type"] ??= mediaType ?? "application/octet-stream";
    }
    res.writeHead(status, out);
    res.end(payload);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    const raw = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = all.length === 1 ? all[0]! : all;
    }
    const method = (req.method ?? "GET").toUpperCase();
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      url: url.pathname + url.search,
      operationId: undefined,
      query,
      headers,
      rawBody: raw.toString("utf8"),
      body: undefined,
      status: 0,
      problems: [],
    };
    if (basePath && !(url.pathname === basePath || url.pathname.startsWith(basePath + "/"))) {
      return send(res, record, 404, { error: "not_found", message: `not under the base path ${basePath}` });
    }
    const path = url.pathname.slice(basePath.length) || "/";
    record.path = path;
    const matched = router.match(method, path);
    if ("status" in matched) {
      return matched.status === 405
        ? send(res, record, 405, { error: "method_not_allowed", message: `${method} ${path} is not an operation; allowed: ${matched.allowed!.join(", ")}` }, { allow: matched.allowed!.join(", ") })
        : send(res, record, 404, { error: "not_found", message: `no operation of the ${provider.name} document matches ${method} ${path}` });
    }
    const { operation, pathParams } = matched;
    record.operationId = operation.id;

    // The query credential (if any) is not a parameter of the operation.
    const params = new URLSearchParams(url.searchParams);
    if (provider.injection.type === "query") params.delete(provider.injection.name);
    if (provider.injection.type === "multi") for (const p of provider.injection.parts) if (p.in === "query") params.delete(p.name);
    const { problems, body } = await validator.validateRequest(operation, {
      pathParams,
      query: params,
      headers,
      contentType: headers["content-type"],
      body: raw,
    });
    // Headers the catalog says every request carries (Notion-Version) are required as given.
    for (const [name, value] of Object.entries(provider.defaultHeaders ?? {})) {
      const got = headers[name.toLowerCase()];
      if (got !== value) {
        problems.push({ pointer: `/header/${name.toLowerCase()}`, message: got === undefined ? `is required (${value})` : `must be ${JSON.stringify(value)}` });
      }
    }
    record.body = body.value;
    record.problems = problems;
    if (problems.length) {
      return send(res, record, 400, {
        error: "invalid_request",
        operationId: operation.id,
        message: problems.map((p) => `${p.pointer} ${p.message}`).join("; "),
        problems,
      });
    }

    const security = operation.op.security ?? doc.security;
    const anonymous = Array.isArray(security) && (security.length === 0 || security.some((s) => isObject(s) && Object.keys(s).length === 0));
    if (!anonymous) {
      const verdict = checkCredential(provider.injection, { headers, query: url.searchParams }, accepted, expired);
      if (verdict) {
        const scripted = verdict.expired ? expiredToken() : undefined;
        return send(res, record, 401, { error: verdict.expired ? "invalid_token" : "unauthorized", message: verdict.message }, scripted?.headers);
      }
    }

    const i = queued.findIndex((r) => r.operationId === undefined || r.operationId === operation.id);
    if (i >= 0) {
      const [scripted] = queued.splice(i, 1);
      const r = scripted!.respond ? { ...scripted!, ...scripted!.respond(record) } : scripted;
      let payload = r!.body;
      let mediaType: string | undefined;
      if (payload === undefined) {
        const declared = validator.responseFor(operation, r!.status, headers.accept);
        payload = declared.body ?? { message: `scripted ${r!.status}` };
        mediaType = declared.mediaType;
      }
      return send(res, record, r!.status, payload, r!.headers, mediaType);
    }

    const pages = series.get(operation.id);
    // The representation the request's Accept names, when the document declares it.
    const answer = validator.responseFor(operation, undefined, headers.accept);
    if (pages) {
      try {
        const page = pages.page({ method, url, body: body.value }, (answer.body ?? {}) as Json);
        return send(res, record, answer.status, page.body, page.headers, answer.mediaType);
      } catch (error) {
        if (!(error instanceof PageError)) throw error;
        return send(res, record, 400, { error: "invalid_request", operationId: operation.id, message: error.message, problems: [] });
      }
    }
    return send(res, record, answer.status, answer.body, {}, answer.mediaType);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A stand-in bug must show up in the test, not hang it.
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "standin_failure", message: String((error as Error)?.message ?? error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  const url = origin + basePath;

  const operation = (operationId: string): Operation => {
    const op = router.byId.get(operationId);
    if (!op) throw new Error(`the ${provider.name} document has no operation "${operationId}"`);
    return op;
  };

  return {
    url,
    origin,
    provider: { ...provider, baseUrl: url, hosts: [`127.0.0.1:${port}`] },
    requests,
    validator,
    expectCredential(...credentials) {
      accepted.splice(0, accepted.length, ...credentials);
    },
    expireCredential(credential) {
      expired.push(credential);
    },
    queue(...responses) {
      queued.push(...responses);
    },
    script(operationId, ...responses) {
      const op = operation(operationId);
      queued.push(...responses.map((r) => ({ ...r, operationId: op.id })));
    },
    paginate(operationId, seriesOptions) {
      const op = operation(operationId);
      const schema = validator.responseFor(op).schema;
      if (!provider.pagination) throw new Error(`the catalog gives no pagination style for "${provider.id}"`);
      const queryParams = op.params.filter((p) => p.in === "query").map((p) => p.name);
      const s = new PageSeries(doc, provider.pagination, schema, seriesOptions, queryParams);
      series.set(op.id, s);
      return s;
    },
    operation,
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
