// The store conformance cases of approvals and approval webhooks (issue 14): an approval asked on
// one instance is decided and run on another, and each step of its life is won by exactly one
// instance when several race. Run by conformance.ts on SQLite and on a real PostgreSQL.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Store } from "../../../vault/storage/store/index.js";
import type { NewApprovalRow } from "../../../vault/storage/store/approvals.js";
import type { StoreHarness } from "./conformance.js";

const T0 = Date.parse("2026-05-01T10:00:00.000Z");
const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function seedGrant(store: Store) {
  const app = await store.apps.create("approvals", T0);
  const grant = await store.grants.insert(
    { appId: app.id, provider: "github", account: null, principalType: "system", principalId: null, principalLabel: "ci", scopes: [], source: "managed_secret", policy: {}, expiresAt: null },
    T0,
  );
  return { app, grant };
}

function approvalRow(appId: string, grantId: string, at: number, extra: Partial<NewApprovalRow> = {}): NewApprovalRow {
  const id = randomUUID();
  return {
    id, app_id: appId, grant_id: grantId, key_id: "key-1", provider: "github", operation_id: "issues/create", method: "POST",
    url_redacted: "https://api.github.com/repos/o/r/issues", request_sealed: `sealed-request-${id}`, context: "{}", remote_address: "127.0.0.1",
    page_token_hash: "ab".repeat(32), page_token_sealed: `sealed-token-${id}`, created_at: iso(at), expires_at: iso(at + HOUR),
    requester_user_id: null, requester_subject: null, requester_groups: null, asked_by: '["grant"]', asked_for: '["grant: every call"]',
    ...extra,
  };
}

