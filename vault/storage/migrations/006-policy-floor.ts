import type { Migration } from "./types.js";

// The operator's policy floor of a managed secret (a GrantPolicy as JSON). It is not copied into
// grants: every access evaluates the floor and the grant's own policy together, so a raised
// floor applies at once to grants that already exist.
export const m006PolicyFloor: Migration = {
  version: 6,
  name: "policy-floor",
  sql: `ALTER TABLE managed_secrets ADD COLUMN policy_floor TEXT NOT NULL DEFAULT '{}';`,
};
