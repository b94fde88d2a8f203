// The approval webhook's URL is a secret too (Slack and Teams incoming-webhook URLs carry a token
// in the path): with a canary token in its path, the URL is stored sealed, works for delivery, and
// never shows in what `vault approvals webhook set|show` print (a separate CLI process), in an
// error, in an audit row, in util.inspect of what the admin API returns, in the vault's output
// during a delivery, or at rest in the data folder. A URL set before migration 087 (plain column)
// is sealed on first read.
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initVault, readAudit, showApprovalWebhook, withVault } from "../support/vault-admin.js";
import { openTestDb, storedAtRest } from "../support/vault-db.js";
import { deliverApprovalNotice, type ApprovalNotice } from "../../vault/approvals/webhook.js";
import { shownWebhookUrl } from "../../vault/approvals/webhook-store.js";
import { runVaultCli } from "./cli-run.js";
import { tempDir } from "./helpers.js";

const CANARY = "XOXB-canary-9f8e7d6c5b4a";
const tmp = tempDir("alter-webhook-url-");
const dataDir = join(tmp.dir, "data");
let server: Server;
let base: string;
const paths: string[] = [];

beforeAll(async () => {
  await initVault({ dataDir, env: {} });
  server = createServer((req, res) => {
    paths.push(req.url ?? "");
    req.resume().on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  tmp.remove();
});

/** Every file of the data folder, as text (the database, its WAL, key and checkpoint files). */
const atRest = async () => (await storedAtRest(dataDir)).map(([, text]) => text).join("\n");

function notice(): ApprovalNotice {
  const data = {
    approvalId: "ap-1", approverUrl: "http://127.0.0.1/approvals/ap-1?token=t", provider: "github", providerName: "GitHub", operationId: null,
    operationSummary: null, method: "POST", url: "https://api.github.com/x", askedFor: [], grant: { id: "g-1", account: null, owner: { type: "system", label: null } },
    requestedAt: new Date().toISOString(), expiresAt: new Date().toISOString(),
  };
  return { type: "approval.requested", timestamp: new Date().toISOString(), data };
}

describe("the approval webhook URL is a secret", () => {
  it("shown as its origin with the path masked", () => {
    // [url, shown]
    const CASES: [string, string][] = [
      [`https://hooks.slack.com/services/T000/B000/${CANARY}`, "https://hooks.slack.com/***/***/***/***"],
      [`https://example.webhook.office.com/webhookb2/${CANARY}?x=${CANARY}`, "https://example.webhook.office.com/***/***?***"],
      ["https://hooks.example", "https://hooks.example"],
      ["not a url", "(an unparseable URL)"],
    ];
    for (const [url, shown] of CASES) expect(shownWebhookUrl(url)).toBe(shown);
  });

  it("set and show print no part of the path; the URL is sealed at rest; a delivery reaches it and leaves no trace of it", async () => {
    const url = `${base}/services/T000/B000/${CANARY}`;
    const set = await runVaultCli(["approvals", "webhook", "set", url, "-d", dataDir]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Approvals will be announced to ${base}/***/***/***/***.`);
    const show = await runVaultCli(["approvals", "webhook", "show", "-d", dataDir]);
    expect(show.stdout).toContain(`Approvals are announced to ${base}/***/***/***/***`);
    const refused = await runVaultCli(["approvals", "webhook", "set", `http://example.com/services/${CANARY}`, "-d", dataDir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('"http://example.com/***/***" must be https');
    for (const r of [set, show, refused]) expect(r.stdout + r.stderr).not.toContain(CANARY);
    expect(await atRest()).not.toContain(CANARY);

    const shown = await showApprovalWebhook({ dataDir });
    expect(inspect(shown, { depth: 10, showHidden: true }) + JSON.stringify(shown)).not.toContain(CANARY);

    const printed: string[] = [];
    const writes = [process.stdout, process.stderr].map((stream) => {
      const original = stream.write;
      const spy = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
        printed.push(String(chunk));
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      };
      stream.write = spy as typeof stream.write;
      return () => {
        stream.write = original;
      };
    });
    try {
      await withVault({ dataDir }, (s) => deliverApprovalNotice(s, s.app.id, notice()));
    } finally {
      for (const restore of writes) restore();
    }
    expect(paths.at(-1)).toBe(`/services/T000/B000/${CANARY}`); // the sealed URL opened and worked
    expect(printed.join("")).not.toContain(CANARY);
    const audit = await readAudit({ dataDir });
    expect(audit.find((r) => r.action === "approval.webhook")).toMatchObject({ outcome: "success", status: 200 });
    expect(audit.find((r) => (r.details as { command?: string } | null)?.command === "approvals webhook set")).toBeDefined();
    expect(JSON.stringify(audit)).not.toContain(CANARY);
  }, 120_000);

  it("a plain URL from before migration 087 is sealed the first time it is read", async () => {
    const legacy = `${base}/legacy/${CANARY}-old`;
    const db = await openTestDb(dataDir);
    try {
      await db.run("UPDATE approval_webhooks SET url = ?, url_sealed = NULL, url_shown = NULL", legacy);
      expect((await showApprovalWebhook({ dataDir }))?.shown).toBe(`${base}/***/***`);
      const rows = await db.all<{ url: string | null; url_sealed: string | null }>("SELECT * FROM approval_webhooks");
      expect(rows).toHaveLength(1);
      expect(rows[0]!.url).toBeNull();
      expect(JSON.stringify(rows)).not.toContain(CANARY);
    } finally {
      await db.close();
    }
    await withVault({ dataDir }, (s) => deliverApprovalNotice(s, s.app.id, notice()));
    expect(paths.at(-1)).toBe(`/legacy/${CANARY}-old`);
  }, 60_000);
});
