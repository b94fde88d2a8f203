// What an approver reads, and what their decision binds to: the review of the stored request
// (full URL, the caller's headers, the body formatted without changing a character, who asked,
// the caller's own words marked as such), its SHA-256 carried by the decision, and a request that
// must still match it when it runs. The credential's place is emptied before anything is stored.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { addManagedSecret, approve, approverLink, issueGrant, openVaultState, setProviderConfig, showApproval } from "../support/vault-admin.js";
import { approvalWithRequest } from "../../vault/approvals/store.js";
import { runApproved } from "../../vault/approvals/execute.js";
import { indentJson } from "../../vault/approvals/json-indent.js";
import { buildReview, MAX_SHOWN_BODY_CHARS, visible } from "../../vault/approvals/review.js";
import { withoutCredentialSlot } from "../../vault/proxy/credential-slot.js";
import type { Injection } from "../../vault/grant-types.js";
import type { ApprovalRecord } from "../../vault/approvals/store.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { call, startTestVault, type TestVault } from "./helpers.js";

describe("JSON bodies are formatted without changing a character", () => {
  const cases: [string, string, string | undefined][] = [
    ["keys repeated are both shown", '{"amount":5,"amount":500000}', '{\n  "amount": 5,\n  "amount": 500000\n}'],
    ["big integers keep every digit", '{"n":12345678901234567890}', '{\n  "n": 12345678901234567890\n}'],
    ["number spellings stay as sent", '[1.0,1e3,-0]', "[\n  1.0,\n  1e3,\n  -0\n]"],
    ["strings with delimiters and escapes", '{"a":"}{,:\\"[]"}', '{\n  "a": "}{,:\\"[]"\n}'],
    ["empty containers stay compact", '{"a":{},"b":[ ]}', '{\n  "a": {},\n  "b": []\n}'],
    ["nesting indents", '{"a":[{"b":null}]}', '{\n  "a": [\n    {\n      "b": null\n    }\n  ]\n}'],
    ["not JSON", '{"a":', undefined],
  ];
  for (const [name, input, want] of cases) it(name, () => expect(indentJson(input)).toBe(want));
});

describe("characters a person cannot see are made visible", () => {
  const cases: [string, string, boolean, string][] = [
    ["a right-to-left override", "refund \u202E005$", false, "refund ⟦U+202E⟧005$"],
    ["a zero-width space", "pay\u200Bee", false, "pay⟦U+200B⟧ee"],
    ["a NUL and a carriage return", "a\u0000b\rc", true, "a⟦U+0000⟧b⟦U+000D⟧c"],
    ["a line break in a one-line field", "a\nb", false, "a⟦U+000A⟧b"],
    ["line breaks in a body stay", "a\nb\tc", true, "a\nb\tc"],
  ];
  for (const [name, input, multiline, want] of cases) it(name, () => expect(visible(input, multiline)).toBe(want));
});

describe("the credential's place is emptied before a request is stored or sent", () => {
  const req = (url: string, headers: Record<string, string> = {}) => ({ method: "POST", url, headers, body: null });
  const cases: [string, Injection, ReturnType<typeof req>, { url: string; headers: Record<string, string> }][] = [
    ["bearer: Authorization", { type: "bearer" }, req("https://a.test/x?q=1", { authorization: "Bearer mine", accept: "*/*" }), { url: "https://a.test/x?q=1", headers: { accept: "*/*" } }],
    ["header injection: that header", { type: "header", name: "X-Api-Key" }, req("https://a.test/x", { "x-api-key": "mine", "x-other": "1" }), { url: "https://a.test/x", headers: { "x-other": "1" } }],
    ["query injection: that parameter, encoded or not", { type: "query", name: "key" }, req("https://a.test/x?a=1&key=mine&%6Bey=again&b=2#f"), { url: "https://a.test/x?a=1&b=2#f", headers: {} }],
    ["query injection: the rest of the URL byte for byte", { type: "query", name: "key" }, req("https://a.test/x?a=%2F&&b=+"), { url: "https://a.test/x?a=%2F&&b=+", headers: {} }],
    ["aws: the signing headers", { type: "aws-sigv4", region: "us-east-1", service: "s3" }, req("https://a.test/", { "x-amz-date": "1", "x-amz-security-token": "t", "x-amz-meta": "kept" }), { url: "https://a.test/", headers: { "x-amz-meta": "kept" } }],
    ["headers the vault never forwards", { type: "bearer" }, req("https://a.test/", { cookie: "s=1", host: "evil.test", "proxy-authorization": "p", "content-type": "application/json" }), { url: "https://a.test/", headers: { "content-type": "application/json" } }],
  ];
  for (const [name, injection, input, want] of cases) {
    it(name, () => expect(withoutCredentialSlot(input, injection)).toMatchObject(want));
  }
});

