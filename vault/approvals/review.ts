// What an approver is shown, as data: the approval page and `vault approvals show` both render
// this and nothing else, and a decision binds to its SHA-256 (reviewHash). The stored request
// holds no credential (proxy/credential-slot.ts removes the credential's place before it is
// stored), so everything in it is shown; the caller's own words (caller name, reason, tool) are
// kept apart from the facts the vault verified (API key, end user, policies).
import { createHash } from "node:crypto";
import type { ProxyRequest } from "../proxy/send.js";
import type { GrantRecord } from "../grant-types.js";
import type { PolicySource } from "../policy/evaluate.js";
import type { ApprovalRecord } from "./store.js";
import { indentJson } from "./json-indent.js";

/** Bodies longer than this (in characters once formatted) are shown truncated, with size and hash. */
export const MAX_SHOWN_BODY_CHARS = 32 * 1024;

export interface ReviewBody {
  kind: "none" | "json" | "form" | "text" | "binary";
  contentType: string | null;
  /** Bytes of the body as it will be sent. */
  size: number;
  /** SHA-256 (hex) of those bytes. */
  sha256: string | null;
  /** The formatted text shown (empty for none and binary). */
  shown: string;
  truncated: boolean;
}

export interface ApprovalReview {
  approvalId: string;
  provider: string;
  operationId: string | null;
  grant: { id: string; account: string | null; principal: string };
  method: string;
  /** The full URL as it will be sent (the vault adds only the credential). */
  url: string;
  /** The query, decoded, one pair per parameter, in order. */
  query: [string, string][];
  /** Headers the caller set that will be sent, sorted by name. */
  headers: [string, string][];
  body: ReviewBody;
  askedBy: PolicySource[];
  /** Why, rule by rule ("grant: class write"); absent for approvals made before it was recorded
   *  (so their review, and its hash, stay as they were). */
  askedFor?: string[];
  /** Facts the vault checked itself. */
  verified: { apiKey: string | null; endUser: string | null };
  /** What the caller said about itself; not verified. */
  stated: [string, string][];
  requestedAt: string;
  expiresAt: string;
}

const STATED: [keyof ApprovalRecord["context"], string][] = [
  ["reason", "Reason"],
  ["caller", "Caller"],
  ["callerType", "Caller type"],
  ["toolName", "Tool"],
  ["toolCallId", "Tool call"],
  ["runId", "Run"],
  ["threadId", "Thread"],
];

export function buildReview(a: ApprovalRecord, req: ProxyRequest, grant: Pick<GrantRecord, "id" | "account" | "principalType" | "principalLabel"> | undefined): ApprovalReview {
  const headers = Object.entries(req.headers)
    .map(([k, v]): [string, string] => [k, visible(v, false)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    approvalId: a.id,
    provider: a.provider,
    operationId: a.operationId ?? a.context.operationId ?? null,
    grant: {
      id: a.grantId,
      account: grant?.account ?? null,
      principal: grant ? `${grant.principalType}${grant.principalLabel ? ` ${grant.principalLabel}` : ""}` : "(grant not found)",
    },
    method: req.method,
    url: visible(req.url, false),
    query: queryPairs(req.url),
    headers,
    body: reviewBody(req.body, req.headers["content-type"] ?? null),
    askedBy: [...a.askedBy],
    ...(a.askedFor ? { askedFor: [...a.askedFor] } : {}),
    verified: { apiKey: a.keyId, endUser: a.requester?.subject ?? null },
    stated: STATED.filter(([k]) => a.context[k]).map(([k, label]): [string, string] => [label, visible(a.context[k]!, false)]),
    requestedAt: a.createdAt,
    expiresAt: a.expiresAt,
  };
}

/**
 * Why approval is asked, as [policy source, rule] pairs (["grant", "class write"]), for the page and
 * the CLI to word; an approval made before reasons were recorded says only which policy asked.
 */
export function askedRules(r: Pick<ApprovalReview, "askedBy" | "askedFor">): [source: string, rule: string][] {
  if (!r.askedFor) return r.askedBy.map((s): [string, string] => [s, "every call"]);
  return r.askedFor.map((x): [string, string] => {
    const i = x.indexOf(": ");
    return i < 0 ? [x, ""] : [x.slice(0, i), x.slice(i + 2)];
  });
}

/** The SHA-256 (hex) of a review: what a decision is bound to. Key order is fixed by buildReview. */
export function reviewHash(r: ApprovalReview): string {
  return createHash("sha256").update(JSON.stringify(r), "utf8").digest("hex");
}

function reviewBody(body: Buffer | null, contentType: string | null): ReviewBody {
  if (!body || body.length === 0) return { kind: "none", contentType, size: 0, sha256: null, shown: "", truncated: false };
  const sha256 = createHash("sha256").update(body).digest("hex");
  const base = { contentType, size: body.length, sha256 };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return { kind: "binary", ...base, shown: "", truncated: false };
  }
  const media = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  let kind: ReviewBody["kind"] = "text";
  let shown: string;
  const json = indentJson(text);
  if (json !== undefined && (media === "" || media.includes("json") || /^\s*[[{]/.test(text))) {
    kind = "json";
    shown = visible(json, true);
  } else if (media === "application/x-www-form-urlencoded") {
    // One line per pair: a line break inside a value is shown as a marker, never as a new line.
    kind = "form";
    shown = [...new URLSearchParams(text)].map(([k, v]) => `${visible(k, false)} = ${visible(v, false)}`).join("\n");
  } else {
    shown = visible(text, true);
  }
  const truncated = shown.length > MAX_SHOWN_BODY_CHARS;
  return { kind, ...base, shown: truncated ? cut(shown, MAX_SHOWN_BODY_CHARS) : shown, truncated };
}

/** The first `n` UTF-16 units, without splitting a surrogate pair. */
function cut(s: string, n: number): string {
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

function queryPairs(url: string): [string, string][] {
  try {
    return [...new URL(url).searchParams].map(([k, v]): [string, string] => [visible(k, false), visible(v, false)]);
  } catch {
    return [];
  }
}

/**
 * Makes characters a person cannot see visible as ⟦U+XXXX⟧: control characters, and format
 * characters such as bidirectional overrides and zero-width spaces, which could make a shown
 * value read differently from what is sent. Line breaks and tabs stay in multi-line text.
 */
export function visible(s: string, multiline: boolean): string {
  return s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) =>
    multiline && (c === "\n" || c === "\t") ? c : `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟧`,
  );
}
