// The shape of one entry of specs/providers.yaml. Read by the generator (client metadata),
// the vault (hosts, injection, OAuth endpoints) and the provider stand-ins (tests). Pagination and
// rate-limit entries are seam 1's own types: the generator copies them into provider.js as is.
import type { PaginationStyle, RateLimitHeaders } from "../runtime/operation.js";
import type { ToolsConfig } from "./tools.js";

/**
 * How operations are grouped into modules (the generator's `namespaceBy` option, which catalog
 * entries and config files set). `path-segment`: the first path segment that is not a version
 * (`/v1/customers/{id}` -> `customers`), for documents without tags (Stripe).
 */
export const NAMESPACE_BY = ["tag", "operationId-prefix", "path-segment"] as const;
export type NamespaceBy = (typeof NAMESPACE_BY)[number];

/**
 * Where method names come from (the generator's `methodNames` option): the operationId;
 * `resource`: the HTTP method and the path (`customers.list`, `customers.retrieve`,
 * `charges.capture`), for documents whose operationIds are mechanical (Stripe's
 * `GetCustomersCustomer`); `auto`: the operationId, unless it is a path echo
 * (generator/model/names.ts isPathEcho), then the resource. An operation without operationId is
 * named from its resource in every mode. Overrides still win. Catalog entries default to
 * `operationId` (their names are curated and published); documents outside it to `auto`.
 */
export const METHOD_NAMES = ["operationId", "resource", "auto"] as const;
export type MethodNames = (typeof METHOD_NAMES)[number];

export type CatalogInjection =
  | { type: "bearer" }
  | { type: "header"; name: string; prefix?: string }
  | { type: "query"; name: string }
  | { type: "basic" }
  | { type: "aws-sigv4"; region: string; service: string }
  | { type: "cookie"; name: string }
  | { type: "multi"; parts: CatalogInjectionPart[] };

/** One credential field of a `multi` injection and where it goes (docs/protocol.md, `Injection`). */
export interface CatalogInjectionPart {
  in: "header" | "query" | "cookie";
  name: string;
  /** The field of the stored JSON secret that goes there. */
  field: string;
  prefix?: string;
}

export interface CatalogOAuth {
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  /**
   * RFC 8628 device authorization endpoint: headless connect (`connect({ flow: "device" })`)
   * asks it for a user code instead of sending the person to the authorize URL.
   */
  deviceAuthorizationUrl?: string;
  pkce: boolean;
  /** Joins scopes in the authorize URL (" " for most, "," for Slack and GitHub legacy). */
  scopeSeparator: string;
  defaultScopes: string[];
  /** Extra fixed authorize parameters (e.g. Google's access_type=offline). */
  authorizeParams?: Record<string, string>;
  /**
   * Token types the provider's token endpoint answers besides Bearer, injected like Bearer
   * tokens (Slack's "bot"). Any other type is refused when it arrives.
   */
  tokenTypes?: string[];
}

export interface CatalogSpecSource {
  /** npm package the document was pulled from, its version and the path inside it. */
  package: string;
  version: string;
  path: string;
}

/**
 * Where the catalog knowingly differs from the provider's document, and why: the document's
 * legacy OAuth endpoint, an http server, a host no credential goes to. The catalog consistency
 * test (test/catalog-documents.test.ts) accepts a difference only when a deviation names it.
 */
export interface CatalogDeviation {
  /** The catalog field that differs: `baseUrl`, `hosts`, `oauth.authorizeUrl`, `oauth.tokenUrl`, `oauth.defaultScopes`. */
  field: (typeof DEVIATION_FIELDS)[number];
  /** The document's value (a URL, a host, a scope) the catalog does not follow. */
  document: string;
  reason: string;
}

export const DEVIATION_FIELDS = ["baseUrl", "hosts", "oauth.authorizeUrl", "oauth.tokenUrl", "oauth.defaultScopes"] as const;

export interface CatalogProvider {
  id: string;
  name: string;
  /** Pinned document, relative to specs/. */
  specFile: string;
  source: CatalogSpecSource;
  sha256: string;
  baseUrl: string;
  /** `URL.host` values a credential may be sent to. */
  hosts: string[];
  injection: CatalogInjection;
  oauth?: CatalogOAuth;
  pagination?: PaginationStyle;
  rateLimit?: RateLimitHeaders;
  requestIdHeaders?: string[];
  namespaceBy: NamespaceBy;
  /** Default: `operationId`. */
  methodNames?: MethodNames;
  /** Parameters that carry the credential and so are never method params (e.g. Slack's `token`). */
  credentialParams?: { in: "header" | "query"; name: string }[];
  /**
   * Keep only operations with these tags or operationIds (the document's own, not derived
   * names): Microsoft Graph's 11,000+ operations are cut to the everyday ones. The others are
   * never modelled or named; the client gets only the schemas its operations reach. A
   * `--include` on the command line narrows further.
   */
  include?: string[];
  deviations?: CatalogDeviation[];
  /** Spec fixes (relative to specs/), applied in order before parsing the model. */
  fixesFile?: string;
  /** Naming overrides (relative to specs/): operationId -> "namespace.method". */
  overridesFile?: string;
  docsUrl?: string;
  /**
   * What relative links in the document's descriptions are written against, so hovers link
   * somewhere: Stripe's `/docs/billing` is https://stripe.com/docs/billing, Zoom's
   * `/api-reference/…` is under https://marketplace.zoom.us/docs. Needed only when the origin of
   * the document's own `externalDocs` URL is not it.
   */
  docsLinkBase?: string;
  /** Headers every request to this provider carries (e.g. Notion's `Notion-Version`). */
  defaultHeaders?: Record<string, string>;
  /** A JSON body field that is `false` on errors answered with a 2xx status (Slack: `ok`). */
  okField?: string;
  /** The generated tools table's curation (catalog/tools.ts); `tools: false` writes none. */
  tools?: ToolsConfig;
}

export interface Catalog {
  /** Absolute path of the specs/ folder the catalog was read from. */
  dir: string;
  providers: CatalogProvider[];
}
