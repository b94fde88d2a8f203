// How a credential must be injected to meet one security requirement of a document: the
// `Injection` the vault hands the SDK (docs/protocol.md). One scheme maps to one of the classic
// injections; a requirement naming several (Trello: `key` and `token` query parameters at once)
// maps to `multi`, whose secret is a JSON object with one field per part.
import type { SecurityRequirementSpec, SecuritySchemeSpec } from "../runtime/operation.js";
import type { CatalogInjection, CatalogInjectionPart } from "./types.js";

export type InjectionChoice = { injection: CatalogInjection } | { error: string };

/** The parts of a requirement: where each credential goes. Bearer-like schemes share one part. */
function partsOf(requirement: SecurityRequirementSpec, schemes: Readonly<Record<string, SecuritySchemeSpec>>): (CatalogInjectionPart & { scheme: string; basic?: true })[] | string {
  const parts: (CatalogInjectionPart & { scheme: string; basic?: true })[] = [];
  let bearer = false;
  for (const name of Object.keys(requirement).sort()) {
    const s = schemes[name];
    if (!s) return `the security scheme "${name}" is not defined by the document`;
    if (s.type === "apiKey") parts.push({ in: s.in, name: s.name, field: s.name, scheme: name });
    else if (s.type === "oauth2" || s.type === "openIdConnect" || (s.type === "http" && s.scheme === "bearer")) {
      // Several OAuth schemes of one server (Google names two) still mean one access token.
      if (!bearer) parts.push({ in: "header", name: "Authorization", prefix: "Bearer ", field: name, scheme: name });
      bearer = true;
    } else if (s.type === "http" && s.scheme === "basic") parts.push({ in: "header", name: "Authorization", field: name, scheme: name, basic: true });
    else if (s.type === "http") return `the http scheme "${s.scheme}" of "${name}" cannot be injected (bearer and basic can)`;
    else return `"${name}" is mutual TLS, which the vault cannot inject`;
  }
  return parts;
}

/** The injection for one requirement, or why there is none. */
export function injectionForRequirement(requirement: SecurityRequirementSpec, schemes: Readonly<Record<string, SecuritySchemeSpec>>): InjectionChoice {
  const parts = partsOf(requirement, schemes);
  if (typeof parts === "string") return { error: parts };
  if (parts.length === 0) return { error: "the requirement is empty: it needs no credential" };
  if (parts.length === 1) {
    const p = parts[0]!;
    if (p.basic) return { injection: { type: "basic" } };
    if (p.prefix === "Bearer " && p.name === "Authorization") return { injection: { type: "bearer" } };
    return { injection: p.in === "cookie" ? { type: "cookie", name: p.name } : { type: p.in, name: p.name } };
  }
  if (parts.some((p) => p.basic)) return { error: "a requirement that combines basic auth with another credential cannot be injected" };
  const places = new Set(parts.map((p) => `${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`));
  if (places.size < parts.length) return { error: "two schemes of the requirement put their credential in the same place" };
  // Fields are the parameter names (Trello's secret is {"key": …, "token": …}), unless two
  // parts share a name (a header and a query parameter): then the scheme names.
  const byScheme = new Set(parts.map((p) => p.field)).size < parts.length;
  return {
    injection: {
      type: "multi",
      parts: parts.map(({ in: where, name, prefix, scheme, field }) => ({ in: where, name, field: byScheme ? scheme : field, ...(prefix ? { prefix } : {}) })),
    },
  };
}

/** The secret fields a `multi` injection needs, for messages (`{"key": "…", "token": "…"}`). */
export function secretFieldsOf(injection: CatalogInjection): string[] {
  return injection.type === "multi" ? injection.parts.map((p) => p.field) : [];
}
