// The seam between generated clients and the runtime. Generated modules hold data that
// satisfies these types and method *types* built from the generic interfaces below; every
// behaviour (URL building, auth, retries, pagination, errors) lives in the runtime.
// See docs/architecture.md, "The generated client".

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";

export type ParamLocation = "path" | "query" | "header" | "cookie";

/** How one named parameter of `params` travels. A bare location is shorthand for `{ in }`. */
export interface ParamSpec {
  in: ParamLocation;
  /** Wire name when it differs from the property name (collisions, renames). */
  name?: string;
  /** OpenAPI serialisation style; defaults are OpenAPI's (form+explode for query, simple for path/header). */
  style?: "form" | "simple" | "spaceDelimited" | "pipeDelimited" | "deepObject" | "label" | "matrix";
  explode?: boolean;
  /** Already-encoded values (OpenAPI `allowReserved`). */
  allowReserved?: boolean;
  /**
   * The empty string is a value (GitHub's `path` of repos/get-content: "" is the repository's
   * root). Honoured only for a parameter that is the template's whole last segment, so the
   * request goes to `…/contents/`; anywhere else an empty path value is refused as missing.
   */
  allowEmpty?: boolean;
}

/** How the request body is encoded. */
export type BodyKind = "json" | "form" | "multipart" | "binary" | "text";

/** How the success response body is decoded. */
export type ResponseKind = "json" | "text" | "binary" | "empty";

export interface OperationSpec {
  /** The document's operationId, or the generator's stable fallback; sent to the vault for audit. */
  id: string;
  method: HttpMethod;
  /** Path template relative to the provider base URL, e.g. `/orgs/{org}/repos`. */
  path: string;
  params?: Readonly<Record<string, ParamSpec | ParamLocation>>;
  body?: { kind: BodyKind; mediaType: string; required?: boolean };
  /** Default "json". */
  response?: ResponseKind;
  /**
   * The Accept header to send when it is not the response kind's default (`application/json` for
   * json): the media type the generator typed the response from, so the answer fits its type.
   */
  accept?: string;
  /**
   * The representations a caller may ask for with the `accept` option (lower-case media type →
   * how that answer is decoded), the default among them; absent when the document declares one.
   */
  representations?: Readonly<Record<string, ResponseKind>>;
  /** Present when the operation pages with the provider's pagination style. */
  paginate?: { items?: string };
  /** Overrides the method's idempotency for retries (e.g. PUT that is not idempotent). */
  idempotent?: boolean;
  /** An operation-level server that replaces the provider base URL. */
  baseUrl?: string;
}

export type OperationTable = Readonly<Record<string, OperationSpec>>;

/**
 * How a provider pages. Paths are dot paths into the JSON page body.
 * - link-header: GitHub (`Link: <…>; rel="next"`)
 * - cursor: Slack (cursor / response_metadata.next_cursor), Google (pageToken / nextPageToken),
 *   Notion (start_cursor / next_cursor, has_more; in the body for POST queries), Asana
 *   (offset / next_page.offset), Zoom (next_page_token / next_page_token)
 * - item-cursor: Stripe (starting_after = id of the last item, while has_more)
 * - offset: Jira (startAt += number of items, until startAt >= total)
 * - next-url: the whole next-page URL in the body, absolute or relative to the page's URL:
 *   Microsoft Graph (`@odata.nextLink`), Bitbucket (`next`), Twilio (`next_page_uri`),
 *   DigitalOcean (`links.pages.next`), SendGrid (`_metadata.next`); followed on the page's origin only
 * - page: a page number (Xero, Mux: `page`, from `start`, default 1) until a page comes back
 *   empty, or until the page number reaches `totalPages` when the body says how many there are
 *
 * A key that itself holds dots (`@odata.nextLink`) is read whole before the path is split.
 */
export type PaginationStyle =
  | { style: "link-header" }
  | { style: "cursor"; param: string; next: string; hasMore?: string; in?: "query" | "body" }
  | { style: "item-cursor"; param: string; hasMore: string; idField: string }
  | { style: "offset"; param: string; total: string; limitParam?: string }
  | { style: "next-url"; next: string }
  | { style: "page"; param: string; start?: number; totalPages?: string };

export interface RateLimitHeaders {
  limit?: string;
  remaining?: string;
  reset?: string;
  /** What `reset` holds. */
  resetUnit?: "epoch-seconds" | "seconds" | "epoch-ms";
}

