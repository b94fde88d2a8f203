// Start-up checks the audit rows written since the log was last verified (the verified mark,
// vault/audit/verified-mark.ts), then the whole log while serving: start time follows what was
// written since the last start, not the log's size, and damage anywhere still stops the vault.
// On both engines: the rows are changed with the owner's SQL, as someone with the database can.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, initVault, readAudit, startVault, verifyAudit } from "../support/vault-admin.js";
import { openTestDb } from "../support/vault-db.js";
import { tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let n = 0;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

/** A vault with a few rows, started once (so it has a mark at `marked`), then a few rows more. */
async function markedVault(): Promise<{ dataDir: string; marked: number; head: number }> {
  const dataDir = join(tmp.dir, `v${n++}`);
  await initVault({ dataDir, env: {} });
  for (let i = 0; i < 3; i++) await addManagedSecret({ dataDir, provider: "github", value: `ghp_mark_${i}` });
  const first = await startVault({ dataDir, port: 0, env: {}, log: () => {} });
  await first.auditChecked;
  await first.close();
  const marked = (await mark(dataDir))!.seq;
  for (let i = 0; i < 3; i++) await addManagedSecret({ dataDir, provider: "slack", value: `xoxb_mark_${i}` });
  const head = (await readAudit({ dataDir })).at(-1)!.seq;
  return { dataDir, marked, head };
}

async function mark(dataDir: string): Promise<{ seq: number; hash: string; mac: string } | undefined> {
  const db = await openTestDb(dataDir, { readonly: true });
  try {
    const rows = await db.all<{ value: string }>("SELECT value FROM meta WHERE key LIKE 'audit:verified:%'");
    return rows[0] ? (JSON.parse(rows[0].value) as { seq: number; hash: string; mac: string }) : undefined;
  } finally {
    await db.close();
  }
}

/** Runs `sql` with the audit table's append-only trigger lifted (the owner's shell). */
async function asOwner(dataDir: string, sql: string, ...params: unknown[]): Promise<void> {
  const db = await openTestDb(dataDir);
  try {
    if (db.dialect === "sqlite") await db.exec("DROP TRIGGER IF EXISTS audit_no_update");
    else await db.exec("ALTER TABLE audit DISABLE TRIGGER audit_no_update");
    await db.run(sql, ...params);
  } finally {
    await db.close();
  }
}

describe("the verified mark", () => {
  it("is written by a clean start at the log's head and moves with each clean start", async () => {
    const { dataDir, marked, head } = await markedVault();
    expect(marked).toBeGreaterThan(3);
    expect(head).toBe(marked + 3);
    const running = await startVault({ dataDir, port: 0, env: {}, log: () => {} });
    await running.auditChecked;
    await running.close();
    const rows = await readAudit({ dataDir });
    expect(await mark(dataDir)).toMatchObject({ seq: head, hash: rows.at(-1)!.hash });
  });

  it("lets a vault closed during its walk end it quietly", async () => {
    const { dataDir } = await markedVault();
    const logs: string[] = [];
    const running = await startVault({ dataDir, port: 0, env: {}, log: (l) => logs.push(l) });
    await running.close();
    await expect(running.auditChecked).resolves.toBeUndefined();
    expect(logs.filter((l) => /audit log/.test(l))).toEqual([]);
  });

  it("lets start-up serve after checking the newer rows; a row changed before the mark is found while serving, and the vault stops", async () => {
    const { dataDir } = await markedVault();
    await asOwner(dataDir, "UPDATE audit SET reason = 'rewritten' WHERE seq = 2");
    const logs: string[] = [];
    const running = await startVault({ dataDir, port: 0, env: {}, log: (l) => logs.push(l) });
    // Served: the row before the mark was not read before listening.
    const health = await fetch(`${running.url}/v1/health`).catch(() => undefined);
    await expect(running.auditChecked).rejects.toThrow(/audit log of .* is damaged: row 2: .*Found while serving.*--accept-audit-damage/);
    expect(logs.join("\n")).toMatch(/is damaged: row 2/);
    // Closed by the check: nothing answers any more.
    await expect(fetch(`${running.url}/v1/health`)).rejects.toThrow();
    expect((await verifyAudit({ dataDir })).firstBroken).toMatchObject({ kind: "hash_mismatch", seq: 2 });
    // The health answer may or may not have beaten the walk; when it came, it was a normal one.
    if (health) expect(health.status).toBe(200);
    // The next start does not trust a mark over a damaged log's walk: the tail check passes, the walk fails again.
    const again = await startVault({ dataDir, port: 0, env: {}, log: () => {} });
    await expect(again.auditChecked).rejects.toThrow(/row 2/);
  });

  it("is not trusted when the marked row's hash changed (the chain rewritten through it): the whole log is checked before serving", async () => {
    const { dataDir, marked } = await markedVault();
    await asOwner(dataDir, "UPDATE audit SET hash = ? WHERE seq = ?", "0".repeat(64), marked);
    await expect(startVault({ dataDir, port: 0, env: {}, log: () => {} })).rejects.toThrow(new RegExp(`audit log of .* is damaged: row (${marked}|${marked + 1}):.*Nothing was served`));
  });

  it("is not trusted when it does not carry this vault's MAC: the whole log is checked before serving", async () => {
    const { dataDir, head } = await markedVault();
    await asOwner(dataDir, "UPDATE audit SET reason = 'rewritten' WHERE seq = 2");
    const rows = await readAudit({ dataDir });
    // Someone with the database moves the mark to the head, past the changed row, with a made-up MAC.
    const forged = JSON.stringify({ v: 1, seq: head, hash: rows.at(-1)!.hash, time: new Date().toISOString(), mac: "0".repeat(64) });
    await asOwner(dataDir, "UPDATE meta SET value = ? WHERE key LIKE 'audit:verified:%'", forged);
    await expect(startVault({ dataDir, port: 0, env: {}, log: () => {} })).rejects.toThrow(/audit log of .* is damaged: row 2: .*Nothing was served/);
  });

  it("is set aside by --accept-audit-damage, whose override must list every problem: the whole log is checked before serving", async () => {
    const { dataDir, head } = await markedVault();
    await asOwner(dataDir, "UPDATE audit SET reason = 'rewritten' WHERE seq = 2");
    const logs: string[] = [];
    const running = await startVault({ dataDir, port: 0, env: {}, acceptAuditDamage: true, log: (l) => logs.push(l) });
    await running.auditChecked;
    await running.close();
    expect(logs.join("\n")).toMatch(/WARNING: serving over a damaged audit log \(row 2:/);
    const override = (await readAudit({ dataDir, action: "audit.override" })).at(-1)!;
    expect(override.seq).toBe(head + 1);
    expect(override.details).toMatchObject({ problems: [expect.objectContaining({ kind: "hash_mismatch", seq: 2 })] });
    // Accepted: the next start serves and its walk finds nothing new.
    const next = await startVault({ dataDir, port: 0, env: {}, log: () => {} });
    await next.auditChecked;
    await next.close();
  });
});
