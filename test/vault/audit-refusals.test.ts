// Refused requests leave an audit row (reason code, key id when known, remote address, route),
// and a flood of them leaves a bounded number of rows plus the exact count of what was not written.
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, createApiKey, issueGrant, readAudit, revokeApiKey } from "../support/vault-admin.js";
import type { AuditRow } from "../support/vault-admin.js";
import { nowSec, send, sign, startTestVault, type RawResponse, type TestVault } from "./helpers.js";

/** Small enough that a signed body past it is cheap to send. */
const BODY_LIMIT = 4096;
let v: TestVault;
let revokedKey: string;
let policyGrant: string;
const retrieve = (grantId = "00000000-0000-4000-8000-000000000000") => ({
  grant: { grantId },
  provider: "github",
  request: { method: "GET", url: "https://api.github.com/user" },
});

beforeAll(async () => {
  v = await startTestVault({ bodyLimit: BODY_LIMIT });
  const second = await createApiKey({ dataDir: v.dataDir, label: "to revoke" });
  await revokeApiKey({ dataDir: v.dataDir, keyId: second.keyId });
  revokedKey = second.apiKey;
  const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: "ghp_refusal_CANARY" });
  policyGrant = (await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy: { ipAllowlist: ["10.0.0.0/8"] } })).grantId;
});
afterAll(async () => {
  await v.close();
});

/** Rows written by the group commit land a moment after the answer; wait for them. */
async function rowsWhere(pred: (r: AuditRow) => boolean, atLeast = 1): Promise<AuditRow[]> {
  for (let i = 0; ; i++) {
    const rows = (await readAudit({ dataDir: v.dataDir })).filter(pred);
    if (rows.length >= atLeast || i === 40) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Case {
  name: string;
  code: string;
  status: number;
  /** The key id the row must name (null: the request named no key of this vault). */
  keyId: () => string | null;
  path: string;
  action?: string;
  send: () => Promise<RawResponse>;
}

const keyIdOf = (apiKey: string) => /^alter_sk_([a-z0-9]{16})_/.exec(apiKey)![1]!;

const cases: Case[] = [
  {
    name: "forged (signed with another secret)",
    code: "signature_invalid",
    status: 401,
    keyId: () => v.keyId,
    path: "/v1/credentials/retrieve",
    send: () => send(sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve(), signingKey: Buffer.alloc(32, 1) })),
  },
  {
    name: "replayed",
    code: "signature_replayed",
    status: 401,
    keyId: () => v.keyId,
    path: "/v1/grants",
    send: async () => {
      const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
      expect((await send(r)).status).toBe(200);
      return send(r);
    },
  },
  {
    name: "stale (created two minutes ago)",
    code: "signature_expired",
    status: 401,
    keyId: () => v.keyId,
    path: "/v1/grants",
    send: () => send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", created: nowSec() - 120, expires: nowSec() - 60 })),
  },
  {
    name: "from the future",
    code: "signature_future",
    status: 401,
    keyId: () => v.keyId,
    path: "/v1/grants",
    send: () => send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", created: nowSec() + 120, expires: nowSec() + 180 })),
  },
  {
    name: "revoked key",
    code: "key_revoked",
    status: 401,
    keyId: () => keyIdOf(revokedKey),
    path: "/v1/grants",
    send: () => send(sign(revokedKey, { method: "GET", url: v.url + "/v1/grants" })),
  },
  {
    name: "unknown key",
    code: "unknown_key",
    status: 401,
    keyId: () => null,
    path: "/v1/grants",
    send: () => send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", keyid: "zzzzzzzzzzzzzzzz" })),
  },
  {
    name: "bad digest (body changed after signing)",
    code: "digest_mismatch",
    status: 401,
    keyId: () => v.keyId,
    path: "/v1/credentials/retrieve",
    send: () => {
      const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve() });
      return send(r, { body: Buffer.from(JSON.stringify(retrieve("11111111-1111-4111-8111-111111111111"))) });
    },
  },
  {
    name: "body past the limit (refused by the signature stage before it is read)",
    code: "payload_too_large",
    status: 413,
    keyId: () => v.keyId,
    path: "/v1/credentials/retrieve",
    send: () => send(sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: { ...retrieve(), pad: "x".repeat(BODY_LIMIT) } })),
  },
  {
    name: "unsigned",
    code: "signature_missing",
    status: 401,
    keyId: () => null,
    path: "/v1/grants",
    send: async () => {
      const res = await request(v.url + "/v1/grants");
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: {}, lines: {}, body, json: JSON.parse(body.toString()) };
    },
  },
  {
    name: "invalid end-user token",
    code: "user_token_invalid",
    status: 401,
    keyId: () => v.keyId,
    path: "/v1/grants",
    send: () => send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", userToken: "not-a-jwt" })),
  },
  {
    name: "policy-refused (IP allowlist), audited by its route",
    code: "policy_violation",
    status: 403,
    keyId: () => v.keyId,
    path: "/v1/credentials/retrieve",
    action: "credential.retrieve",
    send: () => send(sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieve(policyGrant) })),
  },
];

