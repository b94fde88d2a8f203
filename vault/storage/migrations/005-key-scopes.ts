import type { Migration } from "./types.js";

// API keys get a kind and scopes (vault/keys/scopes.ts). Keys that exist when this runs were
// able to call every route, so they become service keys with every scope: nothing that worked
// stops working, and the operator narrows them with `alter-gen vault keys scopes`.
export const m005KeyScopes: Migration = {
  version: 5,
  name: "key-scopes",
  sql: `
ALTER TABLE api_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service', 'agent'));
ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT '["call","provision","manage"]';
`,
};