describe("large bodies are truncated with their size and SHA-256", () => {
  it("shows the beginning and hashes the whole", () => {
    const body = Buffer.from(JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => ({ i, note: "x".repeat(10) })) }));
    const a = { id: "a1", provider: "github", operationId: null, context: {}, grantId: "g", keyId: "k", requester: null, askedBy: ["grant"], createdAt: "t0", expiresAt: "t1" } as unknown as ApprovalRecord;
    const r = buildReview(a, { method: "POST", url: "https://api.github.com/x", headers: { "content-type": "application/json" }, body }, undefined);
    expect(r.body).toMatchObject({ kind: "json", truncated: true, size: body.length, sha256: createHash("sha256").update(body).digest("hex") });
    expect(r.body.shown.length).toBe(MAX_SHOWN_BODY_CHARS);
  });
});

describe("the approver's page (Chromium)", () => {
  const CANARY = "ghp_REVIEW_CANARY_77e1d2c3b4a5";
  let v: TestVault;
  let standin: Standin;
  let browser: TestBrowser;
  let gated: string;
  beforeAll(async () => {
    [standin, v, browser] = await Promise.all([startProviderStandin("github", { credential: CANARY }), startTestVault(), launchBrowser()]);
    await setProviderConfig({ dataDir: v.dataDir, provider: "github", baseUrl: standin.url });
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY, label: "billing-bot" });
    gated = (await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } })).grantId;
  });
  afterAll(async () => {
    await browser?.close();
    await v?.close();
    await standin?.close();
  });

  const BODY = '{"title":"Refund","amount": 500000,"currency":"usd"}';
  async function ask(body = BODY): Promise<string> {
    const res = await call(v, "POST", "/v1/proxy", {
      grant: { grantId: gated },
      provider: "github",
      request: {
        operationId: "issues/create",
        method: "POST",
        url: `${standin.url}/repos/acme/billing/issues?access_token=looks-secret&page=1`,
        headers: { "content-type": "application/json", "x-request-note": "batch 7", authorization: "Bearer caller-forged" },
        body: Buffer.from(body).toString("base64"),
      },
      context: { caller: "billing-agent", callerType: "agent", reason: "refund $5", toolName: "issue_refund" },
    });
    expect(res.json.error.code).toBe("approval_required");
    return res.json.error.details.approvalId;
  }

  it("shows what runs: the amount, the full URL and headers, who asked, and the reason as stated by the caller", async () => {
    const approvalId = await ask();
    const page = await browser.newPage();
    try {
      await page.goto(await approverLink({ dataDir: v.dataDir, approvalId }));
      expect(await page.locator("#body").textContent()).toContain('"amount": 500000');
      const reason = page.locator('#stated dd[data-field="reason"]');
      expect(await reason.textContent()).toMatch(/^refund \$5 — stated by the caller$/);
      expect(await page.locator("h2", { hasText: "Stated by the caller" }).textContent()).toContain("not verified");
      expect(await page.locator("#request-line").textContent()).toBe(`POST ${standin.url}/repos/acme/billing/issues?access_token=looks-secret&page=1`);
      // The operation's summary from GitHub's document, its id beside it.
      expect(await page.locator("#operation").textContent()).toBe("Create an issue (issues/create)");
      await page.fill("#approver", "Dana Reviewer");
      expect(await page.locator("#asked-by").textContent()).toContain("the grant's own policy");
      const headers = await page.locator("#headers").textContent();
      expect(headers).toContain("x-request-note");
      expect(headers).toContain("batch 7");
      expect(headers).not.toContain("caller-forged"); // the credential's place is the vault's
      expect(await page.locator("#body-sha256").textContent()).toBe(createHash("sha256").update(BODY).digest("hex"));
      const text = await page.content();
      expect(text).not.toContain(CANARY);

      const before = standin.requests.length;
      await Promise.all([page.waitForURL(/\/decision$/), page.click("#approve")]);
      expect(await page.locator("#status").getAttribute("data-status")).toBe("executed");
      const sent = standin.requests.slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.rawBody).toBe(BODY);
      expect(sent[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
      expect(sent[0]!.url).toContain("access_token=looks-secret&page=1");
    } finally {
      await page.close();
    }
  });

  it("the stored request holds no credential", async () => {
    const approvalId = await ask();
    const s = await openVaultState(v.dataDir);
    try {
      const stored = JSON.stringify((await approvalWithRequest(s.store, s.crypto, approvalId))!.request());
      expect(stored).not.toContain(CANARY);
      expect(stored).not.toContain("caller-forged");
      expect(JSON.stringify(await s.store.sql.all("SELECT * FROM approvals WHERE id = ?", [approvalId]))).not.toContain(CANARY);
    } finally {
      await s.close();
    }
  });

  it("refuses a decision when what would run differs from what was shown, and one that names no review", async () => {
    const approvalId = await ask();
    const link = await approverLink({ dataDir: v.dataDir, approvalId });
    const html = await (await request(link)).body.text();
    const field = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(html)![1]!;
    const form = { token: field("token"), csrf: field("csrf"), shown: field("shown"), decision: "approve", approver: "Dana" };
    const post = (f: Record<string, string>) =>
      request(`${v.url}/approvals/${approvalId}/decision`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(f).toString() });

    // The stored request changes after the page was shown (the row is rewritten under the master key).
    const s = await openVaultState(v.dataDir);
    try {
      const req = (await approvalWithRequest(s.store, s.crypto, approvalId))!.request();
      const swapped = { method: req.method, url: req.url, headers: req.headers, body: Buffer.from('{"amount": 900000}').toString("base64") };
      await s.store.sql.run("UPDATE approvals SET request_sealed = ? WHERE id = ?", [s.crypto.sealJson("approval-request", approvalId, swapped), approvalId]);
    } finally {
      await s.close();
    }
    const before = standin.requests.length;
    const noReview = await post({ ...form, shown: "" });
    expect(noReview.statusCode).toBe(400);
    await noReview.body.dump();
    const changed = await post(form);
    expect(changed.statusCode).toBe(409);
    expect(await changed.body.text()).toMatch(/differs from the one this page showed/);
    expect((await showApproval({ dataDir: v.dataDir, approvalId })).approval.status).toBe("pending");
    expect(standin.requests.length).toBe(before);
    // The CLI binds the same way.
    await expect(approve({ dataDir: v.dataDir, approvalId, expectHash: form.shown })).rejects.toThrow(/differs from the one you were shown/);
    const { hash } = await showApproval({ dataDir: v.dataDir, approvalId });
    expect((await approve({ dataDir: v.dataDir, approvalId, expectHash: hash })).status).toBe("executed");
    expect(standin.requests.at(-1)!.rawBody).toBe('{"amount": 900000}');
  });

  it("a request that no longer matches the approved review does not run", async () => {
    const approvalId = await ask();
    const s = await openVaultState(v.dataDir);
    try {
      await s.store.sql.run("UPDATE approvals SET status = 'approved', approved_hash = ? WHERE id = ?", ["0".repeat(64), approvalId]);
      const before = standin.requests.length;
      await runApproved(s, s.app, approvalId);
      expect(await s.store.sql.get("SELECT status, error_code FROM approvals WHERE id = ?", [approvalId])).toEqual({ status: "failed", error_code: "approval_mismatch" });
      expect(standin.requests.length).toBe(before);
    } finally {
      await s.close();
    }
  });
});
