import type { PgMigration } from "./types.js";

// The signed checkpoint of each audit chain (docs/architecture.md, "Audit log"): the chain's
// newest row (seq, hash) and when, MAC'd under a key derived from the master key. The instance
// appending to a chain rewrites its row in the same transaction as the rows it attests. The row
// may only move forward: an UPDATE that lowers seq or changes the chain, a DELETE and a TRUNCATE
// are refused for everyone (the owner can disable the trigger, as on the audit table; the
// checkpoint's point is that no one without the master key can forge a newer one). SQLite keeps
// its one chain's checkpoint in a file instead (migrations/092 is empty).
export const pg092AuditCheckpoints: PgMigration = {
  version: 92,
  name: "audit-checkpoints",
  sql: `
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  chain TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  time TEXT NOT NULL,
  mac TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION audit_checkpoint_forward() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.chain = OLD.chain AND NEW.seq >= OLD.seq THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit checkpoints only move forward' USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE OR REPLACE TRIGGER audit_checkpoint_forward BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_forward();
CREATE OR REPLACE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`,
};

/** Tables PostgreSQL has and SQLite does not (the schema parity test leaves them out). */
export const PG_ONLY_TABLES = ["audit_checkpoints"] as const;
