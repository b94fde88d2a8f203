// Puts a credential into one outgoing provider request. Callers keep the credential in local
// variables only; nothing here stores it, logs it or puts it into an error message.
import { createHash, createHmac } from "node:crypto";
import { encodeStrict } from "./percent-encode.js";
import { ProtocolError } from "./errors.js";

import { injectParts } from "./credential-parts.js";
import type { Injection } from "./wire.js";
export type { Injection } from "./wire.js";

export interface OutgoingRequest {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The exact body bytes (SigV4 hashes them); null for no body or a streamed one. */
  body: Uint8Array | null;
  /** True when the body is a stream whose bytes cannot be hashed in advance. */
  streamed?: boolean;
}

function field(credential: unknown, name: string, injection: string): string {
  const v = (credential as Record<string, unknown> | null)?.[name];
  if (typeof v !== "string" || v === "") {
    // Names the missing field only; never the credential's content.
    throw new ProtocolError("invalid_credential", `the vault returned a credential without "${name}" for ${injection} injection`);
  }
  return v;
}

/** Returns the request with the credential applied (a new object; the input is not changed). */
export function injectCredential(injection: Injection, credential: unknown, req: OutgoingRequest, nowMs = Date.now()): OutgoingRequest {
  const headers = { ...req.headers };
  switch (injection.type) {
    case "bearer":
      headers.authorization = `Bearer ${field(credential, "token", "bearer")}`;
      return { ...req, headers };
    case "header":
      headers[injection.name.toLowerCase()] = (injection.prefix ?? "") + field(credential, "token", "header");
      return { ...req, headers };
    case "query": {
      const token = field(credential, "token", "query");
      // A URL the provider handed back (a next-page link) may already carry the parameter,
      // scrubbed or not: it is taken out, so the credential goes exactly once.
      const url = withoutQueryParam(req.url, injection.name);
      const sep = url.includes("?") ? "&" : "?";
      return { ...req, headers, url: `${url}${sep}${encodeStrict(injection.name)}=${encodeStrict(token)}` };
    }
    case "basic": {
      const user = field(credential, "username", "basic");
      const pass = (credential as { password?: unknown }).password;
      headers.authorization = "Basic " + Buffer.from(`${user}:${typeof pass === "string" ? pass : ""}`).toString("base64");
      return { ...req, headers };
    }
    case "aws-sigv4":
      return signSigV4(req, {
        accessKeyId: field(credential, "accessKeyId", "aws-sigv4"),
        secretAccessKey: field(credential, "secretAccessKey", "aws-sigv4"),
        sessionToken: (credential as { sessionToken?: string }).sessionToken || undefined,
      }, injection.region, injection.service, nowMs);
    case "cookie":
    case "multi":
      return injectParts(injection, credential, req, withoutQueryParam);
  }
}

/**
 * `url` without any `name=…` query pair (names compared decoded) and without a fragment (never
 * sent, and a pair appended after it would not be either); the rest is kept byte for byte.
 */
export function withoutQueryParam(url: string, name: string): string {
  const hash = url.indexOf("#");
  const base = hash === -1 ? url : url.slice(0, hash);
  const q = base.indexOf("?");
  if (q === -1) return base;
  const kept = base
    .slice(q + 1)
    .split("&")
    .filter((pair) => {
      if (pair === "") return false;
      const eq = pair.indexOf("=");
      return safeDecode((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, " ")) !== name;
    });
  return base.slice(0, q) + (kept.length ? "?" + kept.join("&") : "");
}

// ---------------------------------------------------------------------------------------------
// AWS Signature Version 4 (header form), checked against AWS's published SigV4 test suite.

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

// Headers a proxy or the HTTP client may change in flight; signing them would break signatures.
const UNSIGNED_HEADERS = new Set([
  "authorization", "connection", "content-length", "expect", "keep-alive", "proxy-authorization",
  "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
]);

const sha256hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Canonical query: each name and value RFC 3986-encoded once, sorted by name then value. */
export function canonicalQuery(search: string): string {
  const q = search.startsWith("?") ? search.slice(1) : search;
  if (!q) return "";
  const pairs = q
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? "" : p.slice(i + 1);
      return [encodeStrict(safeDecode(k)), encodeStrict(safeDecode(v))] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * Canonical path. S3 signs the path as sent; every other service encodes each (already
 * encoded) segment once more, as AWS's documentation says.
 */
export function canonicalPath(pathname: string, service: string): string {
  if (service === "s3") return pathname || "/";
  return (pathname || "/").split("/").map((seg) => encodeStrict(seg)).join("/");
}

export function signSigV4(req: OutgoingRequest, creds: AwsCredentials, region: string, service: string, nowMs: number): OutgoingRequest {
  const url = new URL(req.url);
  const date = amzDate(nowMs);
  const day = date.slice(0, 8);
  const payloadHash = req.streamed ? "UNSIGNED-PAYLOAD" : sha256hex(req.body ?? "");
  const headers: Record<string, string> = { ...req.headers };
  delete headers.authorization;
  headers["x-amz-date"] = date;
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  // S3 requires the payload hash as a header; the generic algorithm only puts it in the hash.
  if (service === "s3") headers["x-amz-content-sha256"] = payloadHash;

  const signed: [string, string][] = [["host", url.host]];
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    if (n === "host" || UNSIGNED_HEADERS.has(n)) continue;
    signed.push([n, value.trim().replace(/\s+/g, " ")]);
  }
  signed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const signedNames = signed.map(([n]) => n).join(";");
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(url.pathname, service),
    canonicalQuery(url.search),
    signed.map(([n, v]) => `${n}:${v}\n`).join(""),
    signedNames,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", date, scope, sha256hex(canonicalRequest)].join("\n");
  const kDate = hmac("AWS4" + creds.secretAccessKey, day);
  const kSigning = hmac(hmac(hmac(kDate, region), service), "aws4_request");
  const signature = createHmac("sha256", kSigning).update(stringToSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedNames}, Signature=${signature}`;
  return { ...req, headers };
}
