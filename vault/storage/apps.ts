import { stmt, type Db } from "./db.js";

export interface AppRecord {
  id: string;
  name: string;
  createdAt: string;
}

interface AppRow {
  id: string;
  name: string;
  created_at: string;
}

const toApp = (r: AppRow): AppRecord => ({ id: r.id, name: r.name, createdAt: r.created_at });

export function getApp(db: Db, id: string): AppRecord | undefined {
  const row = stmt(db, "SELECT * FROM apps WHERE id = ?").get(id) as AppRow | undefined;
  return row && toApp(row);
}

/** The data folder's app (init creates exactly one; browser routes and the CLI act on it). */
export function defaultApp(db: Db): AppRecord | undefined {
  const row = stmt(db, "SELECT * FROM apps ORDER BY created_at, id LIMIT 1").get() as AppRow | undefined;
  return row && toApp(row);
}

/** Row mapping shared with the asynchronous repository (store/apps.ts). */
export { toApp as appFromRow, type AppRow };
