import type { Migration } from "./types.js";

// What each provider of a connect session ended as, besides the grants it created: which one the
// person declined (or failed), so a partial connect is reported provider by provider instead of
// as "denied, nothing connected". JSON object: provider id → "denied" | "failed".
// And the person's name as the pages say it (the token's name or email claim, not the IDP's
// internal subject): who a connect session's grants will belong to, who signed in.
export const m061ConnectOutcomes: Migration = {
  version: 61,
  name: "connect-outcomes",
  sql: `
ALTER TABLE connect_sessions ADD COLUMN provider_outcomes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE connect_sessions ADD COLUMN owner_label TEXT;
ALTER TABLE auth_sessions ADD COLUMN user_label TEXT;
`,
};
