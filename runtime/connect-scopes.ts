// What a connect session asks each provider for. A provider may be named by id, or by a
// generated client's provider data (`import { provider } from "./clients/slack/index.js"`):
// then, unless `scopes` names it, the session asks for the client's least OAuth scopes
// (provider.js `security.leastScopes`, computed by the generator from the document).
import type { ProviderSpec } from "./operation.js";
import { AlterValueError } from "./errors.js";

/** A provider id, or a generated client's `provider`. */
export type ConnectProvider = string | Pick<ProviderSpec, "id" | "security">;

/** @internal The provider ids and scopes of the session request. */
export function connectTargets(providers: readonly ConnectProvider[] | undefined, scopes: Record<string, string[]> | undefined): { ids: string[]; scopes: Record<string, string[]> | undefined } {
  const id = (p: ConnectProvider) => (typeof p === "string" ? p : p && typeof p === "object" ? p.id : undefined);
  if (!Array.isArray(providers) || providers.length === 0 || !providers.every((p) => typeof id(p) === "string" && id(p) !== "")) {
    throw new AlterValueError('connect: providers must be a non-empty array of provider ids or generated providers, e.g. ["github"] or [provider]');
  }
  if (scopes !== undefined) {
    for (const [p, list] of Object.entries(scopes)) {
      if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) throw new AlterValueError(`connect: scopes.${p} must be an array of strings`);
    }
  }
  let out = scopes;
  for (const p of providers) {
    if (typeof p === "string" || !p.security?.leastScopes || (out && p.id in out)) continue;
    out = { ...out, [p.id]: [...p.security.leastScopes] };
  }
  return { ids: providers.map((p) => id(p)!), scopes: out };
}
