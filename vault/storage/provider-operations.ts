// The operations of a provider outside the catalog (migration 074), stored from the document
// given to `vault providers set --from-spec`: [id, method, path template] triples.
import { stmt, type Db } from "./db.js";

export type OperationTriple = [id: string, method: string, path: string];

export function saveProviderOperations(db: Db, appId: string, provider: string, operations: readonly OperationTriple[], nowMs: number): void {
  stmt(db, "INSERT INTO provider_operations (app_id, provider, operations, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(app_id, provider) DO UPDATE SET operations = excluded.operations, updated_at = excluded.updated_at").run(
    appId, provider, JSON.stringify(operations), new Date(nowMs).toISOString(),
  );
}

/** The stored operations and when they were stored, or undefined. */
export function getProviderOperations(db: Db, appId: string, provider: string): { operations: OperationTriple[]; updatedAt: string } | undefined {
  const row = stmt(db, "SELECT operations, updated_at FROM provider_operations WHERE app_id = ? AND provider = ?").get(appId, provider) as
    | { operations: string; updated_at: string }
    | undefined;
  return row && { operations: JSON.parse(row.operations) as OperationTriple[], updatedAt: row.updated_at };
}
