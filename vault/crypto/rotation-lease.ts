// One master-key rotation at a time per database (on either engine): the rotation holds the one
// row of `kek_rotations` (migration 094), taken by a conditional upsert and renewed after each
// batch. A holder whose lease expired, or whose process is known dead (same host, pid gone or
// reused: vault/process-identity.ts), is taken over, so a crashed rotation can be run again.
import { randomUUID } from "node:crypto";
import { VaultUsageError } from "../errors.js";
import { currentProcess, isProcessGone, type ProcessIdentity } from "../process-identity.js";
import type { SqlRunner } from "../storage/sql/driver.js";

export const ROTATION_LEASE_MS = 30_000;

interface Holder extends ProcessIdentity {
  token: string;
  since: string;
}

export interface RotationLease {
  renew(): Promise<void>;
  release(): Promise<void>;
}

export async function takeRotationLease(r: SqlRunner, now: () => number = Date.now, ttlMs = ROTATION_LEASE_MS): Promise<RotationLease> {
  const me: Holder = { ...currentProcess(), token: randomUUID(), since: new Date(now()).toISOString() };
  const text = JSON.stringify(me);
  const take = async (): Promise<boolean> =>
    (
      await r.all(
        `INSERT INTO kek_rotations (id, holder, expires_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE kek_rotations.expires_at < ? OR kek_rotations.holder = excluded.holder
         RETURNING id`,
        [text, now() + ttlMs, now()],
      )
    ).length === 1;
  if (!(await take())) {
    const row = await r.get<{ holder: string }>("SELECT holder FROM kek_rotations WHERE id = 1");
    const other = parse(row?.holder);
    if (!other || !isProcessGone(other) || (await r.run("DELETE FROM kek_rotations WHERE id = 1 AND holder = ?", [row!.holder])).changes !== 1 || !(await take())) {
      throw new VaultUsageError(
        `Another master-key rotation is running${other ? ` (pid ${other.pid} on ${other.host}, since ${other.since})` : ""}; wait for it to finish, or for its lease to expire if it died.`,
      );
    }
  }
  return {
    async renew() {
      const n = await r.run("UPDATE kek_rotations SET expires_at = ? WHERE id = 1 AND holder = ?", [now() + ttlMs, text]);
      if (n.changes !== 1) throw new VaultUsageError("This master-key rotation lost its lease (it was taken over after expiring); run the command again.");
    },
    async release() {
      await r.run("DELETE FROM kek_rotations WHERE id = 1 AND holder = ?", [text]);
    },
  };
}

function parse(text: string | undefined): Holder | undefined {
  try {
    const h = JSON.parse(text ?? "") as Holder;
    return typeof h.pid === "number" && typeof h.host === "string" ? h : undefined;
  } catch {
    return undefined;
  }
}
