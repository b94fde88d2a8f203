// Where people reach the running vault, for the links and redirect URIs admin commands print: on
// SQLite the server lock file of the data folder names the server's URL; on PostgreSQL the
// database records the public URL an instance was started with (store/deployment.ts).
import type { AdminState } from "./open.js";
import { runningServer } from "./server-lock.js";

export async function servedUrl(s: AdminState): Promise<string | undefined> {
  if (s.store.sql.dialect === "postgres") return s.store.deployment.publicUrl();
  return runningServer(s.dataDir)?.url ?? undefined;
}
