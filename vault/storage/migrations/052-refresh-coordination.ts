import type { Migration } from "./types.js";

// Refresh leases name the process holding them (host, pid and the process's start time, so a
// reused pid is not mistaken for the holder): a lease left by a process that died is taken over
// at once instead of after its 30 s expiry. After a failed refresh the row stays as a cool-down:
// `retry_at` (epoch ms) is when the next attempt may go to the token endpoint, `failures` how
// many attempts in a row failed (the cool-down doubles with each), `last_error` why.
export const m052RefreshCoordination: Migration = {
  version: 52,
  name: "refresh-coordination",
  sql: `
ALTER TABLE refresh_leases ADD COLUMN holder_host TEXT;
ALTER TABLE refresh_leases ADD COLUMN holder_pid INTEGER;
ALTER TABLE refresh_leases ADD COLUMN holder_start TEXT;
ALTER TABLE refresh_leases ADD COLUMN retry_at INTEGER;
ALTER TABLE refresh_leases ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE refresh_leases ADD COLUMN last_error TEXT;
`,
};
