// What the database says about the key-encryption keys (migration 094): their ids and states,
// which one is current, and the MAC root (meta `sealed:mac-root`, mac-root.ts). Every instance
// adopts this at open and then follows the current KEK (re-read every KEK_FOLLOW_MS), so a
// rotation that makes a new KEK current knows every live instance wraps under it within
// CURRENT_KEK_SETTLE_MS.
import { VaultUsageError } from "../errors.js";
import type { SqlRunner } from "../storage/sql/driver.js";
import type { AtRest } from "./at-rest.js";
import { KEYRING_FILE } from "./folder-keyring.js";
import { macRootFromMasterKey, newMacRoot } from "./mac-root.js";

export const MAC_ROOT_KEY = "sealed:mac-root";
/** How often an instance re-reads the current KEK. */
export const KEK_FOLLOW_MS = 1000;
/** How long after a KEK became current no live instance wraps under the previous one any more. */
export const CURRENT_KEK_SETTLE_MS = 3 * KEK_FOLLOW_MS;

export type KekStatus = "known" | "current" | "retiring" | "retired";

export interface KekRow {
  id: string;
  status: KekStatus;
}

export async function keks(r: SqlRunner): Promise<KekRow[]> {
  return r.all<KekRow>("SELECT id, status FROM keks ORDER BY added_at, id");
}

export async function currentKek(r: SqlRunner): Promise<string | undefined> {
  return (await r.get<{ id: string }>("SELECT id FROM keks WHERE status = 'current'"))?.id;
}

/** Records `id` with `status` (a new KEK, or the first one of a vault); an id already there is kept as it is. */
export async function recordKek(r: SqlRunner, id: string, status: "known" | "current", now = Date.now()): Promise<void> {
  const at = new Date(now).toISOString();
  await r.run("INSERT INTO keks (id, status, added_at, changed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [id, status, at, at]);
}

/** A new vault's key state, in its init transaction: its master key's KEK is current, its MAC root random. */
export async function writeNewKeyState(tx: SqlRunner, crypto: AtRest, now = Date.now()): Promise<void> {
  await recordKek(tx, crypto.keyring.masterId, "current", now);
  const root = newMacRoot();
  await tx.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [MAC_ROOT_KEY, crypto.seal("meta", MAC_ROOT_KEY, root)]);
  crypto.useMacRoot(root);
  root.fill(0);
}

/**
 * Adopts the database's key state into `crypto` (after the master-key check passed): a vault
 * from before envelopes gets its master key's KEK recorded as current and its MAC root derived
 * from the master key (so its MACs stay valid), both by inserts that keep what a racing
 * instance wrote first; then the current KEK and the MAC root are taken from the database.
 * With `follow`, a timer keeps following the current KEK until `crypto.close()`.
 */
export async function adoptKeyState(r: SqlRunner, crypto: AtRest, opts: { follow?: boolean; now?: number } = {}): Promise<void> {
  if (!(await currentKek(r))) await recordKek(r, crypto.keyring.masterId, "current", opts.now);
  await useCurrent(crypto, await currentKek(r));
  let sealed = (await r.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", [MAC_ROOT_KEY]))?.value;
  if (sealed === undefined) {
    const root = crypto.keyring.derive(macRootFromMasterKey);
    await r.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [MAC_ROOT_KEY, crypto.seal("meta", MAC_ROOT_KEY, root)]);
    root.fill(0);
    sealed = (await r.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", [MAC_ROOT_KEY]))!.value;
  }
  const root = crypto.open("meta", MAC_ROOT_KEY, sealed);
  crypto.useMacRoot(root);
  root.fill(0);
  crypto.setFollower(opts.follow ? followCurrentKek(r, crypto) : undefined);
}

async function useCurrent(crypto: AtRest, id: string | undefined): Promise<void> {
  if (id === undefined || crypto.keyring.useCurrent(id)) return;
  throw new VaultUsageError(
    `The database's current key-encryption key "${id.slice(0, 64)}" is not in this instance's keyring: copy ${KEYRING_FILE} from the data folder where \`vault rotate-master-key\` ran into this data folder.`,
  );
}

/**
 * Re-reads the current KEK every `everyMs` (an unref'd timer, one read in flight at a time). A
 * KEK this instance does not hold yet is looked for in the folder again (FolderKeyring.useCurrent);
 * until it is found the instance keeps wrapping under the one it has, which still opens everywhere.
 * The timer stops by itself once the database is closed.
 */
export function followCurrentKek(r: SqlRunner, crypto: AtRest, everyMs = KEK_FOLLOW_MS): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    currentKek(r)
      .then((id) => {
        if (id && id !== crypto.keyring.currentId) crypto.keyring.useCurrent(id);
      })
      .catch((e: unknown) => {
        if (/not open|after calling end|closed|ended/i.test(String((e as Error)?.message))) clearInterval(timer);
      })
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
