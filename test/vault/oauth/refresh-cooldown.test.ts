// A failing token endpoint sees one refresh attempt at a time and then nothing for a short
// cool-down with jitter: however many callers need the grant's token, they share the attempt's
// failure and then get `token_refresh_in_progress` with `retryAfter` at once, without a request
// to the provider. The runtime's retries wait that long, so an SDK call rides out the failure.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, TokenRefreshInProgressError } from "alter-gen/runtime";
import { createAsanaClient } from "alter-gen/generated/asana";
import { setProviderConfig } from "../../support/vault-admin.js";
import { COOLDOWN_MAX_MS, cooldownMs } from "../../../vault/oauth/refresh-lease.js";
import { startProviderStandin, type Standin } from "../../../standins/index.js";
import { tokenJson } from "../../support/oauth-server.js";
import { startScripted, type Scripted } from "./scripted.js";

let s: Scripted;
let standin: Standin;
const issued = new Set<string>();

beforeAll(async () => {
  s = await startScripted();
  standin = await startProviderStandin("asana", { credential: (t) => issued.has(t) });
  await setProviderConfig({ dataDir: s.dataDir, provider: "asana", baseUrl: standin.url, hosts: ["app.asana.com", new URL(standin.url).host] });
});
afterAll(async () => {
  await standin?.close();
  await s?.close();
});

const failing = () => ({ status: 500, json: { error: "server_error" } });
const good = () => {
  const t = tokenJson({ expires_in: 20 });
  issued.add(String(t.access_token));
  return { json: t };
};

/** A grant whose 20 s token has expired on the vault's clock. */
async function expiredGrant(): Promise<string> {
  s.setClockOffset(0);
  s.as.token = good;
  const run = await s.connect();
  expect(run.status.status).toBe("completed");
  s.setClockOffset(25_000);
  return run.status.grants[0]!.grantId;
}

describe("a token endpoint answering 500", () => {
  it("1,000 concurrent callers make one token request per cool-down, and all get retryAfter", async () => {
    const grantId = await expiredGrant();
    s.as.token = failing;
    const before = s.as.requests("/token").length;
    const started = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => s.retrieve(grantId)));
    const elapsed = Date.now() - started;

    const errors = results.map((r) => (r.status === "rejected" ? (r.reason as unknown) : r.value));
    for (const e of errors) {
      expect(e).toBeInstanceOf(TokenRefreshInProgressError);
      const err = e as TokenRefreshInProgressError;
      expect(err.retryable).toBe(true);
      expect(err.retryAfter).toBeGreaterThan(0);
      expect(err.retryAfter).toBeLessThanOrEqual(COOLDOWN_MAX_MS / 1000);
      expect(err.message).toMatch(/asana's token endpoint failed with HTTP 500\. The vault tries again in \d+\.\d s\./);
    }
    const attempts = s.as.requests("/token").slice(before);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    // Exactly one request within the first cool-down (at least 1 s), and never two closer than that.
    expect(attempts.filter((a) => a.at < attempts[0]!.at + 1000)).toHaveLength(1);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(1000 - 5);
    expect(attempts.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000));

    const lease = await s.sql<{ holder: string; failures: number; retry_at: number }>("SELECT holder, failures, retry_at FROM refresh_leases WHERE grant_id = ?", grantId);
    expect(lease).toEqual([expect.objectContaining({ holder: "", failures: attempts.length })]);
    const audit = await s.sql<{ outcome: string }>("SELECT outcome FROM audit WHERE action = 'grant.refresh' AND grant_id = ?", grantId);
    expect(audit.map((a) => a.outcome)).toEqual(attempts.map(() => "error"));
  });

  it("after the cool-down one new attempt goes out; its success ends the cool-down", async () => {
    const grantId = await expiredGrant();
    s.as.token = failing;
    await expect(s.retrieve(grantId)).rejects.toBeInstanceOf(TokenRefreshInProgressError);
    const before = s.as.requests("/token").length;
    s.as.token = good;
    // Still cooling down: refused without a request.
    await expect(s.retrieve(grantId)).rejects.toBeInstanceOf(TokenRefreshInProgressError);
    expect(s.as.requests("/token")).toHaveLength(before);
    s.setClockOffset(25_000 + 2_000); // the first cool-down is at most 2 s
    const tokens = await Promise.all(Array.from({ length: 20 }, () => s.retrieve(grantId)));
    expect(new Set(tokens).size).toBe(1);
    expect(s.as.requests("/token")).toHaveLength(before + 1);
    expect(await s.sql("SELECT * FROM refresh_leases WHERE grant_id = ?", grantId)).toEqual([]);
  });

  it("keeps handing out a token that is still valid while the refresh fails", async () => {
    s.setClockOffset(0);
    s.as.token = good;
    const run = await s.connect();
    const grantId = run.status.grants[0]!.grantId;
    const first = await s.retrieve(grantId);
    s.as.token = failing;
    s.setClockOffset(12_000); // 8 s of 20 left: inside the refresh window, not expired
    const again = await Promise.all(Array.from({ length: 50 }, () => s.retrieve(grantId)));
    expect(new Set(again)).toEqual(new Set([first]));
  });

  it("an SDK call waits for retryAfter and succeeds once the endpoint recovers", async () => {
    const grantId = await expiredGrant();
    let calls = 0;
    s.as.token = () => (++calls === 1 ? failing() : good());
    // One retry and no backoff of its own: only the vault's retryAfter can bring the retry past
    // the cool-down (retrying at once would meet the cool-down again and fail).
    const vault = new AlterVault({ apiKey: s.apiKey, baseUrl: s.vault.url, retry: { maxRetries: 1, baseDelayMs: 0 } });
    try {
      const asana = createAsanaClient(vault, { baseUrl: standin.url });
      const started = Date.now();
      await asana.users.getUser(grantId, { user_gid: "me" });
      expect(calls).toBe(2);
      const [failed, ok] = s.as.requests("/token").slice(-2);
      expect(ok!.at - failed!.at).toBeGreaterThanOrEqual(1000 - 5);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000 - 5);
    } finally {
      await vault.close();
    }
  });
});

describe("cool-down length", () => {
  // [failures in a row, shortest, longest]: doubling from 1-2 s, capped at 15-30 s.
  const rows: [number, number, number][] = [
    [1, 1_000, 2_000],
    [2, 2_000, 4_000],
    [3, 4_000, 8_000],
    [4, 8_000, 16_000],
    [5, 15_000, 30_000],
    [12, 15_000, 30_000],
  ];
  it.each(rows)("after %i failures: %i-%i ms, with jitter", (failures, min, max) => {
    expect(cooldownMs(failures, () => 0)).toBe(min);
    expect(cooldownMs(failures, () => 0.999_999)).toBeLessThan(max);
    expect(cooldownMs(failures, () => 0.999_999)).toBeGreaterThan(max - 5);
    const spread = new Set(Array.from({ length: 50 }, () => cooldownMs(failures)));
    expect(spread.size).toBeGreaterThan(40);
  });
});