/** Provider metadata the generator copies from specs/providers.yaml into `provider.ts`. */
export interface ProviderSpec {
  id: string;
  name: string;
  baseUrl: string;
  pagination?: PaginationStyle;
  rateLimit?: RateLimitHeaders;
  /** Response headers that carry the provider's request id, first match wins. */
  requestIdHeaders?: readonly string[];
  /** Headers every request to this provider carries (e.g. Notion-Version); params and options override them. */
  defaultHeaders?: Readonly<Record<string, string>>;
  /**
   * Providers that answer errors with a 2xx status and a flag in the body (Slack: `"ok": false`):
   * a 2xx JSON object whose `okField` is `false` is thrown as a ProviderAPIError.
   */
  okField?: string;
  /**
   * Other servers the document gives some operations (OpenAPI `servers` on a path or operation),
   * e.g. GitHub's `https://uploads.github.com`: the keys `ClientDefaults.servers` may move.
   */
  servers?: readonly string[];
  /** What the document says about credentials (its security schemes and requirements). */
  security?: ProviderSecurity;
}

/**
 * A security scheme of the document (OpenAPI `components.securitySchemes`, Swagger 2.0
 * `securityDefinitions`), kept as the document states it: the vault decides how a credential is
 * injected; generated clients carry this so tools and the runtime know what each operation needs.
 */
export type SecuritySchemeSpec =
  | { type: "apiKey"; in: "header" | "query" | "cookie"; name: string }
  /** `scheme`: `bearer`, `basic`, or another RFC 7235 scheme the runtime cannot inject. */
  | { type: "http"; scheme: string; bearerFormat?: string }
  | { type: "oauth2"; flows: OAuthFlowsSpec }
  | { type: "openIdConnect"; openIdConnectUrl: string }
  | { type: "mutualTLS" };

export interface OAuthFlowSpec {
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  /** OpenAPI 3.2's deviceAuthorization flow: the RFC 8628 device authorization endpoint. */
  deviceAuthorizationUrl?: string;
  /** The scope names the flow declares (their descriptions are left in the document). */
  scopes: readonly string[];
}

export interface OAuthFlowsSpec {
  authorizationCode?: OAuthFlowSpec;
  clientCredentials?: OAuthFlowSpec;
  implicit?: OAuthFlowSpec;
  password?: OAuthFlowSpec;
  /** OpenAPI 3.2 (RFC 8628): `deviceAuthorizationUrl` and `tokenUrl`. */
  deviceAuthorization?: OAuthFlowSpec;
}

/**
 * One way to satisfy an operation: every named scheme at once (two entries: two credentials,
 * e.g. Trello's `key` and `token`), each with the OAuth scopes it needs. An operation lists
 * alternatives; `[]`, or only empty alternatives, means it needs no credential.
 */
export type SecurityRequirementSpec = Readonly<Record<string, readonly string[]>>;

export interface ProviderSecurity {
  schemes: Readonly<Record<string, SecuritySchemeSpec>>;
  /** The requirements of operations that state none of their own (the document's `security`). */
  default?: readonly SecurityRequirementSpec[];
  /** Operations whose requirements differ from `default`, by operation id. */
  operations?: Readonly<Record<string, readonly SecurityRequirementSpec[]>>;
  /**
   * The least OAuth scopes the operations of this client need together (catalog/least-scopes.ts):
   * what a connect flow for this client should ask for.
   */
  leastScopes?: readonly string[];
}

/** A grant id, or "the signed-in end user's grant for this provider". */
export type GrantRef = string | IdentityGrantRef;

export interface IdentityGrantRef {
  readonly type: "identity";
  /** Chooses among several accounts of the same user for this provider. */
  readonly account?: string;
}

export type CallMode = "retrieve" | "proxy";

/**
 * The cancellation signal calls honour: a standard `AbortSignal` fits. Declared structurally so
 * that these declarations need neither the DOM lib nor @types/node in a consumer's build.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * A `Blob` or `File` (the DOM lib's or Node's), declared structurally like `AbortSignalLike`:
 * generated binary-body types use it, so a consumer compiles without the DOM lib or @types/node.
 */
export interface BlobLike {
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  stream(): unknown;
}

/** A web `ReadableStream` or a Node `stream.Readable`, structurally. */
export type StreamLike = { getReader(): unknown } | { pipe(destination: never): unknown };

/** What a binary request body may be: bytes, text, a Blob or File, or a stream. */
export type BinaryInput = Uint8Array | ArrayBuffer | string | BlobLike | StreamLike;

/**
 * Per-call options: the third argument of every generated method. Every field is optional; the
 * audit fields (`reason`, `runId`, `threadId`, `toolCallId`, `toolName`) go into the vault's audit
 * row of this call and never change what is sent to the provider.
 */
