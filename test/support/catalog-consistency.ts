// Checks a catalog entry against its provider's own document: base URL and hosts against the
// document's servers (top, path and operation level), OAuth endpoints and default scopes against
// its oauth2 security schemes, and the pagination parameter against its query parameters. A
// difference is accepted only when the entry names it in `deviations` (with a reason).
import type { CatalogDeviation, CatalogProvider } from "../../catalog/index.js";
import { hasPropertyPath, type RawSchemaRef } from "../../generator/model/pagination.js";

type Doc = Record<string, any>;
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** A server URL with its variables at their defaults, without a trailing slash; undefined if relative. */
export function serverUrl(server: { url?: unknown; variables?: Record<string, { default?: unknown }> }): string | undefined {
  if (typeof server?.url !== "string") return undefined;
  const url = server.url.replace(/\{([^}]+)\}/g, (m, v: string) => (server.variables?.[v]?.default !== undefined ? String(server.variables[v]!.default) : m));
  if (!/^https?:\/\//.test(url)) return undefined;
  return url.replace(/\/$/, "");
}

function operations(doc: Doc): { pathItem: Doc; op: Doc }[] {
  const out: { pathItem: Doc; op: Doc }[] = [];
  for (const pathItem of Object.values<Doc>(doc.paths ?? {})) {
    for (const m of METHODS) if (pathItem?.[m]) out.push({ pathItem, op: pathItem[m] });
  }
  return out;
}

/** Every absolute server URL the document declares, at any level. */
export function documentServers(doc: Doc): string[] {
  const all = [...(doc.servers ?? [])];
  for (const { pathItem, op } of operations(doc)) all.push(...(pathItem.servers ?? []), ...(op.servers ?? []));
  return [...new Set(all.map(serverUrl).filter((u): u is string => u !== undefined))];
}

/** Names of the document's query parameters (following local `$ref`s to components). */
export function queryParams(doc: Doc): Set<string> {
  const names = new Set<string>();
  const resolve = (p: Doc): Doc => (typeof p?.$ref === "string" && p.$ref.startsWith("#/components/parameters/") ? (doc.components?.parameters?.[p.$ref.split("/").pop()!] ?? {}) : p);
  for (const { pathItem, op } of operations(doc)) {
    for (const raw of [...(pathItem.parameters ?? []), ...(op.parameters ?? [])]) {
      const p = resolve(raw);
      if (p?.in === "query" && typeof p.name === "string") names.add(p.name);
    }
  }
  return names;
}

/** The document's OAuth endpoints and scopes, over every oauth2 scheme and flow. */
export function documentOAuth(doc: Doc): { authorize: Set<string>; token: Set<string>; scopes: Set<string> } {
  const out = { authorize: new Set<string>(), token: new Set<string>(), scopes: new Set<string>() };
  const base = serverUrl(doc.servers?.[0] ?? {});
  const abs = (u: string) => (base && !/^https?:/.test(u) ? new URL(u, base + "/").href : u);
  for (const scheme of Object.values<Doc>(doc.components?.securitySchemes ?? {})) {
    if (scheme?.type !== "oauth2") continue;
    for (const flow of Object.values<Doc>(scheme.flows ?? {})) {
      if (typeof flow.authorizationUrl === "string" && flow.authorizationUrl) out.authorize.add(abs(flow.authorizationUrl));
      if (typeof flow.tokenUrl === "string" && flow.tokenUrl) out.token.add(abs(flow.tokenUrl));
      for (const s of Object.keys(flow.scopes ?? {})) out.scopes.add(s);
    }
  }
  return out;
}

/** Query parameter names that mean "this list pages" in the documents of the catalog. */
export const PAGING_PARAMS = ["pageToken", "page_token", "PageToken", "cursor", "after", "starting_after", "start_cursor", "next_page_token", "pagination_token", "offset", "startAt", "$skip", "page", "marker", "until"];

/** What is wrong with `entry` against `doc`, one line each (empty when consistent). */
export function checkEntry(entry: CatalogProvider, doc: Doc): string[] {
  const problems: string[] = [];
  const deviates = (field: CatalogDeviation["field"], value: string) => (entry.deviations ?? []).some((d) => d.field === field && d.document === value);
  const first = serverUrl(doc.servers?.[0] ?? {});
  if (first && first !== entry.baseUrl && !deviates("baseUrl", first)) problems.push(`baseUrl ${entry.baseUrl} is not the document's server ${first}`);
  for (const url of documentServers(doc)) {
    const host = new URL(url).host;
    if (!entry.hosts.includes(host) && !deviates("hosts", host)) problems.push(`hosts lack ${host} (a server of the document)`);
  }
  const oauth = documentOAuth(doc);
  if (entry.oauth && oauth.authorize.size && !oauth.authorize.has(entry.oauth.authorizeUrl)) {
    const named = [...oauth.authorize].filter((u) => deviates("oauth.authorizeUrl", u));
    if (named.length === 0) problems.push(`oauth.authorizeUrl ${entry.oauth.authorizeUrl} is not the document's (${[...oauth.authorize].join(", ")})`);
  }
  if (entry.oauth && oauth.token.size && !oauth.token.has(entry.oauth.tokenUrl)) {
    const named = [...oauth.token].filter((u) => deviates("oauth.tokenUrl", u));
    if (named.length === 0) problems.push(`oauth.tokenUrl ${entry.oauth.tokenUrl} is not the document's (${[...oauth.token].join(", ")})`);
  }
  if (entry.oauth && oauth.scopes.size) {
    for (const s of entry.oauth.defaultScopes) {
      if (!oauth.scopes.has(s) && !deviates("oauth.defaultScopes", s)) problems.push(`oauth.defaultScopes has ${s}, which the document does not declare`);
    }
  }
  const pagination = entry.pagination;
  if (pagination && pagination.style !== "link-header" && pagination.style !== "next-url" && !(pagination.style === "cursor" && pagination.in === "body")) {
    if (!queryParams(doc).has(pagination.param)) problems.push(`pagination.param ${pagination.param} is no query parameter of the document`);
  }
  if (pagination?.style === "next-url" && !responsesHavePath(doc, pagination.next)) {
    problems.push(`pagination.next ${pagination.next} is in no GET success body of the document`);
  }
  return problems;
}

/** Whether some GET operation's 2xx JSON body has the dot path (as the generator finds next-url pages). */
function responsesHavePath(doc: Doc, path: string): boolean {
  const resolve = (ref: RawSchemaRef): RawSchemaRef => {
    let r = ref;
    for (let i = 0; i < 16 && typeof r.schema?.$ref === "string" && r.schema.$ref.startsWith("#/"); i++) {
      const pointer = r.schema.$ref.slice(1);
      const target = pointer.split("/").slice(1).reduce<Doc | undefined>((o, k) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
      r = { schema: target ?? {}, pointer };
    }
    return r;
  };
  for (const { pathItem, op } of operations(doc)) {
    if (pathItem.get !== op) continue;
    for (const [status, raw] of Object.entries<Doc>(op.responses ?? {})) {
      if (!/^2(\d\d|XX)$/.test(status)) continue;
      const response = resolve({ schema: raw, pointer: "" }).schema;
      const schema = response?.content?.["application/json"]?.schema;
      if (schema && hasPropertyPath({ schema, pointer: "" }, path, resolve)) return true;
    }
  }
  return false;
}

/** The paging query parameters the document has (to require a pagination style, or a stated reason). */
export function pagingParams(doc: Doc): string[] {
  const names = queryParams(doc);
  return PAGING_PARAMS.filter((p) => names.has(p));
}
