// The vault protocol's wire types (docs/protocol.md, "Common shapes" and the endpoints), written
// once: the runtime reads the vault's answers as these, and the vault's handlers build their
// answers with `satisfies` against them, so a field renamed on one side breaks the other's build.
// Types only, nothing that runs, and no platform types, so the runtime's public declarations can
// name them without reaching @types/node.

import type { RedirectHop, RedirectMode, RedirectRefusal } from "./redirect.js";

/** Which grant a provider call goes through. */
export type GrantReference =
  /** Any principal's grant, addressed by id. */
  | { grantId: string }
  /** Identity-based: the grant of the user whose token is sent (`Alter-User-Token`), for this provider. */
  | { provider: string; account?: string };

/** Who owns a grant: an end user, an IDP group, or the app itself. */
export type PrincipalType = "user" | "group" | "system";
/** A grant's status; `expired` and `reauth_required` need the user to connect again. */
export type GrantStatus = "active" | "expired" | "revoked" | "reauth_required";
/** Where a grant's credential comes from: an OAuth connect, or an operator's managed secret. */
export type GrantSource = "oauth" | "managed_secret";

/** Rules checked on every access to a grant's credential; each field is optional. */
export interface GrantPolicy {
  /** ISO time after which the grant is expired. */
  expiresAt?: string;
  /** Expiry counted from the grant's creation, in seconds. */
  maxTtlSeconds?: number;
  /** Calls only between `start` and `end` ("HH:MM") in `timeZone`; `days` 0 = Sunday. */
  timeWindow?: { start: string; end: string; timeZone: string; days?: number[] };
  /** CIDRs the caller's address must be in. */
  ipAllowlist?: string[];
  /** Every call waits for a person's approval (proxy mode only). */
  requireApproval?: boolean;
  /** Only the calls that match wait for a person's approval: "read freely, write with a person's
   *  yes". A grant with this policy works in proxy mode only (a retrieved credential could make
   *  any call), and every call must name an operation of the provider's document that its method
   *  and path match, so a write cannot pass as a read. */
  requireApprovalFor?: ApprovalGate;
  /** The call must carry the token of a user in one of these IDP groups. */
  groups?: string[];
}

/** Which calls need approval; a call needs it when any list matches. */
export interface ApprovalGate {
  /** Operation id patterns: `*` matches any run of characters (`issues/*`, `*delete*`). */
  operations?: string[];
  /** HTTP methods, upper case (`POST`, `DELETE`). */
  methods?: string[];
  /** `write`: every method but GET and HEAD; `destructive`: DELETE, or a write whose operation
   *  name starts with a destructive verb (delete, remove, revoke, …; catalog/operation-class.ts). */
  classes?: ApprovalClass[];
}

export type ApprovalClass = "write" | "destructive";

/** A grant as the vault lists it; never the credential. */
export interface GrantInfo {
  grantId: string;
  provider: string;
  /** The account at the provider (a GitHub login, a Slack workspace), when known. */
  account: string | null;
  principal: { type: PrincipalType; id: string | null; label: string | null };
  scopes: string[];
  /** Already counts the policy floor (the earlier end wins). */
  status: GrantStatus;
  source: GrantSource;
  createdAt: string;
  /** Already counts the policy floor. */
  expiresAt: string | null;
  lastUsedAt: string | null;
  /** The grant's own policy. */
  policy: GrantPolicy;
  /** The operator's floor on the managed secret behind the grant, enforced together with `policy`
   *  (the stricter rule wins, per field); `{}` when there is none. Absent from older vaults. */
  policyFloor?: GrantPolicy;
}

