// Method names from the HTTP method and the path, for documents whose operationIds are
// mechanical (Stripe's `GetCustomersCustomer`). The names follow the resource conventions of the
// providers' own SDKs:
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
//
// The namespace is the first path segment that is not a version. A plural last segment is a
// collection (list / create), and so is one with item paths below it (`/balance/history/{id}`);
// a singular one is read by GET, updated by POST when it can also be
// read, and otherwise a POST to it is an action. Collisions are handled by the caller like any
// other name.
import { camelCase, firstPathSegment, isVersionSegment, pascalCase, safeMember } from "./names.js";

const isParam = (seg: string) => /^\{.+\}$/.test(seg);

const IRREGULAR: Record<string, string> = { people: "person", children: "child" };

/** `sources` -> `source`, `entries` -> `entry`, `statuses` -> `status`, `people` -> `person`. */
export function singular(word: string): string {
  const irregular = IRREGULAR[word.toLowerCase()];
  if (irregular) return irregular;
  if (/ies$/i.test(word)) return word.slice(0, -3) + "y";
  if (/(ss|us|sh|ch|x)es$/i.test(word)) return word.slice(0, -2);
  if (/(ss|us|is)$/i.test(word)) return word;
  if (/s$/i.test(word)) return word.slice(0, -1);
  return word;
}

function isPlural(word: string): boolean {
  return singular(word) !== word;
}

export interface PathFacts {
  /** The HTTP methods the document declares on this path (upper case). */
  methods: ReadonlySet<string>;
  /** Whether the document has an item path below this one (`/balance/history/{id}`). */
  hasItems: boolean;
}

export function deriveResourceName(method: string, path: string, facts: PathFacts): { namespace: string; method: string } {
  const segs = path.split("/").filter((s) => s && !isVersionSegment(s));
  const namespaceSeg = firstPathSegment(path) ?? "default";
  const rest = segs.slice(segs.indexOf(namespaceSeg) + 1);
  const statics = rest.filter((s) => !isParam(s));
  const endsWithParam = rest.length > 0 && isParam(rest[rest.length - 1]!);
  const verb = method.toUpperCase();
  let name: string;
  if (statics.length === 0) {
    // The namespace's own collection or one of its items; a singular namespace is a singleton
    // (`GET /v1/balance` retrieves it).
    const item = endsWithParam || !isPlural(namespaceSeg);
    name = verb === "GET" ? (item ? "retrieve" : "list") : verb === "POST" ? (item ? "update" : "create") : verb === "DELETE" ? "delete" : verb.toLowerCase();
  } else {
    const last = statics[statics.length - 1]!;
    const context = statics.slice(0, -1).map((s) => pascalCase(singular(s))).join("");
    if (endsWithParam) {
      // An item of a sub-resource: /customers/{c}/sources/{id}.
      const noun = context + pascalCase(singular(last));
      name = (verb === "GET" ? "retrieve" : verb === "POST" ? "update" : verb === "DELETE" ? "delete" : verb.toLowerCase()) + noun;
    } else if ((last === "search" || last === "find") && verb === "GET") {
      name = last + context;
    } else if (isPlural(last) || facts.hasItems) {
      // A sub-collection: /customers/{c}/sources.
      name = (verb === "GET" ? "list" + context + pascalCase(last) : verb === "POST" ? "create" + context + pascalCase(singular(last)) : verb === "DELETE" ? "delete" + context + pascalCase(last) : verb.toLowerCase() + context + pascalCase(last));
    } else if (verb === "GET") {
      // A singular thing to read: /invoices/upcoming, /accounts/{a}/capabilities/{c} handled above.
      name = "retrieve" + context + pascalCase(last);
    } else if (verb === "DELETE") {
      name = "delete" + context + pascalCase(last);
    } else if (verb === "POST" && facts.methods.has("GET")) {
      // A singular resource that can be read is updated by POST: /customers/{c}/cash_balance.
      name = "update" + context + pascalCase(last);
    } else {
      // An action: /charges/{charge}/capture, /customers/{c}/sources/{id}/verify.
      name = camelCase(last) + context;
    }
  }
  return { namespace: safeMember(camelCase(namespaceSeg) || "default"), method: safeMember(name) };
}
