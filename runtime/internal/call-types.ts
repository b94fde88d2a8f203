// The shapes one provider call passes between its stages (call.ts → prepare.ts → retrieve.ts or
// proxy.ts → send.ts): what the AlterVault lends a call, the call's input, its prepared request
// and the provider's answer. Types only.
import type { Dispatcher } from "undici";
import type { GrantReference, RetrieveAnswer } from "../../protocol/wire.js";
import type { ApiResponse, CallOptions, ClientDefaults, GrantRef, HttpMethod, OperationSpec, ProviderSpec } from "../operation.js";
import type { AuditContext, AuditContextStore, CallerType } from "../audit.js";
import type { IdentitySource } from "../identity.js";
import type { Logger } from "../logger.js";
import type { RetryPolicy } from "../retry.js";
import type { TransportResponse, VaultTransport } from "./transport.js";
import type { CallPlan } from "./call-plan.js";
import type { EncodedBody } from "./body.js";
import type { PageCursor } from "./paginate.js";
import type { RawBody } from "./response.js";
import type { RedirectHop, RedirectRefusal } from "../../protocol/redirect.js";
import type { Tracing } from "./tracing.js";

/** What a call needs from its AlterVault (held privately by the vault, never exported). */
export interface CallEnv {
  transport: VaultTransport;
  providerAgent: Dispatcher;
  identity: IdentitySource;
  audit: AuditContextStore;
  retry: RetryPolicy;
  caller: string | undefined;
  callerType: CallerType;
  timeoutMs: number;
  logger: Logger | undefined;
  /** Approval ids raised by proxy calls, so `awaitApproval` can decode the result per operation. */
  approvals: Map<string, PendingApproval>;
  now: () => number;
  random: () => number;
  closed: boolean;
  /** Set when the vault was made with `tracing` (tracing.ts); undefined costs nothing. */
  tracing?: Tracing | undefined;
}

export interface PendingApproval {
  provider: ProviderSpec;
  op: OperationSpec;
}

export interface CallInput {
  provider: ProviderSpec;
  op: OperationSpec;
  grant: GrantRef;
  params: Record<string, unknown> | undefined;
  options: CallOptions | undefined;
  defaults: ClientDefaults | undefined;
  /** Set by pagination for pages after the first. */
  cursor?: PageCursor | undefined;
  /** The method's shared plan, when the caller keeps one (else worked out here). */
  plan?: CallPlan | undefined;
}

export interface CallResult<R = unknown> extends ApiResponse<R> {
  /** The URL that was requested (pagination resolves relative next links against it). */
  url: string;
}

/** The vault's answer to a retrieve (the credential inside is still sealed). */
export type Retrieved = Pick<TransportResponse<RetrieveAnswer>, "data" | "nonce">;

export interface Prepared {
  method: HttpMethod;
  url: string;
  /** `host[:port]` of `url`. */
  host: string;
  /** Shared and frozen when the call adds no headers of its own: never written to then. */
  headers: Record<string, string>;
  body: EncodedBody | undefined;
  /** `params.body` (merged with a pagination cursor's body fields), before encoding. */
  bodyValue: unknown;
  grant: GrantReference;
  identity: boolean;
  context: AuditContext;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  /**
   * When the answer's headers are due (performance.now()), set on a redirect's hop: one
   * `timeoutMs` covers every hop of an attempt, not one each.
   */
  deadline?: number | undefined;
  /** `stream: true`: a 2xx body is handed over as it arrives (stream-body.ts), not read first. */
  stream?: boolean | undefined;
  idempotencyKey: string | undefined;
  /** Fingerprint of a token the provider answered 401 to; asks the vault for a fresh one. */
  rejectedCredential?: string | undefined;
  /** The sealed credential retrieved for this call (retrieve mode), reused by retries. */
  retrieved?: Retrieved | undefined;
  /** The redirects that led to this request (a hop's Prepared only); the vault audits them. */
  redirects?: RedirectHop[] | undefined;
}

export interface ProviderAnswer {
  status: number;
  headers: Record<string, string>;
  body: RawBody;
  /** A 2xx body of a `stream: true` call, still arriving (then `body` is empty). */
  stream?: ReadableStream<Uint8Array>;
  /** Fingerprint of the token this answer was obtained with (retrieve mode, token credentials). */
  credentialFingerprint?: string;
  /** Sent with no credential (a redirect's hop off the grant's hosts): its 401 says nothing about the grant. */
  withoutCredential?: boolean;
  /** The URL that gave this answer, when redirects were followed to it. */
  url?: string;
  /** The redirects followed to this answer, in order. */
  redirects?: RedirectHop[];
  /** This answer is a redirect that was not followed, and why: the call fails with `code`. */
  refused?: { code: RedirectRefusal; why: string };
}
