// The operations of a provider outside the catalog (migration 074), asynchronously: what
// `vault providers set --from-spec` stored, read when a call under an operation-gated policy is
// checked (vault/grants/operations.ts). Row shape is ../provider-operations.ts's.
import type { SqlDriver, SqlRunner } from "../sql/driver.js";
import type { OperationTriple } from "../provider-operations.js";

export interface StoredOperations {
  operations: OperationTriple[];
  /** When they were stored: the key of the parsed index cached per process. */
  updatedAt: string;
}

export class ProviderOperationsRepo {
  constructor(private readonly sql: SqlDriver) {}

  /** `tx`: a transaction to write in (the change and its audit row commit together). */
  async save(appId: string, provider: string, operations: readonly OperationTriple[], nowMs: number, tx: SqlRunner = this.sql): Promise<void> {
    await tx.run(
      `INSERT INTO provider_operations (app_id, provider, operations, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (app_id, provider) DO UPDATE SET operations = excluded.operations, updated_at = excluded.updated_at`,
      [appId, provider, JSON.stringify(operations), new Date(nowMs).toISOString()],
    );
  }

  async get(appId: string, provider: string): Promise<StoredOperations | undefined> {
    const row = await this.sql.get<{ operations: string; updated_at: string }>(
      "SELECT operations, updated_at FROM provider_operations WHERE app_id = ? AND provider = ?",
      [appId, provider],
    );
    return row && { operations: JSON.parse(row.operations) as OperationTriple[], updatedAt: row.updated_at };
  }
}