export function approvalsConformance(harness: () => StoreHarness): void {
  describe("approvals: shared by instances, each step won once", () => {
    it("written on one instance, read back whole on another; listed by app and status in order", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const { app, grant } = await seedGrant(store);
      const first = approvalRow(app.id, grant.id, T0);
      const second = approvalRow(app.id, grant.id, T0 + 1, { requester_user_id: "u1", requester_subject: "alice", requester_groups: '["eng"]', asked_for: null });
      await store.approvals.insert(first);
      await store.approvals.insert(second);
      expect(await other.approvals.get(first.id)).toEqual({ ...first, status: "pending", decided_at: null, decided_by: null, result_sealed: null, error_code: null, approved_hash: null });
      expect((await other.approvals.list(app.id)).map((r) => r.id)).toEqual([first.id, second.id]);
      expect(await other.approvals.list(app.id, "approved")).toEqual([]);
      expect(await other.approvals.get("nope")).toBeUndefined();
      await other.close();
    });

    it("decide: pending → approved or denied once, never after expiry; expiry is lazy, one by one or by app", async () => {
      const { store } = await harness().fresh();
      const { app, grant } = await seedGrant(store);
      const [a, b, c] = [approvalRow(app.id, grant.id, T0), approvalRow(app.id, grant.id, T0), approvalRow(app.id, grant.id, T0 + 10)];
      for (const r of [a, b, c]) await store.approvals.insert(r);
      expect(await store.approvals.decide(a.id, "approved", "dana", T0 + 5, "f".repeat(64))).toBe(true);
      expect(await store.approvals.decide(a.id, "denied", "eve", T0 + 6, null)).toBe(false);
      expect(await store.approvals.get(a.id)).toMatchObject({ status: "approved", decided_by: "dana", decided_at: iso(T0 + 5), approved_hash: "f".repeat(64) });
      // b's hour is over: no decision, and a read marks it expired.
      expect(await store.approvals.decide(b.id, "approved", "dana", T0 + HOUR, null)).toBe(false);
      expect(await store.approvals.expireIfDue(b.id, T0 + HOUR - 1)).toBe(false);
      expect(await store.approvals.expireIfDue(b.id, T0 + HOUR)).toBe(true);
      expect(await store.approvals.expireIfDue(a.id, T0 + 2 * HOUR)).toBe(false); // decided ones stay decided
      expect(await store.approvals.expireDue(app.id, T0 + 2 * HOUR)).toBe(1); // c
      const status = async (id: string) => (await store.approvals.get(id))?.status;
      expect([await status(a.id), await status(b.id), await status(c.id)]).toEqual(["approved", "expired", "expired"]);
    });

    it("execution: approved → executing once → executed with its result, or failed with its code", async () => {
      const { store } = await harness().fresh();
      const { app, grant } = await seedGrant(store);
      const [ok, bad, denied] = [approvalRow(app.id, grant.id, T0), approvalRow(app.id, grant.id, T0), approvalRow(app.id, grant.id, T0)];
      for (const r of [ok, bad, denied]) await store.approvals.insert(r);
      await store.approvals.decide(ok.id, "approved", "dana", T0, null);
      await store.approvals.decide(bad.id, "approved", "dana", T0, null);
      await store.approvals.decide(denied.id, "denied", "dana", T0, null);
      expect(await store.approvals.finishExecution(ok.id, "sealed-result", null)).toBe(false); // not claimed yet
      expect(await store.approvals.claimExecution(denied.id)).toBe(false);
      expect(await store.approvals.claimExecution(ok.id)).toBe(true);
      expect(await store.approvals.claimExecution(ok.id)).toBe(false);
      expect(await store.approvals.finishExecution(ok.id, "sealed-result", null)).toBe(true);
      expect(await store.approvals.finishExecution(ok.id, null, "late")).toBe(false);
      expect(await store.approvals.claimExecution(bad.id)).toBe(true);
      expect(await store.approvals.finishExecution(bad.id, null, "provider_unreachable")).toBe(true);
      expect(await store.approvals.get(ok.id)).toMatchObject({ status: "executed", result_sealed: "sealed-result", error_code: null });
      expect(await store.approvals.get(bad.id)).toMatchObject({ status: "failed", result_sealed: null, error_code: "provider_unreachable" });
    });

    it("two instances racing to decide, then to run, one approved call: exactly one decision and one executor", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const { app, grant } = await seedGrant(store);
      for (let i = 0; i < 10; i++) {
        const row = approvalRow(app.id, grant.id, T0);
        await store.approvals.insert(row);
        const decisions = await Promise.all([
          store.approvals.decide(row.id, "approved", "a", T0 + 1, null),
          other.approvals.decide(row.id, "denied", "b", T0 + 1, null),
          other.approvals.decide(row.id, "approved", "c", T0 + 1, null),
          store.approvals.decide(row.id, "denied", "d", T0 + 1, null),
        ]);
        expect(decisions.filter(Boolean)).toHaveLength(1);
        // Make it approved whoever won, then race the executors.
        await store.sql.run("UPDATE approvals SET status = 'approved' WHERE id = ?", [row.id]);
        const claims = await Promise.all([store, other, store, other].map((s) => s.approvals.claimExecution(row.id)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        const finishes = await Promise.all([store.approvals.finishExecution(row.id, "r1", null), other.approvals.finishExecution(row.id, null, "x")]);
        expect(finishes.filter(Boolean)).toHaveLength(1);
      }
      await other.close();
    });
  });

  describe("approval webhooks: one per app, replaced, removed; a pre-087 plain URL sealed once", () => {
    it("save replaces the app's webhook; another instance reads it; delete once", async () => {
      const { store, another } = await harness().fresh();
      const other = await another();
      const { app } = await seedGrant(store);
      await store.approvalWebhooks.save({ app_id: app.id, url_sealed: "sealed-url-1", url_shown: "https://hooks.example/***", secret_sealed: "sealed-1", created_at: iso(T0) });
      await store.approvalWebhooks.save({ app_id: app.id, url_sealed: "sealed-url-2", url_shown: "https://hooks.example/***/***", secret_sealed: "sealed-2", created_at: iso(T0 + 1) });
      expect(await other.approvalWebhooks.get(app.id)).toEqual({
        app_id: app.id, url: null, url_sealed: "sealed-url-2", url_shown: "https://hooks.example/***/***", secret_sealed: "sealed-2", created_at: iso(T0 + 1),
      });
      expect(await other.approvalWebhooks.delete(app.id)).toBe(true);
      expect(await store.approvalWebhooks.delete(app.id)).toBe(false);
      expect(await store.approvalWebhooks.get(app.id)).toBeUndefined();
      await other.close();
    });

    it("a plain URL from before migration 087 is replaced by its sealed form once, by whichever instance reads it first", async () => {
      const { store, another, raw } = await harness().fresh();
      const other = await another();
      const { app } = await seedGrant(store);
      const plain = "https://hooks.slack.example/services/T000/B000/canary-token-in-path";
      await store.sql.run("INSERT INTO approval_webhooks (app_id, url, secret_sealed, created_at) VALUES (?, ?, ?, ?)", [app.id, plain, "sealed-s", iso(T0)]);
      const raced = await Promise.all([
        store.approvalWebhooks.sealLegacyUrl(app.id, plain, "sealed-by-a", "shown-a"),
        other.approvalWebhooks.sealLegacyUrl(app.id, plain, "sealed-by-b", "shown-b"),
      ]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      const row = await store.approvalWebhooks.get(app.id);
      expect(row?.url).toBeNull();
      expect(["sealed-by-a", "sealed-by-b"]).toContain(row?.url_sealed);
      expect(JSON.stringify(await raw("SELECT * FROM approval_webhooks"))).not.toContain("canary-token-in-path");
      await other.close();
    });
  });
}