/** `GET /v1/grants`: one page of grants. */
export interface GrantPage {
  grants: GrantInfo[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** `Cookie: <name>=<token>` (docs/protocol.md, `Injection`). */
export interface CookieInjection {
  type: "cookie";
  name: string;
}

/** One field of the secret and where it goes. */
export interface InjectionPart {
  in: "header" | "query" | "cookie";
  name: string;
  /** The field of the credential (a JSON object of strings) that goes there. */
  field: string;
  /** Written before the value (`Bearer `). */
  prefix?: string;
}

/** Every part at once: the document requires several credentials together. */
export interface MultiInjection {
  type: "multi";
  parts: InjectionPart[];
}

/** How the credential goes into the provider request. */
export type Injection =
  /** `Authorization: Bearer <token>` */
  | { type: "bearer" }
  /** `<name>: <prefix><token>` */
  | { type: "header"; name: string; prefix?: string }
  /** `?<name>=<token>` (any `<name>` pair already in the URL is removed first). */
  | { type: "query"; name: string }
  /** `Authorization: Basic base64(user:pass)` */
  | { type: "basic" }
  | { type: "aws-sigv4"; region: string; service: string }
  /** `Cookie: <name>=<token>` */
  | CookieInjection
  /** Several fields of one JSON secret, each in its own place (Trello's `key` and `token`). */
  | MultiInjection;

/** A value sealed for the answer to one request (docs/protocol.md, "Sealed values"). */
export interface SealedValue {
  alg: "A256GCM";
  /** base64url, 12 bytes */
  iv: string;
  /** base64url ciphertext */
  ct: string;
  /** base64url, 16 bytes */
  tag: string;
}

/** `POST /v1/credentials/retrieve`, 200: the sealed credential for one call. */
export interface RetrieveAnswer {
  grantId: string;
  provider: string;
  account: string | null;
  credential: SealedValue;
  injection: Injection;
  /** `URL.host` values the credential may be sent to (over https, or http to loopback). */
  hosts: string[];
  /** When the credential stops being usable (the SDK reuses it for retries until 5 s before). */
  expiresAt: string | null;
  auditId: string;
}

/** The provider's answer as the vault relays it, scrubbed of the credential. */
export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** base64 of the body bytes; null for none. */
  body: string | null;
  /** The redirects the vault followed to reach this answer, in order (absent when none). */
  redirects?: RedirectHop[];
  /** Set when this answer is a redirect the vault would not follow (the call fails with `code`). */
  redirectRefused?: { code: RedirectRefusal; why: string };
  /** The head of a streamed answer: `body` is empty and the bytes follow in frames. */
  stream?: true;
}

/** `POST /v1/proxy`, 200 (whatever the provider's status). */
export interface ProxyAnswer extends ProxyResponse {
  grantId: string;
  auditId: string;
}

/** An approval's lifecycle. */
export type ApprovalStatus = "pending" | "approved" | "denied" | "expired" | "executing" | "executed" | "failed";

/** `GET /v1/approvals/{id}`, 200. */
export interface ApprovalAnswer {
  id: string;
  status: ApprovalStatus;
  expiresAt: string;
  /** The provider's answer once executed (null before, and when withheld). */
  result: (ProxyResponse & { grantId: string }) | null;
  /** Why a failed approval has no result (`grant_revoked`, `approval_mismatch`, `result_withheld`). */
  error: { code: string } | null;
}

/** `AuditContext`: what the caller states about a call, for the audit row (all optional). */
export interface AuditContextWire {
  caller?: string;
  callerType?: "service" | "agent";
  operationId?: string;
  reason?: string;
  runId?: string;
  threadId?: string;
  toolCallId?: string;
  toolName?: string;
  sdkVersion?: string;
}

/** The body of a call's vault request, retrieve or proxy: which grant, which provider, the request, the audit context. */
export interface CallEnvelope<R> {
  grant: GrantReference;
  provider: string;
  request: R;
  context: AuditContextWire;
}

/** `POST /v1/credentials/retrieve`: the request the SDK is about to send (the URL with secret-looking query values redacted). */
export interface RetrieveRequest {
  operationId: string;
  method: string;
  url: string;
  /** Fingerprint of a token the provider just refused: the vault refreshes it. */
  rejectedCredential?: string;
  /** The redirects that led to `url` (the credential is asked for again at each hop on the grant's hosts). */
  redirects?: RedirectHop[];
}

/** `POST /v1/proxy`: the whole request, for the vault to send. */
export interface ProxyRequest {
  operationId: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** base64 of the body bytes; null for none. */
  body: string | null;
  /** How the vault treats a redirect answer. @default "follow" */
  redirect?: RedirectMode;
  /** Hops the vault follows at most (0–20). @default 5 */
  maxRedirects?: number;
  /** A 2xx answer's body is relayed as it arrives: a signed head, frames, a signed end (docs/protocol.md, "Streamed answers"). @default false */
  stream?: boolean;
}