export interface CallOptions {
  /**
   * Why this call is made, in words a person reviewing the audit log (or an approval) reads.
   * Overrides the client's default and any `vault.withContext` scope.
   * @default undefined (no reason is recorded)
   */
  reason?: string;
  /**
   * The agent framework's id of the run this call belongs to, for the audit row.
   * @default the enclosing `vault.withContext({ runId })`, else none
   */
  runId?: string;
  /**
   * The framework's id of the conversation (thread) this call belongs to, for the audit row.
   * @default the enclosing `vault.withContext({ threadId })`, else none
   */
  threadId?: string;
  /**
   * The framework's id of the one model tool call that made this call, for the audit row. Not a
   * client default: it names one call.
   * @default the enclosing `vault.withContext({ toolCallId })`, else none
   */
  toolCallId?: string;
  /**
   * The name of the tool that made this call (an agent's tool, an MCP tool), for the audit row.
   * @default the enclosing `vault.withContext({ toolName })`, else none
   */
  toolName?: string;
  /**
   * Cancels the call: pending retries stop and the request in flight is aborted; the promise
   * rejects with the signal's reason. Any standard `AbortSignal` fits.
   * @default undefined (the call runs until it ends or times out)
   */
  signal?: AbortSignalLike;
  /**
   * Time limit of each attempt, in milliseconds: for the answer's headers (one limit across every
   * redirect the attempt follows), and again for each gap while its body arrives (retries get a
   * fresh limit each).
   * @default the client's `timeoutMs`, else the AlterVault's `timeoutMs` (30000)
   */
  timeoutMs?: number;
  /**
   * Extra request headers, added after the provider's default headers, header parameters and the
   * client's headers (so they win); names are case-insensitive. Names must be header tokens and
   * values characters a header can carry, else `AlterValueError`. The credential's header is
   * always the injected one, whatever is set here.
   * @default {} (none)
   */
  headers?: Record<string, string>;
  /**
   * How the credential reaches the provider: `"retrieve"` (the runtime fetches it from the vault
   * for this call, injects it and calls the provider itself) or `"proxy"` (the vault makes the
   * call and the credential never leaves it; required for grants that need approval).
   * @default the client's `mode`, else `"retrieve"`
   */
  mode?: CallMode;
  /**
   * Sent as the `Idempotency-Key` header, and makes an unsafe method (POST, PATCH) retryable:
   * the provider can tell a retry from a new request.
   * @default undefined (unsafe methods are not retried after the request may have been sent)
   */
  idempotencyKey?: string;
  /**
   * What a redirect answer (301, 302, 303, 307, 308 with a Location) does: `"follow"` sends the
   * request on to the new URL (307/308 keep method and body; 303, and 301/302 after a POST, become
   * a GET without body); the credential goes along only to the grant's own hosts over https,
   * checked again at every hop, and never to any other host. `"manual"` hands the 3xx back as a
   * `ProviderAPIError` (its `headers.location` scrubbed of the credential); `"error"` fails with
   * a `ProviderAPIError` of code `redirect_not_followed`. In proxy mode the vault follows by the
   * same rules.
   * @default "follow"
   */
  redirect?: "follow" | "manual" | "error";
  /**
   * Redirects followed at most in one attempt (0 to 20); one more fails the call with a
   * `ProviderAPIError` of code `too_many_redirects` (a redirect loop ends here).
   * @default 5
   */
  maxRedirects?: number;
  /**
   * `true` resolves the call with the answer's body as it arrives, a `ByteStream` (see
   * `StreamOptions`), instead of reading and decoding it first. Not a client default.
   * @default false (the body is read whole and decoded)
   */
  stream?: false;
}

/**
 * The answer's body while it arrives: at run time a web `ReadableStream<Uint8Array>` (Node's
 * global one), so `for await (const chunk of body)`, `Readable.fromWeb(body as ReadableStream)`,
 * `new Response(body)` and `body.pipeTo(...)` all work. Declared structurally, like
 * `AbortSignalLike`, so these declarations need neither the DOM lib nor @types/node.
 */
export interface ByteStream extends AsyncIterable<Uint8Array> {
  /** Whether a reader holds the stream. */
  readonly locked: boolean;
  /** Stops reading: the rest of the body is dropped and its connection freed. */
  cancel(reason?: unknown): Promise<void>;
  getReader(): ByteStreamReader;
}

export interface ByteStreamReader {
  read(): Promise<{ done: false; value: Uint8Array } | { done: true; value?: undefined }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
  readonly closed: Promise<void>;
}