describe("every refused request leaves an audit row", () => {
  it.each(cases)("$name → $code", async (c) => {
    const res = await c.send();
    expect(res.status).toBe(c.status);
    expect(res.json.error.code).toBe(c.code);
    const rows = await rowsWhere((r) => r.errorCode === c.code);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: c.action ?? "request.refused",
      outcome: "denied",
      status: c.status,
      errorCode: c.code,
      keyId: c.keyId(),
      remoteAddress: "127.0.0.1",
      url: c.action ? expect.any(String) : c.path,
    });
  });

  it("an unknown key's claimed id is kept for the record, apart from the key id column", async () => {
    const [row] = await rowsWhere((r) => r.errorCode === "unknown_key");
    expect(row!.keyId).toBeNull();
    expect(row!.details).toEqual({ claimedKeyId: "zzzzzzzzzzzzzzzz" });
  });

  it("a claimed key id that is not a well-formed key id is left out of the row", async () => {
    // Attacker-chosen text: too long, wrong case, too short, with a space.
    const claimed = ["x".repeat(100), "ABCDEFGH12345678", "abc", "abcdefgh 2345678"];
    for (const keyid of claimed) {
      const res = await send(sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", keyid }));
      expect(res.json.error.code).toBe("unknown_key");
    }
    const rows = await rowsWhere((r) => r.errorCode === "unknown_key", 1 + claimed.length);
    expect(rows).toHaveLength(1 + claimed.length);
    // Only the well-formed id of the table's case is kept.
    expect(rows.map((r) => r.details).filter((d) => d !== null)).toEqual([{ claimedKeyId: "zzzzzzzzzzzzzzzz" }]);
    expect(rows.every((r) => r.keyId === null && r.url === "/v1/grants")).toBe(true);
  });

  it("a browser page refusal (a guessed approver link token) is recorded too", async () => {
    const path = "/approvals/00000000-0000-4000-8000-000000000000";
    const res = await request(v.url + path + "?token=guess");
    await res.body.dump();
    expect(res.statusCode).toBe(403);
    const rows = await rowsWhere((r) => r.action === "request.refused" && r.url === path);
    expect(rows).toHaveLength(1);
    // The token is never recorded: the row names the path only.
    expect(rows[0]).toMatchObject({ errorCode: "forbidden", method: "GET", keyId: null, remoteAddress: "127.0.0.1" });
  });
});

describe("a flood of refusals", () => {
  it("writes a bounded number of rows and records how many it suppressed", async () => {
    const limits = { burst: 5, perSecond: 2, summaryEveryMs: 200 };
    const flood = await startTestVault({ refusalLimits: limits });
    const N = 800;
    const started = Date.now();
    const agent = new Agent({ connections: 32 });
    try {
      let next = 0;
      const worker = async () => {
        while (next < N) {
          next++;
          const r = sign(flood.apiKey, { method: "GET", url: flood.url + "/v1/grants", signingKey: Buffer.alloc(32, 2) });
          const res = await send(r, { dispatcher: agent });
          expect(res.json.error.code).toBe("signature_invalid");
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      const elapsed = (Date.now() - started) / 1000;
      await flood.running.close(); // writes the counts still pending
      const rows = (await readAudit({ dataDir: flood.dataDir })).filter((r) => r.errorCode === "signature_invalid");
      const single = rows.filter((r) => r.action === "request.refused");
      const summaries = rows.filter((r) => r.action === "request.refused.suppressed");
      const suppressed = summaries.reduce((n, r) => n + (r.details as { suppressed: number }).suppressed, 0);
      // Every refusal is accounted for: written, or counted in a summary row.
      expect(single.length + suppressed).toBe(N);
      // The rows stay within the bucket: its burst, what it regains per second, and one summary
      // per interval (plus the one at shutdown).
      const bound = limits.burst + Math.ceil(elapsed * limits.perSecond) + Math.ceil((elapsed * 1000) / limits.summaryEveryMs) + 2;
      expect(rows.length).toBeLessThanOrEqual(bound);
      expect(rows.length).toBeLessThan(N / 10);
      expect(summaries[0]).toMatchObject({ remoteAddress: "127.0.0.1", outcome: "denied", details: { from: expect.any(String), to: expect.any(String) } });
    } finally {
      await agent.close();
      await flood.close();
    }
  }, 60_000);
});
