// Method names from the HTTP method and the path, for documents whose operationIds are
// mechanical (Stripe's `GetCustomersCustomer`), path echoes or missing (Bitbucket). The names
// follow the resource conventions of the providers' own SDKs:
//
//   GET    /v1/customers                        customers.list
//   POST   /v1/customers                        customers.create
//   GET    /v1/customers/{customer}             customers.retrieve
//   POST   /v1/customers/{customer}             customers.update
//   DELETE /v1/customers/{customer}             customers.delete
//   GET    /v1/customers/search                 customers.search
//   GET    /v1/customers/{customer}/sources     customers.listSources
//   POST   /v1/customers/{customer}/sources     customers.createSource
//   GET    /v1/customers/{customer}/sources/{id}  customers.retrieveSource
//   POST   /v1/charges/{charge}/capture         charges.capture
//   POST   /v1/customers/{c}/sources/{id}/verify  customers.verifySource
//   GET    /v1/invoices/upcoming                invoices.retrieveUpcoming
//   GET    /v1/balance/history                  balance.listHistory
//   GET    /v1/apps/secrets/find                apps.findSecret
//   POST   /v1/billing/meters/{id}/deactivate   billing.deactivateMeter
//   POST   /2010-04-01/Accounts/{AccountSid}/Messages.json   messages.create (Twilio)
//
// Version segments (`v1`, `2010-04-01`) and format extensions (`.json`) are not words of the
// name. The namespace is the first remaining segment, after the document's scope: a leading
// `/Accounts/{AccountSid}` that most paths of the document share is the account every call is
// made for, not the resource (Twilio's own SDK names `messages.create`, not
// `accounts.createMessage`). A plural last segment is a collection (list / create), and so is
// one with item paths below it (`/balance/history/{id}`) or a GET that answers a page; a singular
// one is read by GET, updated by POST when it can also be read, and otherwise a POST to it is an
// action. Collisions are handled by the caller like any other name.
import { camelCase, isVersionSegment, pascalCase, safeMember, stripFormatExtension } from "./names.js";
import { isPlural, singular } from "./singular.js";

export { singular } from "./singular.js";

/** One path segment as a name sees it. */
export interface Segment {
  text: string;
  param: boolean;
}

/**
 * The segments of a path without versions and format extensions:
 * `/2010-04-01/Accounts/{Sid}.json` -> Accounts, {Sid}.
 */
export function resourceSegments(path: string): Segment[] {
  const out: Segment[] = [];
  for (const raw of path.split("/")) {
    const text = stripFormatExtension(raw);
    if (!text) continue;
    // A templated segment (`{repo_name}-issues-{task_id}.zip`) addresses something like a parameter.
    const param = /\{.+\}/.test(text);
    if (!param && isVersionSegment(text)) continue;
    out.push({ text, param });
  }
  return out;
}

/** A leading `static {param}…` prefix, such as Twilio's `/Accounts/{AccountSid}`. */
export interface Scope {
  text: string;
  params: number;
}

/** The scope prefix of `path`, if it starts with a static segment followed by parameters. */
function leadingScope(segs: readonly Segment[]): Scope | undefined {
  if (!segs[0] || segs[0].param) return undefined;
  let params = 0;
  while (segs[1 + params]?.param) params++;
  return params ? { text: segs[0].text, params } : undefined;
}

/**
 * The scope of a document: the `static {param}…` prefix that more than half of its paths share
 * and continue past with a resource of their own (`/Accounts/{AccountSid}/Messages.json`).
 */
export function documentScope(paths: Iterable<string>): Scope | undefined {
  const counts = new Map<string, { scope: Scope; n: number }>();
  let total = 0;
  for (const path of paths) {
    total++;
    const segs = resourceSegments(path);
    const scope = leadingScope(segs);
    if (!scope || !segs.slice(1 + scope.params).some((s) => !s.param)) continue;
    const key = `${scope.text}/${scope.params}`;
    counts.set(key, { scope, n: (counts.get(key)?.n ?? 0) + 1 });
  }
  for (const { scope, n } of counts.values()) if (n * 2 > total) return scope;
  return undefined;
}

/** The path's segments after the scope, when a resource of its own follows the scope. */
function withoutScope(segs: Segment[], scope: Scope | undefined): Segment[] {
  const lead = leadingScope(segs);
  if (!scope || !lead || lead.text !== scope.text || lead.params !== scope.params) return segs;
  const rest = segs.slice(1 + scope.params);
  return rest.some((s) => !s.param) ? rest : segs;
}

export interface PathFacts {
  /** The HTTP methods the document declares on this path (upper case). */
  methods: ReadonlySet<string>;
  /** Whether the document has an item path below this one (`/balance/history/{id}`). */
  hasItems: boolean;
  /** Whether the GET of this path answers a list (so the path is a collection, whatever its last segment). */
  lists?: boolean;
  /** The document's scope prefix (documentScope). */
  scope?: Scope;
}

/** The verb of a write to the anchor itself or to one of its items. */
function writeVerb(verb: string, item: boolean, methods: ReadonlySet<string>): string {
  if (verb === "DELETE") return "delete";
  if (verb === "PATCH") return "update";
  if (verb === "PUT") return methods.has("PATCH") ? "replace" : "update";
  // A POST to an item path that is also PUT or PATCHed creates it (Bitbucket's repositories).
  if (verb === "POST") return !item || methods.has("PUT") || methods.has("PATCH") ? "create" : "update";
  return verb.toLowerCase();
}

/**
 * The method name of `verb` on `rest`, the segments below `anchor` (the namespace's own
 * segment, or none when the namespace does not appear in the path).
 */