/**
 * The options of a call that streams its answer (`{ stream: true }`), on every operation and
 * with `accept` for another representation: a 2xx answer's body is handed over as it arrives
 * (the raw bytes, whatever the response type), with backpressure (nothing is read ahead of the
 * consumer beyond the socket's buffers). The call resolves once the answer's headers are in;
 * a non-2xx answer is still read and thrown as a `ProviderAPIError`. While the body arrives,
 * `signal` aborts it (the stream errors with the signal's reason), `timeoutMs` limits each gap,
 * a failure errors the stream with a `NetworkError` or `TimeoutError`, and `cancel()` frees the
 * connection. The credential is scrubbed from the bytes as from a buffered body, across chunk
 * boundaries. Not with `pages`/`paginate`.
 */
export interface StreamOptions extends Omit<CallOptions, "stream"> {
  stream: true;
}

/** Options given once to `createXClient(vault, defaults)`. */
export interface ClientDefaults extends Omit<CallOptions, "signal" | "toolCallId" | "stream"> {
  /**
   * Replaces the provider base URL (a proxy, an enterprise host, a local stand-in); `undefined`
   * keeps the provider's, so `{ baseUrl: process.env.X }` type-checks under exactOptionalPropertyTypes.
   */
  baseUrl?: string | undefined;
  /**
   * Moves the servers the document gives some operations of their own (`ProviderSpec.servers`),
   * which `baseUrl` does not touch: a key is such a server's URL or host (`uploads.github.com`),
   * its value the base URL to use instead (a GitHub Enterprise Server's `https://ghe.example/api/uploads`,
   * a local stand-in). A key that names no server of the provider is an AlterValueError on the
   * first call of an operation that has a server of its own.
   */
  servers?: Readonly<Record<string, string>> | undefined;
}

export interface ApiResponse<R, H = Record<string, string>> {
  data: R;
  status: number;
  headers: H;
  requestId: string | undefined;
}

/** Methods whose params object has at least one required property. */
export interface Method<P, R, E = unknown> {
  /** The answer's body as it arrives (`{ stream: true }`, see `StreamOptions`). */
  (grant: GrantRef, params: P, options: StreamOptions): Promise<ByteStream>;
  /**
   * Calls the operation and resolves with the provider's decoded answer.
   * @param grant Whose credential to use: a grant id (`"3f1c…"`), or `asUser()` / `asUser({ account })`
   *   for the signed-in end user's grant for this provider.
   * @param params The operation's path, query, header and cookie parameters by name, and its
   *   request body as `body`.
   * @param options Per-call options: audit fields, `signal`, `timeoutMs`, `headers`, `mode`, `idempotencyKey`.
   */
  (grant: GrantRef, params: P, options?: CallOptions): Promise<R>;
  /** As the call itself, with the status, the headers and the provider's request id. */
  withResponse(grant: GrantRef, params: P, options: StreamOptions): Promise<ApiResponse<ByteStream>>;
  withResponse(grant: GrantRef, params: P, options?: CallOptions): Promise<ApiResponse<R>>;
  /** Narrows a caught error to this operation's provider error with its typed body. */
  isError(error: unknown): error is ProviderErrorOf<E>;
}

/** Methods whose params are all optional. */
export interface MethodOpt<P, R, E = unknown> {
  /** The answer's body as it arrives (`{ stream: true }`, see `StreamOptions`). */
  (grant: GrantRef, params: P | undefined, options: StreamOptions): Promise<ByteStream>;
  /**
   * Calls the operation and resolves with the provider's decoded answer.
   * @param grant Whose credential to use: a grant id (`"3f1c…"`), or `asUser()` / `asUser({ account })`
   *   for the signed-in end user's grant for this provider.
   * @param params The operation's parameters by name and its request body as `body`; all optional.
   * @param options Per-call options: audit fields, `signal`, `timeoutMs`, `headers`, `mode`, `idempotencyKey`.
   */
  (grant: GrantRef, params?: P, options?: CallOptions): Promise<R>;
  /** As the call itself, with the status, the headers and the provider's request id. */
  withResponse(grant: GrantRef, params: P | undefined, options: StreamOptions): Promise<ApiResponse<ByteStream>>;
  withResponse(grant: GrantRef, params?: P, options?: CallOptions): Promise<ApiResponse<R>>;
  isError(error: unknown): error is ProviderErrorOf<E>;
}

export interface Paginated<P, R, I> {
  /** Every item across pages. */
  paginate(grant: GrantRef, params: P, options?: CallOptions): AsyncIterableIterator<I>;
  /** Every page, as the typed response. */
  pages(grant: GrantRef, params: P, options?: CallOptions): AsyncIterableIterator<R>;
}

