// Vault and e2e test files the "postgres" vitest project leaves out, each with the reason: they
// test what exists on SQLite only (the database file and its WAL, the server lock, migrations of
// old SQLite folders, the synchronous audit writer, `vault import` from a SQLite folder), or they
// already run on both engines by themselves (the store conformance suites and the instance tests
// that build one store per engine), or they store nothing (pure rule tables, page builders: the
// same test twice would only cost time). Everything else in test/vault and test/e2e runs on both.
// Paths are relative to the repository root, as vitest's exclude patterns are.
export const SQLITE_ONLY: Record<string, string> = {
  "test/vault/storage/**": "the store suites run on both engines by themselves (conformance on SQLite and on a real PostgreSQL)",
  "test/vault/replay-guard.test.ts": "builds the replay guard over a store of each engine by itself",
  "test/vault/oauth/flow-instances.test.ts": "builds two stores of each engine by itself",
  "test/vault/oauth/refresh-instances.test.ts": "builds two stores of each engine by itself",
  "test/vault/database-url.test.ts": "starts its own PostgreSQL to refuse bad database URLs; on SQLite it checks the default stays",
  "test/vault/postgres-serve.test.ts": "starts its own PostgreSQL and serves it as an operator does (migrate, init, two starts)",
  "test/vault/replay-instances.test.ts": "starts its own PostgreSQL cluster and instances over it",
  "test/vault/server-lock.test.ts": "the one-server-per-SQLite-file lock; PostgreSQL serves several instances on purpose",
  "test/vault/sqlite-check.test.ts": "a missing or unbuilt better-sqlite3 module",
  "test/vault/audit-crash.test.ts": "truncates the SQLite WAL after a kill",
  "test/vault/audit-writer.test.ts": "the SQLite audit writer's group commit on its file",
  "test/vault/audit-store-transaction.test.ts": "the SQLite store sharing the audit writer's better-sqlite3 handle",
  "test/vault/audit-read.test.ts": "SQLite's EXPLAIN QUERY PLAN for each audit filter, on rows inserted into the file",
  "test/vault/audit-chain.test.ts": "damages the audit log by editing the SQLite file (tampering)",
  "test/vault/migration-authz.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/migration-drop-csrf.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/migration-secret-fields.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/identity/migration-issuer.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/oauth/migration.test.ts": "SQLite migrations on a folder made before them",
  "test/vault/audit-log.test.ts": "builds the audit log over a store of each engine by itself",
  "test/vault/storage.test.ts": "the SQLite file at rest (its mode, its bytes, its append-only triggers), master-key rotation of the SQLite folder and the SQLite server lock",
  "test/vault/multi/**": "starts its own PostgreSQL cluster and several vault processes over it (harness-sqlite.test.ts: one SQLite process)",
  "test/vault/rotation-instances.test.ts": "starts its own PostgreSQL cluster and two instances over it",
  "test/vault/rotation-serving.test.ts": "rotation while a SQLite vault serves, its key files and resume; PostgreSQL's is rotation-instances.test.ts",
  "test/vault/storage-unavailable.test.ts": "locks the SQLite file from another connection, and stops its own PostgreSQL cluster under a vault",
  "test/vault/record-cache-server.test.ts": "a SQLite vault changed by the CLI in another process; the cache's cross-instance cases run on both engines in storage/conformance-cache.ts",
  "test/vault/sealed-columns.test.ts": "master-key rotation re-sealing the columns of the SQLite file, read back from the file",
  "test/e2e/aws-sigv4.test.ts": "runs on the examples' own sandbox (examples/sandbox.ts), a SQLite vault as the examples' readers make it",
  "test/e2e/examples.test.ts": "runs the examples as a newcomer does, each making its own SQLite vault",
  // No database at all: pure functions, page builders and tables, the same on both runs.
  "test/vault/approval-gate.test.ts": "no database: the approval gate's rule table",
  "test/vault/approval-outcome.test.ts": "no database: the outcome table of approvals",
  "test/vault/envelope.test.ts": "no database: envelope encryption and the keyring",
  "test/vault/grant-usability.test.ts": "no database: the grant usability rule table",
  "test/vault/operation-index.test.ts": "no database: the catalog clients against the operation index",
  "test/vault/pages-look.test.ts": "no database: the pages' look in a browser",
  "test/vault/pages.test.ts": "no database: the page builders' escaping",
  "test/vault/policy.test.ts": "no database: the policy rule table",
  "test/vault/protocol-routes.test.ts": "no database: docs/protocol.md's route table against the code",
  "test/vault/quote.test.ts": "no database: which values messages may quote",
  "test/vault/refusal.test.ts": "no database: refusals as typed data",
  "test/vault/deploy/client-address.test.ts": "no database: forwarded-header parsing",
  "test/vault/oauth/process-identity.test.ts": "no database: whether a lease holder's process is gone",
};
