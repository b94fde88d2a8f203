// The spans of a traced call (docs/architecture.md, "Tracing"): an INTERNAL span for the operation
// (retries included), a CLIENT span per provider attempt named `{METHOD} {path template}` with
// the stable HTTP client attributes, and a CLIENT span per vault call. Each CLIENT span's own
// request runs with tracing suppressed, so undici's instrumentation records no second span for
// it (its url.full would carry a query credential). Attributes name the provider, operation and
// grant id; they are built from the request before injection and never see a credential.
import { redactUrl } from "../../protocol/redact.js";
import type { ProxyAnswer } from "../../protocol/wire.js";
import type { Tracing } from "./tracing.js";
import { SPAN_KIND_CLIENT, SPAN_KIND_INTERNAL, STATUS_ERROR, type OtelAttributes, type OtelSpan } from "./otel-types.js";
import type { CallInput, Prepared, ProviderAnswer } from "./call-types.js";
import type { TransportResponse } from "./transport.js";

/** Provider attempts made so far per call, for `http.request.resend_count`. */
const attempts = new WeakMap<Prepared, number>();

/** Runs one operation (all its attempts) inside an INTERNAL span. */
export function traceOperation<R>(t: Tracing, input: CallInput, mode: string, fn: () => Promise<R>): Promise<R> {
  const api = t.api!;
  const attributes: OtelAttributes = { "alter.provider.id": input.provider.id, "alter.operation.id": input.op.id, "alter.mode": mode };
  // A grant id is an identifier, not a secret; asUser() names no grant: the user's token decides.
  if (typeof input.grant === "string") attributes["alter.grant.id"] = input.grant;
  else attributes["alter.principal.kind"] = "user";
  const span = t.tracer!.startSpan(`${input.provider.id} ${input.op.id}`, { kind: SPAN_KIND_INTERNAL, attributes });
  t.recorded(span);
  return ended(span, api.context.with(api.trace.setSpan(api.context.active(), span), fn), () => undefined);
}

/**
 * One attempt sent by this process (retrieve mode, or an operation that needs no credential).
 * `sentUrl` is the URL with the credential injected: only to see which query parameters the
 * injection set, which url.full then leaves out altogether (a next-page link may carry one).
 */
export function traceProviderAttempt(t: Tracing, input: CallInput, p: Prepared, sentUrl: string, fn: () => Promise<ProviderAnswer>): Promise<ProviderAnswer> {
  const span = startClient(t, `${p.method} ${input.op.path}`, providerAttributes(input, p, sentUrl));
  return ended(span, runSuppressed(t, span, fn), (answer) => answer.status);
}

/**
 * A call to the vault. In proxy mode it is also the provider attempt (the vault sends it), so it
 * is named and described as the provider request, with the provider's relayed status.
 */
export function traceVaultCall<T>(t: Tracing, vaultUrl: string, path: string, input: CallInput, p: Prepared, fn: () => Promise<TransportResponse<T>>): Promise<TransportResponse<T>> {
  if (path === "/v1/proxy") {
    const attributes = { ...providerAttributes(input, p), "alter.vault.path": path };
    const span = startClient(t, `${p.method} ${input.op.path}`, attributes);
    return ended(span, runSuppressed(t, span, fn), (res) => (res.data as ProxyAnswer).status);
  }
  return traceVaultRequest(t, vaultUrl, "POST", path, path, fn, { "alter.provider.id": input.provider.id, "alter.operation.id": input.op.id });
}

/** A CLIENT span for one signed vault request (`template` is its path with ids as `{…}`). */
export function traceVaultRequest<T extends { status: number }>(
  t: Tracing,
  vaultUrl: string,
  method: string,
  path: string,
  template: string,
  fn: () => Promise<T>,
  extra: OtelAttributes = {},
): Promise<T> {
  const url = new URL(vaultUrl + path);
  const attributes: OtelAttributes = { ...serverAttributes(url), "http.request.method": method, "url.full": redactUrl(url.href), "url.template": template, ...extra };
  const span = startClient(t, `${method} ${template}`, attributes);
  return ended(span, runSuppressed(t, span, fn), (res) => res.status);
}

function startClient(t: Tracing, name: string, attributes: OtelAttributes): OtelSpan {
  return t.tracer!.startSpan(name, { kind: SPAN_KIND_CLIENT, attributes }, t.api!.context.active());
}

function providerAttributes(input: CallInput, p: Prepared, sentUrl?: string): OtelAttributes {
  const url = new URL(p.url);
  if (sentUrl !== undefined && sentUrl !== p.url) withoutInjected(url, new URL(sentUrl).searchParams);
  const attributes: OtelAttributes = {
    ...serverAttributes(url),
    "http.request.method": p.method,
    // p.url is the URL before injection; secret-looking query values and userinfo are redacted too.
    "url.full": redactUrl(url.href),
    "url.template": input.op.path,
    "alter.provider.id": input.provider.id,
    "alter.operation.id": input.op.id,
  };
  const sent = attempts.get(p) ?? 0;
  attempts.set(p, sent + 1);
  if (sent > 0) attributes["http.request.resend_count"] = sent;
  return attributes;
}

/** Removes from `url` every query parameter whose values the injection changed or added. */
function withoutInjected(url: URL, sent: URLSearchParams): void {
  const before = url.searchParams;
  const injected = [...new Set(sent.keys())].filter((name) => before.getAll(name).join("\0") !== sent.getAll(name).join("\0"));
  for (const name of injected) before.delete(name);
}

function serverAttributes(url: URL): OtelAttributes {
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  return { "server.address": url.hostname, "server.port": port };
}

/** Runs `fn` as the child of `span` with tracing suppressed below it. */
function runSuppressed<R>(t: Tracing, span: OtelSpan, fn: () => Promise<R>): Promise<R> {
  const api = t.api!;
  return api.context.with(t.suppressed(api.trace.setSpan(api.context.active(), span)), fn);
}

/** Ends `span` when `work` settles: status code from its result, error.type from a failure. */
function ended<R>(span: OtelSpan, work: Promise<R>, statusOf: (result: R) => number | undefined): Promise<R> {
  return work.then(
    (result) => {
      const status = statusOf(result);
      if (status !== undefined) {
        span.setAttribute("http.response.status_code", status);
        if (status >= 400) {
          span.setAttribute("error.type", String(status));
          span.setStatus({ code: STATUS_ERROR });
        }
      }
      span.end();
      return result;
    },
    (error: unknown) => {
      const status = (error as { status?: unknown } | null)?.status;
      if (typeof status === "number") span.setAttribute("http.response.status_code", status);
      const type = errorType(error);
      span.setAttribute("error.type", type);
      // The code only, never the message: a message is meant for a person, the span for machines.
      span.setStatus({ code: STATUS_ERROR, message: type });
      span.end();
      throw error;
    },
  );
}

/** A low-cardinality name for a failure: the SDK error's code, else the error's class name. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[\w.-]{1,64}$/.test(code)) return code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" && /^\w{1,64}$/.test(name) ? name : "_OTHER";
}
