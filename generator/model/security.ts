// The `security` of a client's provider data (runtime/operation.ts ProviderSecurity): the
// document's schemes, the requirements of the operations the client keeps (only where they differ
// from the document's default), and the least OAuth scopes those operations need together.
import type { ProviderSecurity, SecurityRequirementSpec } from "../../runtime/operation.js";
import { readSecurity } from "../../catalog/security-schemes.js";
import { leastScopes, scopeUniverse } from "../../catalog/least-scopes.js";
import type { ApiModel } from "./api.js";

export interface ClientSecurity {
  /** Undefined when the document says nothing about credentials (GitHub's, Notion's). */
  security: ProviderSecurity | undefined;
  warnings: string[];
}

const same = (a: readonly SecurityRequirementSpec[] | undefined, b: readonly SecurityRequirementSpec[] | undefined) => JSON.stringify(a) === JSON.stringify(b);

export function clientSecurity(doc: Record<string, unknown>, model: ApiModel): ClientSecurity {
  const read = readSecurity(doc);
  const warnings = read.problems.map((p) => `security: ${p.message} (at ${p.pointer})`);
  if (Object.keys(read.schemes).length === 0 && read.operations.every((o) => o.requirements.length === 0)) return { security: undefined, warnings };
  const byPlace = new Map(read.operations.map((o) => [`${o.method} ${o.path}`, o]));
  const operations: Record<string, SecurityRequirementSpec[]> = {};
  const kept: SecurityRequirementSpec[][] = [];
  for (const ns of model.namespaces) {
    for (const op of ns.operations) {
      const found = byPlace.get(`${op.method} ${op.path}`);
      if (!found) continue;
      kept.push(found.requirements);
      // Only what the operation states itself: one that states nothing (and no default) is left
      // out, and the runtime then uses a credential, as for a document without security.
      if (found.own && !same(found.requirements, read.default)) operations[op.id] = found.requirements;
    }
  }
  const universe = scopeUniverse(read.operations.map((o) => o.requirements), read.schemes);
  const ids = Object.keys(operations).sort();
  const security: ProviderSecurity = {
    schemes: read.schemes,
    ...(read.default ? { default: read.default } : {}),
    ...(ids.length ? { operations: Object.fromEntries(ids.map((id) => [id, operations[id]!])) } : {}),
    // Only when the document names scopes at all (Zoom's and Asana's OAuth schemes name none).
    ...(universe.some((alts) => alts.some((a) => a.length > 0)) ? { leastScopes: leastScopes(kept, read.schemes, universe) } : {}),
  };
  return { security, warnings };
}
