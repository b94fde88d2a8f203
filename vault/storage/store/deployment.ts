// Facts about the deployment every instance shares, kept in the `meta` table: today the public URL
// the instances are reached at (`vault start --public-url` on PostgreSQL), which admin commands on
// any machine need for redirect URIs and approver links. (On SQLite the server lock file of the
// data folder names the running server's URL instead.)
import type { SqlDriver } from "../sql/driver.js";

const PUBLIC_URL = "deployment.public_url";

export class DeploymentRepo {
  constructor(private readonly sql: SqlDriver) {}

  /** Records the URL the instances serve under (the last instance started with --public-url wins). */
  async setPublicUrl(url: string): Promise<void> {
    await this.sql.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [PUBLIC_URL, url]);
  }

  /** The recorded public URL, or undefined when no instance was started with one. */
  async publicUrl(): Promise<string | undefined> {
    return (await this.sql.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", [PUBLIC_URL]))?.value;
  }
}
