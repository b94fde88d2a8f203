// Every HTTP request the vault itself sends (OAuth token, refresh and revocation requests,
// userinfo, OIDC discovery, RFC 8414 metadata, JWKS, and proxy-mode provider calls) reads its
// answer through here: one deadline for the whole exchange, a byte limit per kind of endpoint
// checked while the body streams in, and no redirects followed. A hostile or broken server can
// then neither grow the vault's memory past the limit nor hold one of its requests open.
import { request } from "undici";

export type OutboundKind = "token" | "device_authorization" | "revocation" | "userinfo" | "discovery" | "metadata" | "jwks";

export interface OutboundLimit {
  /** Largest answer body read, in bytes. */
  maxBytes: number;
  /** Deadline for the whole exchange (connect, headers and body), in ms. */
  timeoutMs: number;
  /** What the endpoint is called in error messages. */
  what: string;
}

const KiB = 1024;

/** The limits of docs/protocol.md ("Limits of the vault's own outbound requests"). */
export const OUTBOUND_LIMITS: Readonly<Record<OutboundKind, OutboundLimit>> = Object.freeze({
  token: { maxBytes: 256 * KiB, timeoutMs: 15_000, what: "token endpoint" },
  device_authorization: { maxBytes: 64 * KiB, timeoutMs: 15_000, what: "device authorization endpoint" },
  revocation: { maxBytes: 64 * KiB, timeoutMs: 15_000, what: "revocation endpoint" },
  userinfo: { maxBytes: 256 * KiB, timeoutMs: 10_000, what: "userinfo endpoint" },
  discovery: { maxBytes: 256 * KiB, timeoutMs: 10_000, what: "OpenID discovery document" },
  metadata: { maxBytes: 256 * KiB, timeoutMs: 10_000, what: "authorization server metadata" },
  jwks: { maxBytes: 256 * KiB, timeoutMs: 5_000, what: "JWKS" },
});

export type OutboundFailure = "too_large" | "timeout" | "unreachable" | "redirect";

/** A request the vault sent failed, or its answer was refused; the message names who and why. */
export class OutboundError extends Error {
  readonly reason: OutboundFailure;
  /** The byte limit that was exceeded (too_large only). */
  readonly limit: number | undefined;
  constructor(reason: OutboundFailure, message: string, limit?: number) {
    super(message);
    this.name = "OutboundError";
    this.reason = reason;
    this.limit = limit;
  }
}

/** "256 KiB", "16 MiB": the way limits are written in docs and messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * KiB && n % (1024 * KiB) === 0) return `${n / (1024 * KiB)} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

/**
 * Reads a body stream into one Buffer, refusing it as soon as it passes `maxBytes`: at most
 * `maxBytes` plus one chunk is ever held, whatever the server sends. `tooLarge` builds the error.
 */
export async function readBounded(
  body: AsyncIterable<unknown> & { destroy?(): unknown },
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      // Without an error argument: nobody listens for the stream's "error" any more.
      body.destroy?.();
      throw tooLarge();
    }
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export interface OutboundRequest {
  kind: OutboundKind;
  /** Who the endpoint belongs to, for messages: "github", "the IDP (https://idp.example)". */
  owner: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Aborts early (jose passes its own timeout signal). */
  signal?: AbortSignal;
}

export interface OutboundAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends one request and reads its whole answer within the kind's limits. */
export async function fetchBounded(url: string, req: OutboundRequest): Promise<OutboundAnswer> {
  const limit = OUTBOUND_LIMITS[req.kind];
  const where = `${req.owner}'s ${limit.what} (${originOf(url)})`;
  const deadline = AbortSignal.timeout(limit.timeoutMs);
  const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
  const tooLarge = () =>
    new OutboundError(
      "too_large",
      `${where} answered more than ${formatBytes(limit.maxBytes)}, the vault's limit for ${limit.what} answers; the answer was refused.`,
      limit.maxBytes,
    );
  try {
    const res = await request(url, {
      method: req.method ?? "GET",
      headers: req.headers ?? {},
      body: req.body ?? null,
      signal,
    });
    const headers = flatHeaders(res.headers);
    if (res.statusCode >= 300 && res.statusCode < 400) {
      res.body.destroy();
      throw new OutboundError("redirect", `${where} answered with a redirect (HTTP ${res.statusCode}); the vault does not follow redirects from OAuth and OIDC endpoints.`);
    }
    const declared = Number(headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit.maxBytes) {
      res.body.destroy();
      throw tooLarge();
    }
    const body = await readBounded(res.body, limit.maxBytes, tooLarge);
    return { status: res.statusCode, headers, body };
  } catch (e) {
    if (e instanceof OutboundError) throw e;
    if (deadline.aborted) {
      throw new OutboundError("timeout", `${where} did not answer within ${limit.timeoutMs / 1000} s, the vault's limit for ${limit.what} requests.`);
    }
    if (req.signal?.aborted) throw req.signal.reason ?? e;
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).name;
    throw new OutboundError("unreachable", `${where} could not be reached (${code}).`);
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "invalid URL";
  }
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Parses a JSON answer body; undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}