function nameBelow(verb: string, anchor: string | undefined, rest: readonly Segment[], facts: PathFacts): string {
  const statics = rest.filter((s) => !s.param).map((s) => s.text);
  const endsWithParam = rest.length > 0 && rest[rest.length - 1]!.param;
  const listing = facts.lists === true;
  if (statics.length === 0) {
    // The anchor's own collection or one of its items; a singular anchor is a singleton
    // (`GET /v1/balance` retrieves it); a path whose GET lists is a collection
    // (`/snippets/{workspace}`: GET lists the workspace's snippets, POST creates one).
    const item = (endsWithParam || anchor === undefined || !isPlural(anchor)) && !listing;
    if (verb === "GET") return item ? "retrieve" : "list";
    return writeVerb(verb, item, facts.methods);
  }
  const last = statics[statics.length - 1]!;
  const context = statics.slice(0, -1).map((s) => pascalCase(singular(s))).join("");
  const plural = context + pascalCase(last);
  const one = context + pascalCase(singular(last));
  if (endsWithParam && !listing) {
    // An item of a sub-resource: /customers/{c}/sources/{id}.
    if (verb === "GET") return "retrieve" + one;
    return writeVerb(verb, true, facts.methods) + one;
  }
  if ((last === "search" || last === "find") && verb === "GET") return last + context;
  if (isPlural(last) || facts.hasItems || listing) {
    // A sub-collection: /customers/{c}/sources.
    if (verb === "GET") return "list" + plural;
    if (verb === "POST") return "create" + one;
    return writeVerb(verb, false, facts.methods) + plural;
  }
  // A singular thing: /invoices/upcoming, /customers/{c}/cash_balance, /charges/{c}/capture.
  if (verb === "GET") return "retrieve" + plural;
  if (verb === "DELETE") return "delete" + plural;
  if (verb === "PUT" || verb === "PATCH") return writeVerb(verb, true, facts.methods) + plural;
  // A singular resource that can be read is updated by POST: /customers/{c}/cash_balance.
  if (verb === "POST" && facts.methods.has("GET")) return "update" + plural;
  // An action: /charges/{charge}/capture, /customers/{c}/sources/{id}/verify.
  return camelCase(last) + context;
}

/** Namespace and method from the path alone (`methodNames: resource`). */
export function deriveResourceName(method: string, path: string, facts: PathFacts): { namespace: string; method: string } {
  const segs = withoutScope(resourceSegments(path), facts.scope);
  const at = segs.findIndex((s) => !s.param);
  const anchor = at >= 0 ? segs[at]!.text : undefined;
  const name = nameBelow(method.toUpperCase(), anchor, at >= 0 ? segs.slice(at + 1) : segs, facts);
  return { namespace: safeMember(camelCase(anchor ?? "default") || "default"), method: safeMember(name) };
}

/**
 * The method name from the path for an operation whose namespace came from elsewhere (its tag),
 * used when its operationId is missing or a path echo. The name is relative to the namespace's
 * own segment when the path (after the scope) starts with it
 * (`GET /repositories/{w}/{r}/pullrequests/{id}/comments` under `pullrequests` -> `listComments`);
 * otherwise every segment after the scope names it (`GET /user/emails` under `accounts` ->
 * `listUserEmails`).
 */
export function resourceMethodName(method: string, path: string, namespace: string, facts: PathFacts): string {
  const segs = withoutScope(resourceSegments(path), facts.scope);
  // The namespace's segment, as written (`pullrequests`) or in its other number (`dashboard` of
  // `dashboards`), when the path starts with it; a later one (`/user/permissions/workspaces` under
  // `workspaces`) would drop words that tell it apart.
  const first = segs.findIndex((s) => !s.param);
  const at = first >= 0 && camelCase(singular(segs[first]!.text)) === camelCase(singular(namespace)) ? first : -1;
  const name = at >= 0 ? nameBelow(method.toUpperCase(), segs[at]!.text, segs.slice(at + 1), facts) : nameBelow(method.toUpperCase(), undefined, segs, facts);
  return safeMember(name);
}

/** The path's parameters after the document's scope: `/repositories/{w}/{r}/pullrequests` has none. */
function ownParams(path: string, scope: Scope | undefined): string[] {
  return withoutScope(resourceSegments(path), scope)
    .filter((s) => s.param)
    .map((s) => /\{([^{}]+)\}[^{]*$/.exec(s.text)![1]!);
}

/**
 * Tells apart resource names that collide in one namespace. The operation with the fewest
 * parameters of its own (after the scope) keeps the name when it alone has that few; the others
 * name the parameter that owns or addresses them: beside `list` of
 * `/repositories/{w}/{r}/pullrequests`, `/pullrequests/{selected_user}` is `listForSelectedUser`;
 * beside `retrieve` of `/snippets/{w}/{id}`, `/snippets/{w}/{id}/{node_id}` is
 * `retrieveByNodeId`. What still collides is left to the caller's numbering.
 */
export function distinguishCollisions(group: readonly { path: string; name: string }[], scope: Scope | undefined): string[] {
  const params = group.map((op) => ownParams(op.path, scope));
  const fewest = Math.min(...params.map((p) => p.length));
  const keeper = params.filter((p) => p.length === fewest).length === 1 ? params.findIndex((p) => p.length === fewest) : -1;
  return group.map((op, i) => {
    const last = params[i]![params[i]!.length - 1];
    if (i === keeper || last === undefined) return op.name;
    const segs = resourceSegments(op.path);
    const addressed = segs[segs.length - 1]?.param === true && !op.name.startsWith("list");
    return safeMember(op.name + (addressed ? "By" : "For") + pascalCase(last));
  });
}
