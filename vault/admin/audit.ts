import { readAuditRows, type AuditQuery } from "../audit/read.js";
import type { AuditRow } from "../audit/writer.js";
import { withVault, type AdminOptions } from "./open.js";

export async function readAudit(opts: AdminOptions & AuditQuery = {}): Promise<AuditRow[]> {
  return withVault(opts, (s) => readAuditRows(s.db, opts));
}