export interface PaginatedOpt<P, R, I> {
  paginate(grant: GrantRef, params?: P, options?: CallOptions): AsyncIterableIterator<I>;
  pages(grant: GrantRef, params?: P, options?: CallOptions): AsyncIterableIterator<R>;
}

/** The options of a call that asks for another representation of the answer. */
export interface RepresentationOptions<M extends string> extends CallOptions {
  /**
   * The media type of the representation to ask for, one the operation's document declares (the
   * method's type lists them): it is sent as the Accept header, and the answer is decoded and
   * typed as that representation (JSON parsed, text and diffs as a string, binary as bytes).
   * An `accept` in `headers` still wins as a header but changes neither decoding nor type.
   * @default the representation the method's return type is built from
   */
  accept: M;
}

/** The calls of a method whose answer has several representations, `A` mapping media type to type. */
export interface Represented<P, A> {
  /** The representation `options.accept`, its body as it arrives (`stream: true`). */
  <M extends keyof A & string>(grant: GrantRef, params: P, options: StreamOptions & { accept: M }): Promise<ByteStream>;
  withResponse<M extends keyof A & string>(grant: GrantRef, params: P, options: StreamOptions & { accept: M }): Promise<ApiResponse<ByteStream>>;
  /** Calls the operation asking for the representation `options.accept`; resolves with it decoded. */
  <M extends keyof A & string>(grant: GrantRef, params: P, options: RepresentationOptions<M>): Promise<A[M]>;
  withResponse<M extends keyof A & string>(grant: GrantRef, params: P, options: RepresentationOptions<M>): Promise<ApiResponse<A[M]>>;
}

/** `Represented` for methods whose params are all optional. */
export interface RepresentedOpt<P, A> {
  /** The representation `options.accept`, its body as it arrives (`stream: true`). */
  <M extends keyof A & string>(grant: GrantRef, params: P | undefined, options: StreamOptions & { accept: M }): Promise<ByteStream>;
  withResponse<M extends keyof A & string>(grant: GrantRef, params: P | undefined, options: StreamOptions & { accept: M }): Promise<ApiResponse<ByteStream>>;
  /** Calls the operation asking for the representation `options.accept`; resolves with it decoded. */
  <M extends keyof A & string>(grant: GrantRef, params: P | undefined, options: RepresentationOptions<M>): Promise<A[M]>;
  withResponse<M extends keyof A & string>(grant: GrantRef, params: P | undefined, options: RepresentationOptions<M>): Promise<ApiResponse<A[M]>>;
}

/** An item of a page in another representation: the element of an array page, else unknown. */
export type RepresentedItem<T> = T extends readonly (infer I)[] ? I : unknown;

/** `pages` and `paginate` of a paginated method with several representations. */
export interface RepresentedPages<P, A> {
  /** Every page, in the representation `options.accept`. */
  pages<M extends keyof A & string>(grant: GrantRef, params: P, options: RepresentationOptions<M>): AsyncIterableIterator<A[M]>;
  /** Every item across pages, in the representation `options.accept`. */
  paginate<M extends keyof A & string>(grant: GrantRef, params: P, options: RepresentationOptions<M>): AsyncIterableIterator<RepresentedItem<A[M]>>;
}

// The representation overloads come first: a call whose options name `accept` resolves to them
// (an options variable with `accept` and other fields too), every other call to the plain method's.
export type RepresentedMethod<P, R, E, A> = Represented<P, A> & Method<P, R, E>;
export type RepresentedMethodOpt<P, R, E, A> = RepresentedOpt<P, A> & MethodOpt<P, R, E>;
export type RepresentedPaginatedMethod<P, R, E, I, A> = Represented<P, A> & RepresentedPages<P, A> & PaginatedMethod<P, R, E, I>;
export type RepresentedPaginatedMethodOpt<P, R, E, I, A> = RepresentedOpt<P, A> & RepresentedPages<P | undefined, A> & PaginatedMethodOpt<P, R, E, I>;

export type PaginatedMethod<P, R, E, I> = Method<P, R, E> & Paginated<P, R, I>;
export type PaginatedMethodOpt<P, R, E, I> = MethodOpt<P, R, E> & PaginatedOpt<P, R, I>;

/** The shape of a thrown provider error, narrowed by `isError`. Implemented in errors.ts. */
export interface ProviderErrorOf<E> extends Error {
  readonly code: string;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: E;
  readonly requestId: string | undefined;
  readonly operationId: string;
}
