// Grants left behind by an IDP switch. Users and group grants are bound to the issuer that
// vouched for them (a `sub` or group id means something only at its IDP), so once the app trusts
// another issuer those grants are reachable by no token: "orphaned". They stay on record, bound
// to the old identities, until an operator revokes them or sets the old issuer again.
import type { Store } from "../storage/store/index.js";
import type { GrantRecord } from "../grant-types.js";

export interface OrphanedIssuer {
  /** The issuer the grants' principals belong to; null when the vault never knew it. */
  issuer: string | null;
  userGrants: number;
  groupGrants: number;
}

export interface OrphanSummary {
  /** Grants not yet revoked whose user or group belongs to another issuer than the one asked about. */
  grants: number;
  byIssuer: OrphanedIssuer[];
}

/** Grants (not revoked) that users of `issuer` cannot reach, because they belong to other issuers. */
export function loadOrphanedGrants(store: Store, appId: string, issuer: string | null): Promise<GrantRecord[]> {
  return store.grants.liveBoundTo(appId, { orphanedFrom: issuer });
}

export function summarizeOrphans(grants: readonly GrantRecord[]): OrphanSummary {
  const by = new Map<string | null, OrphanedIssuer>();
  for (const g of grants) {
    const entry = by.get(g.principalIssuer) ?? { issuer: g.principalIssuer, userGrants: 0, groupGrants: 0 };
    if (g.principalType === "user") entry.userGrants++;
    else entry.groupGrants++;
    by.set(g.principalIssuer, entry);
  }
  return { grants: grants.length, byIssuer: [...by.values()] };
}

/** "2 user grants and 1 group grant of https://old.example, 1 user grant of an unknown issuer" */
export function describeOrphans(s: OrphanSummary): string {
  const plural = (n: number, what: string) => `${n} ${what} grant${n === 1 ? "" : "s"}`;
  return s.byIssuer
    .map((o) => {
      const kinds = [o.userGrants ? plural(o.userGrants, "user") : "", o.groupGrants ? plural(o.groupGrants, "group") : ""].filter(Boolean).join(" and ");
      return `${kinds} of ${o.issuer ?? "an unknown issuer"}`;
    })
    .join(", ");
}
