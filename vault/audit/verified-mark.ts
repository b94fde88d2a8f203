// The start-up check's mark: "every row of chain C up to <seq> was verified at <time>, and row
// <seq> had hash <hash>", MAC'd with a key derived from the master key and kept in the store's
// meta table. A start that finds a mark it can trust checks only the rows after it before serving
// and walks the whole chain in the background (startup.ts), so start-up time follows the rows
// written since the last start rather than the size of the log.
//
// Trust: the MAC (whoever edits the database cannot forge one), the checkpoint not older than the
// mark, and the marked row still holding the marked hash. A chain rewritten through the marked
// row fails the last test; a row changed in place before it is what the background walk finds.
import { timingSafeEqual } from "node:crypto";
import type { AtRest } from "../crypto/at-rest.js";
import { HASHED_COLUMNS } from "../crypto/audit-chain.js";
import type { SqlDriver } from "../storage/sql/driver.js";
import type { AuditRepo } from "../storage/store/audit.js";
import type { CheckpointState } from "./checkpoint.js";

const MAC_PURPOSE = "audit-verified";

export interface VerifiedMark {
  seq: number;
  hash: string;
  /** When the verification ended (ISO). */
  time: string;
}

const keyOf = (chain: string) => `audit:verified:${chain}`;

function macOf(crypto: AtRest, chain: string, m: VerifiedMark): string {
  return crypto.mac(MAC_PURPOSE, `alter-audit-verified/v1\n${chain}\n${m.seq}\n${m.hash}\n${m.time}`);
}

/** The chain's mark if its MAC verifies under this vault's key; undefined otherwise. */
export async function readVerifiedMark(sql: SqlDriver, crypto: AtRest, chain: string): Promise<VerifiedMark | undefined> {
  const row = await sql.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", [keyOf(chain)]);
  if (!row) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(row.value);
  } catch {
    return undefined;
  }
  const o = v as Partial<VerifiedMark & { mac: string }>;
  if (!Number.isSafeInteger(o.seq) || typeof o.hash !== "string" || typeof o.time !== "string" || typeof o.mac !== "string") return undefined;
  const mark = { seq: o.seq!, hash: o.hash, time: o.time };
  const want = Buffer.from(macOf(crypto, chain, mark), "utf8");
  const got = Buffer.from(o.mac, "utf8");
  return got.length === want.length && timingSafeEqual(got, want) ? mark : undefined;
}

export async function writeVerifiedMark(sql: SqlDriver, crypto: AtRest, chain: string, mark: VerifiedMark): Promise<void> {
  const value = JSON.stringify({ v: 1, ...mark, mac: macOf(crypto, chain, mark) });
  await sql.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [keyOf(chain), value]);
}

/**
 * The mark if a start may check only the rows after it: the checkpoint is valid and not older
 * than the mark, and the marked row is there with the marked hash.
 */
export async function usableMark(audit: AuditRepo, mark: VerifiedMark | undefined, checkpoint: CheckpointState): Promise<VerifiedMark | undefined> {
  if (!mark || mark.seq < 1 || checkpoint.status !== "ok" || checkpoint.checkpoint.seq < mark.seq) return undefined;
  const [row] = await audit.readValues(mark.seq - 1, 1);
  return row && Number(row[0]) === mark.seq && row[HASHED_COLUMNS.length] === mark.hash ? mark : undefined;
}
