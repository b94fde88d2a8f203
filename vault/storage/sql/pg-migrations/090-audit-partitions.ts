import type { PgMigration } from "./types.js";

// The audit table partitioned by month (RANGE over the ISO `time` text, now in the "C" collation so
// '2026-12' <= '2026-12-03T…' < '2027-01' whatever the database's locale), so a team that keeps
// years of rows can archive or move old months as whole tables instead of one table growing for
// ever. What changes with it:
// - Uniqueness must include the partition key: the primary key is (chain, seq, time) and id is
//   unique with time. seq stays unique per chain because appends to a chain are serialised by the
//   chain's advisory lock (store/audit.ts), and verification reports any repeated or missing seq.
// - Months are created ahead by `vault migrate` (audit_ensure_partitions, run by the owner: the
//   running vault's role may not create tables); a row for a month with no partition lands in
//   audit_default, so an insert never fails. A month whose rows are already in the default
//   partition is not created (PostgreSQL would refuse it) and `vault migrate` names it.
// - Append-only as before: the row trigger on the parent is cloned to every partition; a TRUNCATE
//   trigger is added to each partition too (TRUNCATE of a partition does not fire the parent's).
//   The runtime role holds privileges on the parent only, which is all an insert or read
//   through it needs, and none on any partition.
// An existing unpartitioned table is rebuilt in place (rows copied in seq order, then dropped).
export const pg090AuditPartitions: PgMigration = {
  version: 90,
  name: "audit-partitions",
  sql: `
CREATE OR REPLACE FUNCTION audit_month_partition(month date) RETURNS boolean LANGUAGE plpgsql AS $fn$
DECLARE
  lo text := to_char(month, 'YYYY-MM');
  hi text := to_char(month + interval '1 month', 'YYYY-MM');
  part text := 'audit_y' || to_char(month, 'YYYY') || 'm' || to_char(month, 'MM');
  stray boolean;
BEGIN
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN true;
  END IF;
  SELECT EXISTS (SELECT 1 FROM audit_default WHERE time >= lo AND time < hi) INTO stray;
  IF stray THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF audit FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()', part);
  RETURN true;
END
$fn$;

CREATE OR REPLACE FUNCTION audit_ensure_partitions(months_ahead integer) RETURNS text[] LANGUAGE plpgsql AS $fn$
DECLARE
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  month date;
  skipped text[] := '{}';
BEGIN
  FOR i IN 0..months_ahead LOOP
    month := (this_month + make_interval(months => i))::date;
    IF NOT audit_month_partition(month) THEN
      skipped := skipped || to_char(month, 'YYYY-MM');
    END IF;
  END LOOP;
  RETURN skipped;
END
$fn$;

DO $do$
DECLARE
  month text;
BEGIN
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass('audit')) <> 'r' THEN
    RETURN;
  END IF;
  ALTER TABLE audit RENAME TO audit_before_090;
  ALTER TABLE audit_before_090 RENAME CONSTRAINT audit_pkey TO audit_before_090_pkey;
  ALTER TABLE audit_before_090 RENAME CONSTRAINT audit_id_key TO audit_before_090_id_key;
  DROP INDEX audit_by_action, audit_by_grant, audit_by_key, audit_by_run, audit_by_time;
  CREATE TABLE audit (
    chain TEXT NOT NULL DEFAULT 'main',
    seq BIGINT NOT NULL,
    id TEXT NOT NULL,
    time TEXT COLLATE "C" NOT NULL,
    app_id TEXT,
    key_id TEXT,
    action TEXT NOT NULL,
    caller TEXT,
    caller_type TEXT,
    principal_type TEXT,
    principal_id TEXT,
    grant_id TEXT,
    provider TEXT,
    operation_id TEXT,
    method TEXT,
    url TEXT,
    reason TEXT,
    run_id TEXT,
    thread_id TEXT,
    tool_call_id TEXT,
    tool_name TEXT,
    sdk_version TEXT,
    remote_address TEXT,
    outcome TEXT NOT NULL,
    status INTEGER,
    latency_ms DOUBLE PRECISION,
    error_code TEXT,
    details TEXT,
    hash TEXT,
    PRIMARY KEY (chain, seq, time),
    UNIQUE (id, time)
  ) PARTITION BY RANGE (time);
  CREATE TABLE audit_default PARTITION OF audit DEFAULT;
  CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_default
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
  FOR month IN SELECT DISTINCT substr(time, 1, 7) FROM audit_before_090 WHERE time ~ '^[0-9]{4}-[0-9]{2}' LOOP
    PERFORM audit_month_partition(to_date(month, 'YYYY-MM'));
  END LOOP;
  INSERT INTO audit SELECT chain, seq, id, time, app_id, key_id, action, caller, caller_type, principal_type, principal_id,
    grant_id, provider, operation_id, method, url, reason, run_id, thread_id, tool_call_id, tool_name, sdk_version,
    remote_address, outcome, status, latency_ms, error_code, details, hash
    FROM audit_before_090 ORDER BY chain, seq;
  DROP TABLE audit_before_090;
END
$do$;

CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, seq);
CREATE INDEX IF NOT EXISTS audit_by_grant ON audit (grant_id, seq);
CREATE INDEX IF NOT EXISTS audit_by_key ON audit (key_id, seq) WHERE key_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_by_run ON audit (run_id, seq) WHERE run_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (time);
CREATE OR REPLACE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`,
};
