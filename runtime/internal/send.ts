// The provider leg: check the URL about to be sent once more (host, scheme, path as written),
// send it through the providers' Agent with undici's own time limits, and scrub the answer of
// the credential by value before anything else sees it.
import type { Dispatcher } from "undici";
import type { OutgoingRequest } from "../../protocol/injection.js";
import type { Scrubber } from "../../protocol/scrub.js";
import { rawPathOf } from "../../protocol/request-safety.js";
import { redactUrl } from "../../protocol/redact.js";
import { AlterValueError } from "../errors.js";
import { isAllowedScheme } from "./call-plan.js";
import { readsAsText, undiciHeaders } from "./response.js";
import { streamedBody } from "./stream-body.js";
import { hostNotAllowedError, insecureTargetError, markSent, networkError, timeoutError } from "./provider-errors.js";
import type { CallEnv, CallInput, Prepared, ProviderAnswer } from "./call-types.js";

export async function sendToProvider(env: CallEnv, input: CallInput, req: OutgoingRequest, p: Prepared, scrubber: Scrubber): Promise<ProviderAnswer> {
  const { op } = input;
  const opId = op.id;
  // The URL as it will be sent, credential injected: it must still point at the host the vault
  // allowed (p.host, checked against the grant's hosts) over an allowed scheme. Whatever the
  // URL building or the injection did, a credential never leaves for anywhere else.
  let target: URL;
  try {
    target = new URL(req.url);
  } catch {
    // Node's TypeError carries the URL it could not parse, and this one may hold the credential.
    throw new AlterValueError(`${opId}: the request URL ${redactUrl(p.url)} is not a valid URL; nothing was sent`, "invalid_provider_url");
  }
  if (target.host !== p.host) throw hostNotAllowedError(opId, target.host, input.provider.id);
  if (!isAllowedScheme(target)) throw insecureTargetError(opId, redactUrl(p.url));
  // Parsing must not have moved the path (dot segments, backslashes): the vault was told, and
  // audited, the URL as written. url.ts refuses such parameter values; this is the last check.
  if (rawPathOf(req.url) !== target.pathname) {
    throw new AlterValueError(`${opId}: the request URL ${redactUrl(p.url)} would be sent to the path ${target.pathname} once parsed; nothing was sent`, "invalid_provider_url");
  }
  // The attempt's time limit is undici's own: `timeoutMs` for the answer's headers and again
  // for each gap in its body. No AbortController or timer per call (they cost more CPU than the
  // rest of the runtime's provider leg); the caller's signal is passed through as it is.
  try {
    if (p.signal?.aborted) throw p.signal.reason;
    // Straight to the Agent (undici's top-level request() would parse the URL again and copy
    // these options); only what differs from the Agent's defaults is passed.
    const options: Dispatcher.RequestOptions = { origin: target.origin, path: target.pathname + target.search, method: req.method as Dispatcher.HttpMethod, headers: req.headers };
    if (p.body) options.body = p.body.payload;
    if (p.signal) options.signal = p.signal;
    if (p.timeoutMs !== env.timeoutMs) options.headersTimeout = options.bodyTimeout = p.timeoutMs;
    // A redirect's hop gets what is left of the attempt's time for its headers. undici's own
    // timer for it is coarse (it can fire up to about a second late), so a hop, which is rare,
    // also gets a native timer that cancels it at the deadline.
    const hopLimit = p.deadline === undefined ? undefined : hopDeadline(p.deadline, options);
    let res: Dispatcher.ResponseData;
    try {
      res = await env.providerAgent.request(options);
    } finally {
      hopLimit?.clear();
    }
    const status = res.statusCode;
    if (p.stream && status >= 200 && status < 300) {
      const stream = streamedBody({ body: res.body, scrubber, signal: p.signal, failure: (error) => providerLegError(opId, p, error, scrubber) });
      return { status, headers: scrubber.headers(undiciHeaders(res.headers)), body: EMPTY, stream };
    }
    // A body decoded as text is read as text: undici decodes it straight from its buffer.
    const asText = status < 200 || status >= 300 || readsAsText(op.response ?? "json");
    // Headers and bodies are scrubbed by value: a provider may quote the credential anywhere.
    const body = asText ? scrubber.text(await res.body.text()) : scrubber.bytes(await res.body.bytes());
    return { status, headers: scrubber.headers(undiciHeaders(res.headers)), body };
  } catch (error) {
    if (p.signal?.aborted) throw p.signal.reason;
    throw markSent(providerLegError(opId, p, error, scrubber));
  }
}

const EMPTY = new Uint8Array(0);

/** What is left of the attempt's time, as undici's headers limit and as a native timer that cancels the hop. */
function hopDeadline(deadline: number, options: Dispatcher.RequestOptions): { clear: () => void } {
  const left = Math.max(1, Math.ceil(deadline - performance.now()));
  options.headersTimeout = left;
  const controller = new AbortController();
  // Read as undici's own headers timeout by providerLegError: the same TimeoutError.
  const timer = setTimeout(() => controller.abort(Object.assign(new Error("the redirect's hop ran out of the attempt's time"), { code: "UND_ERR_HEADERS_TIMEOUT" })), left);
  const caller = options.signal as AbortSignal | undefined;
  options.signal = caller ? AbortSignal.any([caller, controller.signal]) : controller.signal;
  return { clear: () => clearTimeout(timer) };
}

/** A failure of the provider leg (also while a streamed body arrives) as the SDK's error. */
function providerLegError(opId: string, p: Prepared, error: unknown, scrubber: Scrubber): Error {
  return isUndiciTimeout(error) ? timeoutError(opId, p.timeoutMs) : networkError(opId, redactUrl(p.url), error, scrubber);
}


function isUndiciTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
}
